import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { init } from '../../src/commands/init.js';
import { join } from '../../src/commands/join.js';
import { lock, renderLock } from '../../src/commands/lock.js';
import { locks, renderLocks } from '../../src/commands/locks.js';
import { newSession } from '../../src/commands/new.js';
import { renderUnlock, unlock } from '../../src/commands/unlock.js';
import { renderWho, who } from '../../src/commands/who.js';
import { QlockError, RefusedError, UsageError } from '../../src/errors.js';
import { acquireLocks } from '../../src/locks/acquireLocks.js';
import { acquireLocksWaiting } from '../../src/locks/acquireLocksWaiting.js';
import { releaseLocks } from '../../src/locks/releaseLocks.js';
import { requireProject } from '../../src/project/findProject.js';
import { openWorkspace } from '../../src/project/openWorkspace.js';
import { collectStatus } from '../../src/status/collectStatus.js';
import { isFor, readEvents } from '../../src/store/eventLog.js';
import { readRegistry, updateRegistry } from '../../src/store/registry.js';
import { makePlainDir, makeRepo, testContext } from '../helpers/repo.js';

async function rejection(promise: Promise<unknown>): Promise<QlockError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(QlockError);
    return error as QlockError;
  }
  throw new Error('expected the command to fail');
}

/** A repository with two registered sessions: "main" (the main worktree) and "feat". */
async function twoSessions() {
  const repo = makeRepo();
  await init({ hooks: false }, testContext(repo.root));
  await join({ name: 'main' }, testContext(repo.root));
  const wt = repo.worktree('feat');
  await join({ name: 'feat' }, testContext(wt));
  const stateDir = requireProject(repo.root).stateDir;
  return { repo, wt, stateDir };
}

const at = (iso: string) => () => new Date(iso);

