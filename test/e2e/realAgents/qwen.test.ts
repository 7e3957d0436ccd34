import { realClientSuite } from './harness/clientSuite.js';

// The real qwen CLI against a loopback stand-in of its model API (see harness/clientSuite.ts).
realClientSuite('qwen');
