import { realClientSuite } from './harness/clientSuite.js';

// The real opencode CLI against a loopback stand-in of its model API (see harness/clientSuite.ts).
realClientSuite('opencode');