describe('qlock lock / unlock between two worktrees', () => {
  it('refuses (exit 3) a path held by another session, naming holder, reason, age; takes nothing', async () => {
    const { repo, wt, stateDir } = await twoSessions();
    const t0 = '2026-01-01T10:00:00Z';
    const r = await lock(
      { paths: ['a.txt'], reason: 'rename API' },
      testContext(path.join(repo.root, 'src'), { now: at(t0) }),
    );
    expect(r.locks.map((l) => l.path)).toEqual(['src/a.txt']);
    expect(renderLock(r, { now: at(t0) })).toBe('Locked src/a.txt.');

    const ctx = testContext(wt, { now: at('2026-01-01T10:05:00Z') });
    const error = await rejection(lock({ paths: ['free.txt', 'src/a.txt'] }, ctx));
    expect(error).toBeInstanceOf(RefusedError);
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe(
      'Not locked: src/a.txt is locked by main (reason: rename API, 5m ago).\n' +
        'Nothing was taken. See `qlock who src/a.txt`; ask main to run `qlock unlock src/a.txt`; ' +
        'wait for it with `qlock lock free.txt src/a.txt --wait 10m`; or break it with `qlock unlock --force src/a.txt`.',
    );
    // Directory locks: covering, or covered by, another session's lock is refused too.
    expect((await rejection(lock({ paths: ['src/'] }, ctx))).exitCode).toBe(3);
    expect(readRegistry(stateDir).locks.map((l) => `${l.session}:${l.path}`)).toEqual([
      'main:src/a.txt',
    ]);

    await lock({ paths: ['docs/'] }, ctx);
    const nested = await rejection(
      lock({ paths: ['docs/new/file.md'] }, testContext(repo.root, { now: at(t0) })),
    );
    expect(nested.message).toMatch(/docs\/new\/file\.md is inside docs\/, locked by feat/);
  });

  it('re-locking refreshes the lock; --ttl and config lockTtl set the expiry', async () => {
    const { repo, stateDir } = await twoSessions();
    await lock(
      { paths: ['a.ts'], reason: 'first' },
      testContext(repo.root, { now: at('2026-01-01T10:00:00Z') }),
    );
    const again = await lock(
      { paths: ['a.ts'], ttl: '30m' },
      testContext(repo.root, { now: at('2026-01-01T11:00:00Z') }),
    );
    expect(again.refreshed).toEqual(['a.ts']);
    expect(readRegistry(stateDir).locks).toEqual([
      {
        path: 'a.ts',
        session: 'main',
        reason: 'first',
        acquiredAt: '2026-01-01T11:00:00.000Z',
        expiresAt: '2026-01-01T11:30:00.000Z',
      },
    ]);
    expect(renderLock(again, { now: at('2026-01-01T11:00:00Z') })).toBe(
      'Refreshed your lock on a.ts (expires in 30m).',
    );

    fs.writeFileSync(path.join(repo.root, '.qsessionrc.json'), JSON.stringify({ lockTtl: '2h' }));
    await lock({ paths: ['b.ts'] }, testContext(repo.root, { now: at('2026-01-01T12:00:00Z') }));
    expect(readRegistry(stateDir).locks.find((l) => l.path === 'b.ts')?.expiresAt).toBe(
      '2026-01-01T14:00:00.000Z',
    );
    const bad = await rejection(lock({ paths: ['c.ts'], ttl: 'soon' }, testContext(repo.root)));
    expect(bad).toBeInstanceOf(UsageError);
  });

  it('an expired lock is not honoured: another session takes it and the holder is told', async () => {
    const { repo, wt, stateDir } = await twoSessions();
    await lock(
      { paths: ['x.ts'], ttl: '1m' },
      testContext(repo.root, { now: at('2026-01-01T10:00:00Z') }),
    );
    const ws = await openWorkspace(testContext(repo.root));
    const later = testContext(repo.root, { now: at('2026-01-01T10:02:00Z') });
    expect((await collectStatus(ws, later)).locks.map((l) => l.stale)).toEqual([true]);
    expect((await locks({}, later)).locks[0]).toMatchObject({
      stale: true,
      staleReason: 'expired',
    });

    const r = await lock({ paths: ['x.ts'] }, testContext(wt, { now: at('2026-01-01T10:02:00Z') }));
    expect(r.replaced.map((l) => l.session)).toEqual(['main']);
    expect(readRegistry(stateDir).locks.map((l) => l.session)).toEqual(['feat']);
    const mainSession = readRegistry(stateDir).sessions.main!;
    const inbox = readEvents(stateDir, mainSession.cursor).events.filter((e) => isFor(e, 'main'));
    expect(inbox.map((e) => e.kind)).toContain('lock-broken');
  });

  it('a lock of a session whose directory is gone is stale once inactive for staleAfter, and status says so', async () => {
    const { repo, wt, stateDir } = await twoSessions();
    await lock({ paths: ['src/'] }, testContext(wt));
    const ws = await openWorkspace(testContext(repo.root));
    expect((await collectStatus(ws, testContext(repo.root))).locks[0]?.stale).toBe(false);
    fs.rmSync(wt, { recursive: true, force: true });
    // Absent for a moment (an unmounted disk?): its lock still counts.
    expect((await collectStatus(ws, testContext(repo.root))).locks[0]?.stale).toBe(false);
    await updateRegistry(stateDir, ({ registry }) => {
      for (const s of Object.values(registry.sessions))
        if (s.path === wt) s.lastSeen = new Date(Date.now() - 3 * 3_600_000).toISOString();
    });
    expect((await collectStatus(ws, testContext(repo.root))).locks[0]?.stale).toBe(true);
    await lock({ paths: ['src/a.txt'] }, testContext(repo.root));
    expect(readRegistry(stateDir).locks.map((l) => `${l.session}:${l.path}`)).toEqual([
      'main:src/a.txt',
    ]);
  });

  it('unlock: a path you do not hold is an error naming its holder; --force breaks it and tells the holder', async () => {
    const { repo, wt, stateDir } = await twoSessions();
    await lock({ paths: ['a.ts', 'lib/'], reason: 'mine' }, testContext(repo.root));
    const feat = testContext(wt);
    const notHeld = await rejection(unlock({ paths: ['a.ts'] }, feat));
    expect(notHeld.exitCode).toBe(1);
    expect(notHeld.message).toMatch(
      /^You do not hold a lock on a\.ts: it is locked by main \(reason: mine/,
    );
    const nobody = await rejection(unlock({ paths: ['zzz.ts'] }, feat));
    expect(nobody.message).toMatch(/zzz\.ts is not locked by anyone/);
    expect(readRegistry(stateDir).locks).toHaveLength(2);

    const forced = await unlock({ paths: ['a.ts'], force: true }, feat);
    expect(forced.broken.map((l) => l.path)).toEqual(['a.ts']);
    expect(renderUnlock(forced, feat)).toMatch(
      /^Broke the lock of main \(reason: mine, \d+s ago\) on a\.ts; main was told in its inbox\.$/,
    );
    const mainSession = readRegistry(stateDir).sessions.main!;
    const events = readEvents(stateDir, mainSession.cursor).events.filter(
      (e) => isFor(e, 'main') && e.kind === 'lock-broken',
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ from: 'feat', to: ['main'], paths: ['a.ts'] });

    const all = await unlock({ paths: [], all: true }, testContext(repo.root));
    expect(all.released.map((l) => l.path)).toEqual(['lib/']);
    expect(readRegistry(stateDir).locks).toEqual([]);
    expect(renderUnlock(await unlock({ paths: [], all: true }, testContext(repo.root)))).toBe(
      'You hold no locks; nothing to release.',
    );
  });

  it('needs a current session', async () => {
    const repo = makeRepo();
    await init({ hooks: false }, testContext(repo.root));
    const error = await rejection(lock({ paths: ['a.ts'] }, testContext(repo.root)));
    expect(error.message).toMatch(/is not inside a registered session/);
    const named = await rejection(
      lock({ paths: ['a.ts'] }, testContext(repo.root, { session: 'nope' })),
    );
    expect(named.message).toMatch(/No session named "nope"/);
  });
});

