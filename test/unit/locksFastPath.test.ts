import { describe, expect, it } from 'vitest';

import { runFast } from '../../src/fast/lock.js';

// The fast path must never answer differently from the full CLI: anything it does not parse
// exactly as commander would is handed back (undefined) before it touches anything.
describe('lock/unlock fast path hands unusual invocations to the full CLI', () => {
  it.each([
    [['lock']], // missing path: commander's own error
    [['lock', '--C', 'dir', 'a.ts']], // commander knows -C only
    [['lock', 'a.ts', '--unknown']],
    [['lock', 'a.ts', '--reason']], // missing value
    [['lock', '--reason', '-x', 'a.ts']], // ambiguous value
    [['lock', 'a.ts', '--json=yes']], // a boolean given a value
    [['unlock', '--all=1']],
    [['unlock', 'a.ts', '--ttl', '1m']], // lock's option on unlock
    [['unlock', '-f', 'a.ts']],
  ])('%j', async (argv) => {
    expect(await runFast(argv)).toBeUndefined();
  });
});

describe('status fast path hands unusual invocations to the full CLI', () => {
  it.each([
    [['status', 'a', 'b']], // one name at most: commander's own error
    [['status', '--verbose=yes']],
    [['status', '-x']],
    [['status', '--C', '.']],
    [['status', '-C', '/no/such/dir']], // commander words the usage error
  ])('%j', async (argv) => {
    const { runFast: runStatus } = await import('../../src/fast/status.js');
    expect(await runStatus(argv)).toBeUndefined();
  });
});
