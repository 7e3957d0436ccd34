import { describe, expect, it } from 'vitest';

import { init } from '../../src/commands/init.js';
import { join } from '../../src/commands/join.js';
import { lock } from '../../src/commands/lock.js';
import { checkLocks } from '../../src/doctor/checkLocks.js';
import { openWorkspace } from '../../src/project/openWorkspace.js';
import { readRegistry, updateRegistry } from '../../src/store/registry.js';
import { makeRepo, testContext } from '../helpers/repo.js';

describe('qlock doctor: locks check', () => {
  it('reports stale locks and removes them with --fix; flags overlapping holders', async () => {
    const repo = makeRepo();
    await init({ hooks: false }, testContext(repo.root));
    await join({ name: 'main' }, testContext(repo.root));
    const ws = await openWorkspace(testContext(repo.root));
    const stateDir = ws.project.stateDir;

    expect(await checkLocks(ws, testContext(repo.root))).toMatchObject([
      { check: 'locks', ok: true, message: '0 lock(s), none stale or overlapping' },
    ]);

    await lock(
      { paths: ['a.ts'], ttl: '1m' },
      testContext(repo.root, { now: () => new Date('2026-01-01T10:00:00Z') }),
    );
    await lock({ paths: ['b.ts'] }, testContext(repo.root));
    const later = testContext(repo.root, { now: () => new Date('2026-01-01T10:05:00Z') });
    const [stale] = await checkLocks(ws, later);
    // A stale lock blocks nobody: a note, not a failure.
    expect(stale).toMatchObject({
      ok: true,
      note: true,
      message: expect.stringMatching(/^1 stale lock\(s\).*a\.ts \(main\)$/),
    });
    expect(await stale!.apply!()).toBe('removed 1 stale lock(s)');
    expect(readRegistry(stateDir).locks.map((l) => l.path)).toEqual(['b.ts']);

    // Only a hand edit can put two sessions on overlapping paths; doctor says so.
    await updateRegistry(stateDir, ({ registry }) => {
      registry.sessions.other = { ...registry.sessions.main!, name: 'other' };
      registry.locks.push({
        path: 'b.ts',
        session: 'other',
        reason: '',
        acquiredAt: new Date().toISOString(),
      });
    });
    const findings = await checkLocks(ws, testContext(repo.root));
    expect(findings.map((f) => f.message)).toEqual([
      'main holds b.ts and other holds b.ts, which overlap: the registry was edited by hand or a qlock bug broke the lock invariant',
    ]);
  });
});
