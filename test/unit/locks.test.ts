import { describe, expect, it } from 'vitest';

import { RefusedError, UsageError } from '../../src/errors.js';
import { applyAcquire, type LockRefusal } from '../../src/locks/acquireLocks.js';
import { formatHolder } from '../../src/locks/formatHolder.js';
import {
  findBlockingLocks,
  isLockHonoured,
  lockCovers,
  locksOverlap,
} from '../../src/locks/lockTable.js';
import { applyRelease } from '../../src/locks/releaseLocks.js';
import type { Lock, Registry, Session } from '../../src/store/types.js';
import { lockMessages, shellArg } from '../../src/ui/messages/locks.js';

// Session directories must exist for their locks to be honoured; '/' always does.
const EXISTS = '/';
const GONE = '/nonexistent-qlock-test-dir/x';
const NOW = new Date('2026-01-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

function session(name: string, path = EXISTS): Session {
  return {
    name,
    path,
    kind: 'worktree',
    base: 'main',
    createdAt: ago(3_600_000),
    lastSeen: ago(60_000),
    cursor: 0,
  };
}

function lock(path: string, owner: string, extra: Partial<Lock> = {}): Lock {
  return { path, session: owner, reason: '', acquiredAt: ago(5 * 60_000), ...extra };
}

function registry(locks: Lock[], sessions: Session[] = [session('a'), session('b')]): Registry {
  return { version: 1, sessions: Object.fromEntries(sessions.map((s) => [s.name, s])), locks };
}

describe('lockCovers / locksOverlap', () => {
  it.each([
    ['src/a.ts', 'src/a.ts', true, true],
    ['src/', 'src/a.ts', true, true],
    ['src/', 'src/deep/er/a.ts', true, true],
    ['src/', 'src/', true, true],
    ['src/', 'src/sub/', true, true],
    ['src/a.ts', 'src/', false, true],
    ['src/a.ts', 'src/a.tsx', false, false],
    ['src', 'src/a.ts', false, false], // a file named src covers nothing below
    ['src/', 'srcx/a.ts', false, false],
    ['src/', 'lib/a.ts', false, false],
  ])('%s vs %s: covers %s, overlaps %s', (a, b, covers, overlaps) => {
    expect(lockCovers(a, b)).toBe(covers);
    expect(locksOverlap(a, b)).toBe(overlaps);
    expect(locksOverlap(b, a)).toBe(overlaps);
  });
});

describe('isLockHonoured', () => {
  const reg = registry([], [session('a'), session('gone', GONE)]);
  it('honours a live lock without expiry', () => {
    expect(isLockHonoured(lock('x', 'a'), reg, NOW)).toBe(true);
  });
  it('honours a lock until its expiry, not after', () => {
    const future = new Date(NOW.getTime() + 1).toISOString();
    expect(isLockHonoured(lock('x', 'a', { expiresAt: future }), reg, NOW)).toBe(true);
    expect(isLockHonoured(lock('x', 'a', { expiresAt: NOW.toISOString() }), reg, NOW)).toBe(false);
  });
  it('does not honour locks of removed sessions or of sessions gone (absent and inactive for 2h)', () => {
    expect(isLockHonoured(lock('x', 'removed'), reg, NOW)).toBe(false);
    const longGone = registry([], [{ ...session('gone', GONE), lastSeen: ago(3 * 3_600_000) }]);
    expect(isLockHonoured(lock('x', 'gone'), longGone, NOW)).toBe(false);
  });
  it('keeps honouring the locks of a session absent for a moment (active lately)', () => {
    expect(isLockHonoured(lock('x', 'gone'), reg, NOW)).toBe(true);
  });
});

describe('findBlockingLocks', () => {
  const reg = registry(
    [
      lock('src/', 'b'),
      lock('lib/x.ts', 'b'),
      lock('doc/', 'a'),
      lock('old.ts', 'b', { expiresAt: ago(1) }),
      lock('tmp/', 'ghost'),
    ],
    [session('a'), session('b')],
  );
  it('finds other sessions’ locks that equal, cover or lie below a path', () => {
    expect(findBlockingLocks(reg, ['src/a.ts'], 'a', NOW).map((l) => l.path)).toEqual(['src/']);
    expect(findBlockingLocks(reg, ['lib/'], 'a', NOW).map((l) => l.path)).toEqual(['lib/x.ts']);
    expect(findBlockingLocks(reg, ['lib/x.ts'], 'a', NOW).map((l) => l.path)).toEqual(['lib/x.ts']);
  });
  it('ignores the caller’s own locks, stale locks and unrelated paths', () => {
    expect(findBlockingLocks(reg, ['doc/a.md', 'old.ts', 'tmp/x', 'other'], 'a', NOW)).toEqual([]);
    expect(findBlockingLocks(reg, ['src/a.ts'], 'b', NOW)).toEqual([]);
  });
  it('counts every honoured lock when there is no session', () => {
    expect(findBlockingLocks(reg, ['doc/x', 'src/y'], undefined, NOW).map((l) => l.path)).toEqual([
      'src/',
      'doc/',
    ]);
  });
});

describe('applyAcquire', () => {
  it('takes all paths, or refuses and changes nothing', () => {
    const reg = registry([lock('src/', 'b', { reason: 'refactor' })]);
    const before = JSON.stringify(reg);
    let error: unknown;
    try {
      applyAcquire(reg, { session: 'a', paths: ['free.ts', 'src/x.ts'], reason: 'r', now: NOW });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RefusedError);
    expect((error as RefusedError).exitCode).toBe(3);
    const details = (error as RefusedError).details as LockRefusal;
    expect(details.holders.map((l) => l.path)).toEqual(['src/']);
    expect((error as Error).message).toContain(
      'src/x.ts is inside src/, locked by b (reason: refactor, 5m ago)',
    );
    expect((error as Error).message).toContain('qlock unlock --force src/');
    expect(JSON.stringify(reg)).toBe(before);

    const { taken, refreshed } = applyAcquire(reg, {
      session: 'a',
      paths: ['free.ts', 'lib/'],
      reason: 'r',
      now: NOW,
    });
    expect(taken.map((l) => l.path)).toEqual(['free.ts', 'lib/']);
    expect(refreshed).toEqual([]);
    expect(reg.locks).toHaveLength(3);
  });

  it('refreshes one’s own lock: new times, same record, reason and lease kept unless given', () => {
    // Taken 5 minutes ago with a 6-minute lease (1 minute left).
    const reg = registry([lock('a.ts', 'a', { reason: 'first', expiresAt: ago(-60_000) })]);
    const r1 = applyAcquire(reg, { session: 'a', paths: ['a.ts'], reason: '', now: NOW });
    expect(r1.refreshed).toEqual(['a.ts']);
    expect(reg.locks).toEqual([
      {
        path: 'a.ts',
        session: 'a',
        reason: 'first',
        acquiredAt: NOW.toISOString(),
        expiresAt: new Date(NOW.getTime() + 6 * 60_000).toISOString(),
      },
    ]);
    applyAcquire(reg, { session: 'a', paths: ['a.ts'], reason: 'second', ttlMs: 60_000, now: NOW });
    expect(reg.locks).toEqual([
      {
        path: 'a.ts',
        session: 'a',
        reason: 'second',
        acquiredAt: NOW.toISOString(),
        expiresAt: new Date(NOW.getTime() + 60_000).toISOString(),
      },
    ]);
    // A lock without expiry stays without one.
    const plain = registry([lock('b.ts', 'a')]);
    applyAcquire(plain, { session: 'a', paths: ['b.ts'], reason: '', now: NOW });
    expect(plain.locks[0]).not.toHaveProperty('expiresAt');
  });

  it('replaces overlapping locks that are no longer honoured', () => {
    const reg = registry([
      lock('src/', 'b', { expiresAt: ago(1) }),
      lock('src/a.ts', 'ghost'),
      lock('lib/', 'b'),
    ]);
    const r = applyAcquire(reg, { session: 'a', paths: ['src/a.ts'], reason: '', now: NOW });
    expect(r.replaced.map((l) => `${l.session}:${l.path}`)).toEqual(['b:src/', 'ghost:src/a.ts']);
    expect(reg.locks.map((l) => `${l.session}:${l.path}`)).toEqual(['b:lib/', 'a:src/a.ts']);
  });

  it('lets a session hold a file inside its own directory lock', () => {
    const reg = registry([lock('src/', 'a')]);
    applyAcquire(reg, { session: 'a', paths: ['src/a.ts', 'src/a.ts'], reason: '', now: NOW });
    expect(reg.locks.map((l) => l.path)).toEqual(['src/', 'src/a.ts']);
  });
});

describe('applyRelease', () => {
  const base = () =>
    registry([
      lock('a.ts', 'a'),
      lock('src/x.ts', 'a'),
      lock('src/y.ts', 'a'),
      lock('b.ts', 'b'),
      lock('lib/', 'b'),
    ]);

  it('releases own locks, a directory path releases own locks below it', () => {
    const reg = base();
    const r = applyRelease(reg, { session: 'a', paths: ['a.ts', 'src/'], now: NOW });
    expect(r.released.map((l) => l.path)).toEqual(['a.ts', 'src/x.ts', 'src/y.ts']);
    expect(r.broken).toEqual([]);
    expect(reg.locks.map((l) => l.path)).toEqual(['b.ts', 'lib/']);
  });

  it('--all releases every own lock and nothing else', () => {
    const reg = base();
    const r = applyRelease(reg, { session: 'a', all: true, now: NOW });
    expect(r.released).toHaveLength(3);
    expect(reg.locks.map((l) => l.session)).toEqual(['b', 'b']);
  });

  it('refuses (exit 1) a path held by another session, naming it, and releases nothing', () => {
    const reg = base();
    expect(() => applyRelease(reg, { session: 'a', paths: ['a.ts', 'b.ts'], now: NOW })).toThrow(
      /You do not hold a lock on b\.ts: it is locked by b \(no reason given, 5m ago\)/,
    );
    expect(reg.locks).toHaveLength(5);
  });

  it('says when a path is not locked at all, or only inside a directory lock', () => {
    expect(() => applyRelease(base(), { session: 'a', paths: ['none.ts'], now: NOW })).toThrow(
      /none\.ts is not locked by anyone/,
    );
    expect(() => applyRelease(base(), { session: 'a', paths: ['lib/z.ts'], now: NOW })).toThrow(
      /lib\/z\.ts lies inside lib\/, locked by b .*qlock unlock --force lib\//,
    );
    const own = registry([lock('src/', 'a')]);
    expect(() => applyRelease(own, { session: 'a', paths: ['src/q.ts'], now: NOW })).toThrow(
      /covered by your lock on src\//,
    );
  });

  it('--force breaks another session’s lock', () => {
    const reg = base();
    const r = applyRelease(reg, { session: 'a', paths: ['b.ts', 'lib/'], force: true, now: NOW });
    expect(r.broken.map((l) => l.path)).toEqual(['b.ts', 'lib/']);
    expect(r.released).toEqual([]);
    expect(reg.locks.map((l) => l.session)).toEqual(['a', 'a', 'a']);
  });

  it('needs paths or --all', () => {
    expect(() => applyRelease(base(), { session: 'a', now: NOW })).toThrow(UsageError);
  });
});

describe('messages', () => {
  it('formatHolder names session, reason, age and expiry', () => {
    expect(formatHolder(lock('x', 'feature-b', { reason: 'renaming' }), NOW)).toBe(
      'feature-b (reason: renaming, 5m ago)',
    );
    expect(
      formatHolder(
        lock('x', 'b', { expiresAt: new Date(NOW.getTime() + 25 * 60_000).toISOString() }),
        NOW,
      ),
    ).toBe('b (no reason given, 5m ago, expires in 25m)');
  });

  it('quotes paths for the shell only when needed', () => {
    expect(shellArg('src/a-b_c.ts')).toBe('src/a-b_c.ts');
    expect(shellArg('my file.ts')).toBe(`'my file.ts'`);
    expect(shellArg(`it's.ts`)).toBe(`'it'\\''s.ts'`);
  });

  it('a refusal says what to do, with copyable commands', () => {
    const text = lockMessages.lockRefused(
      ['a b.ts'],
      [{ path: 'a b.ts', lockPath: 'a b.ts', session: 'x', holder: 'x (reason: r, 1m ago)' }],
    );
    expect(text).toBe(
      'Not locked: a b.ts is locked by x (reason: r, 1m ago).\n' +
        "Nothing was taken. See `qlock who 'a b.ts'`; ask x to run `qlock unlock 'a b.ts'`; " +
        "wait for it with `qlock lock 'a b.ts' --wait 10m`; or break it with `qlock unlock --force 'a b.ts'`.",
    );
  });
});