describe('--wait', () => {
  it('retries outside the mutex until the holder releases', async () => {
    const { stateDir } = await twoSessions();
    await acquireLocks(stateDir, { session: 'main', paths: ['w.ts'], reason: '', now: new Date() });
    let sleeps = 0;
    const result = await acquireLocksWaiting(stateDir, {
      session: 'feat',
      paths: ['w.ts'],
      reason: 'waited',
      now: () => new Date(),
      waitMs: 60_000,
      // The holder lets go while we wait.
      sleep: async () => {
        sleeps += 1;
        if (sleeps === 2)
          await releaseLocks(stateDir, { session: 'main', paths: ['w.ts'], now: new Date() });
      },
    });
    expect(sleeps).toBe(2);
    expect(result.taken.map((l) => l.session)).toEqual(['feat']);
  });

  it('gives up when the time is up, saying how long it waited', async () => {
    const { stateDir } = await twoSessions();
    await acquireLocks(stateDir, {
      session: 'main',
      paths: ['w.ts'],
      reason: 'busy',
      now: new Date(),
    });
    let t = Date.now();
    const error = await rejection(
      acquireLocksWaiting(stateDir, {
        session: 'feat',
        paths: ['w.ts'],
        reason: '',
        now: () => new Date(t),
        waitMs: 30_000,
        sleep: async (ms) => {
          t += ms;
        },
      }),
    );
    expect(error.exitCode).toBe(3);
    expect(error.message).toMatch(
      /^Still locked after waiting 30s: w\.ts is locked by main \(reason: busy/,
    );
  });
});

describe('qlock locks / who', () => {
  it('lists every lock and who is changing a path', async () => {
    const { repo, wt } = await twoSessions();
    await lock({ paths: ['src/'], reason: 'restructure' }, testContext(wt));
    fs.appendFileSync(path.join(wt, 'src/b.txt'), 'more\n');
    fs.appendFileSync(path.join(repo.root, 'src/a.txt'), 'more\n');
    repo.write('src/new file.txt', 'x', wt);

    const listed = await locks({}, testContext(repo.root));
    expect(listed.locks).toMatchObject([
      { path: 'src/', session: 'feat', reason: 'restructure', stale: false },
    ]);
    expect(renderLocks(listed, testContext(repo.root))).toMatch(
      /^src\/ {2}feat {2}\d+s ago {2}restructure$/,
    );

    const file = await who({ path: 'src/b.txt' }, testContext(repo.root));
    expect(file.path).toBe('src/b.txt');
    expect(file.locks.map((l) => l.path)).toEqual(['src/']);
    expect(file.changes).toEqual([{ session: 'feat', state: 'active', files: ['src/b.txt'] }]);

    const dir = await who({ path: '.' }, testContext(path.join(repo.root, 'src')));
    expect(dir.path).toBe('src/');
    expect(dir.changes.map((c) => [c.session, c.files])).toEqual([
      ['feat', ['src/b.txt', 'src/new file.txt']],
      ['main', ['src/a.txt']],
    ]);
    const text = renderWho(dir, testContext(repo.root));
    expect(text).toContain('feat: src/b.txt, src/new file.txt');
    expect(text).toContain('main: src/a.txt');

    const none = await who({ path: 'README.md' }, testContext(repo.root));
    expect(renderWho(none)).toBe('Nobody holds a lock on README.md and no session has changed it.');
  });
});

describe('a plain directory project (no git)', () => {
  it('locks the same way, between the directory and a copy', async () => {
    const root = makePlainDir({ 'notes.txt': 'n\n', 'docs/a.md': 'a\n' });
    await init({ hooks: false }, testContext(root));
    await join({ name: 'main' }, testContext(root));
    const copy = (await newSession({ name: 'copy', copy: true }, testContext(root))).session.path;
    await lock({ paths: ['.'] }, testContext(path.join(root, 'docs')));
    const error = await rejection(lock({ paths: ['docs/a.md'] }, testContext(copy)));
    expect(error.exitCode).toBe(3);
    expect(error.message).toMatch(/docs\/a\.md is inside docs\/, locked by main/);
    await lock({ paths: ['notes.txt'] }, testContext(copy));
    fs.appendFileSync(path.join(copy, 'notes.txt'), 'more\n');
    const w = await who({ path: 'notes.txt' }, testContext(root));
    expect(w.locks.map((l) => l.session)).toEqual(['copy']);
    expect(w.changes.map((c) => c.session)).toEqual(['copy']);
    await unlock({ paths: ['docs/'] }, testContext(root));
    expect(readRegistry(requireProject(root).stateDir).locks.map((l) => l.path)).toEqual([
      'notes.txt',
    ]);
  });
});
