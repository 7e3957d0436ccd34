import { describe, expect, it } from 'vitest';

import { emptyRegistry, type Lock, type Registry, type Session } from '../../src/store/types.js';
import { groupOverlaps, OverlapTracker, type OverlapView } from '../../src/watch/overlapTracker.js';

const session = (name: string): Session => ({
  name,
  // The tracker asks whether lock holders' directories exist: use one that does.
  path: process.cwd(),
  kind: 'worktree',
  base: 'main',
  createdAt: '2026-01-01T00:00:00Z',
  lastSeen: '2026-01-01T00:00:00Z',
  cursor: 0,
});

function view(
  sets: Record<string, string[]>,
  locks: Lock[] = [],
  dead: string[] = [],
): OverlapView {
  const registry: Registry = emptyRegistry();
  for (const name of Object.keys(sets)) registry.sessions[name] = session(name);
  registry.locks = locks;
  return {
    registry,
    now: new Date('2026-01-01T00:00:10Z'),
    changeSets: new Map(Object.entries(sets).map(([k, v]) => [k, new Set(v)])),
    isLive: (name) => !dead.includes(name),
  };
}

const lock = (path: string, holder: string): Lock => ({
  path,
  session: holder,
  reason: 'r',
  acquiredAt: '2026-01-01T00:00:00Z',
});

describe('OverlapTracker', () => {
  it('announces an edit of a path in another live session’s change set once per pair', () => {
    const tracker = new OverlapTracker();
    const v = view({ a: [], b: ['x', 'y'], c: ['x'], d: ['x'] }, [], ['d']);
    expect(tracker.onEdits('a', ['x', 'z'], v)).toEqual([
      { path: 'x', editor: 'a', other: 'b' },
      { path: 'x', editor: 'a', other: 'c' },
    ]);
    expect(tracker.onEdits('a', ['x'], v)).toEqual([]);
    // Pairs are unordered: b saving x is not news for a again, only for c.
    expect(tracker.onEdits('b', ['x'], v)).toEqual([{ path: 'x', editor: 'b', other: 'c' }]);
  });

  it('counts a lock of the other session, directory locks included', () => {
    const tracker = new OverlapTracker();
    const v = view({ a: [], b: [] }, [lock('src/', 'b')]);
    expect(tracker.onEdits('a', ['src/deep/f.ts'], v)).toEqual([
      { path: 'src/deep/f.ts', editor: 'a', other: 'b', lockedBy: 'b' },
    ]);
    // Its own locks are not overlaps.
    expect(tracker.onEdits('b', ['src/other.ts'], v)).toEqual([]);
  });

  it('announces again after the overlap cleared, but not on a read that predates it', () => {
    const tracker = new OverlapTracker();
    const v1 = view({ a: ['x'], b: ['x'] });
    expect(tracker.onEdits('a', ['x'], v1)).toHaveLength(1);
    const announcedAt = v1.now.getTime();
    // b's read began before the announcement: it cannot clear it.
    tracker.clear('b', announcedAt - 1, view({ a: ['x'], b: [] }));
    expect(tracker.isActive('x', 'a', 'b')).toBe(true);
    tracker.clear('b', announcedAt, view({ a: ['x'], b: [] }));
    expect(tracker.isActive('x', 'a', 'b')).toBe(false);
    expect(tracker.onEdits('a', ['x'], view({ a: ['x'], b: ['x'] }))).toHaveLength(1);
  });

  it("judges only the refreshed session's side: a stale set of the other side drops nothing", () => {
    const tracker = new OverlapTracker();
    // a edits x, which b changes: announced from a's write event, before a's set is read again.
    expect(tracker.onEdits('a', ['x'], view({ a: [], b: ['x'] }))).toHaveLength(1);
    const after = view({ a: [], b: ['x'] }).now.getTime();
    // b's set is read afresh while the cache still holds a's set from before the edit.
    tracker.clear('b', after, view({ a: [], b: ['x'] }));
    expect(tracker.isActive('x', 'a', 'b')).toBe(true);
    // a's set catches up: nothing new to say.
    tracker.clear('a', after, view({ a: ['x'], b: ['x'] }));
    expect(tracker.onEdits('a', ['x'], view({ a: ['x'], b: ['x'] }))).toEqual([]);
    // a reverts x: a's own fresh read drops the overlap, and a new edit is news again.
    tracker.clear('a', after, view({ a: [], b: ['x'] }));
    expect(tracker.isActive('x', 'a', 'b')).toBe(false);
    expect(tracker.onEdits('a', ['x'], view({ a: ['x'], b: ['x'] }))).toHaveLength(1);
  });

  it('seeds overlaps that already exist so they are not announced', () => {
    const tracker = new OverlapTracker();
    const v = view({ a: ['x', 'l/f'], b: ['x'] }, [lock('l/', 'b')]);
    tracker.seed('a', v);
    expect(tracker.onEdits('a', ['x', 'l/f'], v)).toEqual([]);
    tracker.forget('b');
    expect(tracker.onEdits('a', ['x'], v)).toHaveLength(1);
  });

  it('groups new overlaps by pair', () => {
    expect(
      groupOverlaps([
        { path: 'x', editor: 'a', other: 'b' },
        { path: 'y', editor: 'a', other: 'b' },
        { path: 'x', editor: 'a', other: 'c', lockedBy: 'c' },
      ]),
    ).toEqual([
      { editor: 'a', other: 'b', paths: ['x', 'y'] },
      { editor: 'a', other: 'c', lockedBy: 'c', paths: ['x'] },
    ]);
  });
});
