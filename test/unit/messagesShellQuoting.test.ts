import { spawnSync } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import { agentMessages } from '../../src/ui/messages/agents.js';
import { hookMessages } from '../../src/ui/messages/hooks.js';

/**
 * The commands that hook messages tell a person (or a model) to run must work when pasted into a
 * shell, whatever the path: with a space or a non-ASCII letter it is quoted.
 */

const PATH = 'dir é/f ü.txt';

/** The `…` commands of a message, each split into words as sh splits it (without `qlock`). */
function commands(message: string): string[][] {
  return [...message.matchAll(/`qlock ([^`]+)`/g)].map((m) => {
    const r = spawnSync('sh', ['-c', `set -- ${m[1]!}; printf '%s\\n' "$@"`], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.trimEnd().split('\n');
  });
}

describe('paths in suggested commands are shell-quoted', () => {
  it('the pre-commit block and warnings', () => {
    const locked = [{ path: PATH, lockPath: PATH, holder: 'a (reason: r, 1s ago)', session: 'a' }];
    expect(commands(hookMessages.lockedBlock(locked))).toEqual([
      ['unlock', PATH],
      ['unlock', '--force', PATH],
    ]);
    expect(commands(hookMessages.lockedWarn(locked))).toEqual([['who', PATH]]);
    expect(commands(hookMessages.overlapWarn('b', [PATH]))).toEqual([['who', PATH], ['conflicts']]);
  });

  it("an agent's blocked write and its overlap heads-up", () => {
    expect(commands(agentMessages.hookDenyLocked(['x'], ['a'], [PATH]))).toEqual([
      ['unlock', PATH],
      ['unlock', PATH, '--force'],
    ]);
    expect(commands(agentMessages.hookWarnOverlap([{ path: PATH, sessions: ['b'] }]))).toEqual([
      ['who', PATH],
      ['conflicts'],
    ]);
  });
});
