import { realClientSuite } from './harness/clientSuite.js';

// The real copilot CLI against a loopback stand-in of its model API (see harness/clientSuite.ts).
realClientSuite('copilot');
