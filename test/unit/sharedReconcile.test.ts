import os from 'node:os';

import { describe, expect, it } from 'vitest';

import { reconcile, type ReconcileInput } from '../../src/shared/reconcile.js';
import {
  emptyDoc,
  type Notice,
  type Participant,
  type RemoteDoc,
  type RemoteLock,
} from '../../src/shared/remoteDoc.js';
import { emptyPending, type SharedPending } from '../../src/shared/sharedFiles.js';
import type { Lock, Registry } from '../../src/store/types.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const iso = (msAgo: number) => new Date(NOW.getTime() - msAgo).toISOString();
const ME: Participant = { clone: 'me0000000000', user: 'Me', email: 'me@x', host: 'here' };
const BOB: Participant = { clone: 'bob000000000', user: 'Bob', email: 'bob@x', host: 'there' };

function registry(locks: Lock[], sessions = ['s1', 's2']): Registry {
  const reg: Registry = { version: 1, sessions: {}, locks };
  for (const name of sessions)
    reg.sessions[name] = {
      name,
      path: os.tmpdir(), // exists: the session is live
      kind: 'clone',
      base: 'main',
      createdAt: iso(3600_000),
      lastSeen: iso(1000),
      cursor: 0,
    };
  return reg;
}

const local = (session: string, path: string, msAgo = 1000, extra: Partial<Lock> = {}): Lock => ({
  path,
  session,
  reason: 'r',
  acquiredAt: iso(msAgo),
  ...extra,
});

const remote = (
  who: Participant,
  session: string,
  path: string,
  extra: Partial<RemoteLock> = {},
): RemoteLock => ({
  ...local(session, path),
  ...who,
  ...extra,
});

function run(partial: Partial<ReconcileInput> & { doc?: RemoteDoc }) {
  return reconcile({
    doc: emptyDoc(),
    me: ME,
    registry: registry([]),
    pending: emptyPending(),
    intent: {},
    now: NOW,
    adoptAfterMs: 60_000,
    ...partial,
  });
}

const paths = (locks: RemoteLock[]) => locks.map((l) => `${l.user}:${l.session}:${l.path}`).sort();

describe('reconcile: a lock request (rule 2)', () => {
  it('publishes locks taken locally when nobody else holds them', () => {
    const out = run({
      registry: registry([local('s1', 'src/a.ts'), local('s1', 'src/b/')]),
      intent: { acquire: { session: 's1', paths: ['src/a.ts', 'src/b/'] } },
    });
    expect(out.refused).toEqual([]);
    expect(out.changed).toBe(true);
    expect(paths(out.doc.locks)).toEqual(['Me:s1:src/a.ts', 'Me:s1:src/b/']);
    expect(out.message).toBe('qlock: Me@here: lock src/a.ts (s1), src/b/ (s1)');
  });

  it('refuses all or nothing when another clone holds an overlapping lock (file, around, below)', () => {
    for (const [held, asked] of [
      ['src/a.ts', 'src/a.ts'],
      ['src/', 'src/a.ts'],
      ['src/a.ts', 'src/'],
    ] as const) {
      const doc = { ...emptyDoc(), locks: [remote(BOB, 'b1', held)] };
      const out = run({
        doc,
        registry: registry([local('s1', asked), local('s1', 'lib/c.ts')]),
        intent: { acquire: { session: 's1', paths: ['lib/c.ts', asked] } },
      });
      expect(out.refused).toMatchObject([{ path: asked, holders: [{ user: 'Bob', path: held }] }]);
      expect(paths(out.doc.locks)).toEqual([`Bob:b1:${held}`]);
    }
  });

  it('ignores an expired remote lock (and drops it)', () => {
    const doc = { ...emptyDoc(), locks: [remote(BOB, 'b1', 'src/a.ts', { expiresAt: iso(1) })] };
    const out = run({
      doc,
      registry: registry([local('s1', 'src/a.ts')]),
      intent: { acquire: { session: 's1', paths: ['src/a.ts'] } },
    });
    expect(out.refused).toEqual([]);
    expect(paths(out.doc.locks)).toEqual(['Me:s1:src/a.ts']);
  });

  it('publishes nothing for a path released meanwhile by another process', () => {
    const out = run({ intent: { acquire: { session: 's1', paths: ['src/a.ts'] } } });
    expect(out.refused).toEqual([]);
    expect(out.doc.locks).toEqual([]);
  });
});

describe('reconcile: this clone’s entries mirror its registry (rule 1)', () => {
  it('withdraws entries no longer held here, keeps and refreshes the others', () => {
    const doc = {
      ...emptyDoc(),
      locks: [
        remote(ME, 's1', 'gone.ts'),
        remote(ME, 's1', 'kept.ts', { reason: 'old' }),
        remote(ME, 's2', 'expired.ts'),
        remote(BOB, 'b1', 'theirs.ts'),
      ],
    };
    const reg = registry([
      local('s1', 'kept.ts', 10, { reason: 'new', expiresAt: iso(-3600_000) }),
      local('s2', 'expired.ts', 10, { expiresAt: iso(1) }),
    ]);
    const out = run({ doc, registry: reg });
    expect(paths(out.doc.locks)).toEqual(['Bob:b1:theirs.ts', 'Me:s1:kept.ts']);
    expect(out.doc.locks.find((l) => l.path === 'kept.ts')).toMatchObject({
      reason: 'new',
      expiresAt: iso(-3600_000),
    });
    expect(out.message).toContain('unlock gone.ts (s1), expired.ts (s2)');
  });

  it('does not publish a young local lock nobody asked to publish (another process is on it)', () => {
    const out = run({ registry: registry([local('s1', 'young.ts', 5_000)]) });
    expect(out.doc.locks).toEqual([]);
    expect(out.published).toEqual([]);
  });

  it('adopts an older local lock the remote does not know (taken by another path, or the ref was deleted)', () => {
    const out = run({ registry: registry([local('s1', 'old.ts', 120_000)]) });
    expect(paths(out.doc.locks)).toEqual(['Me:s1:old.ts']);
    expect(out.published).toMatchObject([{ session: 's1', path: 'old.ts' }]);
  });
});

describe('reconcile: locks taken while offline (rule 3)', () => {
  const pendingFor = (...ps: [string, string][]): SharedPending => ({
    ...emptyPending(),
    acquire: ps.map(([session, path]) => ({ session, path, at: iso(5000) })),
  });

  it('publishes them when free, drops the ones released meanwhile', () => {
    const out = run({
      registry: registry([local('s1', 'a.ts', 5000)]),
      pending: pendingFor(['s1', 'a.ts'], ['s1', 'released.ts']),
    });
    expect(paths(out.doc.locks)).toEqual(['Me:s1:a.ts']);
    expect(out.published.map((p) => p.path)).toEqual(['a.ts']);
    expect(out.dropped.map((p) => p.path)).toEqual(['released.ts']);
  });

  it('reports a conflict with a lock taken elsewhere meanwhile: kept here, not merged, holder told once', () => {
    const doc = { ...emptyDoc(), locks: [remote(BOB, 'b1', 'src/')] };
    const input = {
      doc,
      registry: registry([local('s1', 'src/a.ts', 5000)]),
      pending: pendingFor(['s1', 'src/a.ts']),
    };
    const out = run(input);
    expect(out.conflicts).toMatchObject([
      { session: 's1', path: 'src/a.ts', since: iso(5000), holder: { user: 'Bob', path: 'src/' } },
    ]);
    expect(out.newConflicts).toHaveLength(1);
    expect(paths(out.doc.locks)).toEqual(['Bob:b1:src/']);
    expect(out.doc.notices).toMatchObject([
      {
        kind: 'conflict',
        to: { clone: BOB.clone, session: 'b1' },
        from: { ...ME, session: 's1' },
        paths: ['src/a.ts'],
        since: iso(5000),
      },
    ]);
    // Known conflict: reported again, but no second notice.
    const again = run({ ...input, pending: { ...input.pending, conflicts: out.conflicts } });
    expect(again.conflicts).toHaveLength(1);
    expect(again.newConflicts).toEqual([]);
    expect(again.doc.notices).toEqual([]);
  });

  it('records and tells every one of them, not only the first', () => {
    const CAROL: Participant = { clone: 'carol0000000', user: 'Carol', email: 'c@x', host: 'far' };
    const doc = {
      ...emptyDoc(),
      locks: [remote(BOB, 'b1', 'src/a.ts'), remote(CAROL, 'c1', 'src/b.ts')],
    };
    const out = run({
      doc,
      registry: registry([local('s1', 'src/', 5000)]),
      pending: pendingFor(['s1', 'src/']),
    });
    expect(out.conflicts.map((c) => `${c.path}:${c.holder.user}:${c.holder.path}`)).toEqual([
      'src/:Bob:src/a.ts',
      'src/:Carol:src/b.ts',
    ]);
    expect(out.doc.notices.map((n) => `${n.kind}:${n.to.clone}:${n.paths.join()}`).sort()).toEqual([
      `conflict:${BOB.clone}:src/`,
      `conflict:${CAROL.clone}:src/`,
    ]);
    expect(paths(out.doc.locks)).toEqual(['Bob:b1:src/a.ts', 'Carol:c1:src/b.ts']);
  });
});

describe('reconcile: --force, notices, presence', () => {
  it('breaks other clones’ locks named by the path and tells each holder', () => {
    const doc = {
      ...emptyDoc(),
      locks: [
        remote(BOB, 'b1', 'src/a.ts'),
        remote(BOB, 'b2', 'src/x/y.ts'),
        remote(BOB, 'b1', 'lib/'),
      ],
    };
    const out = run({ doc, intent: { breakLocks: { session: 's1', paths: ['src/'] } } });
    expect(paths(out.broken)).toEqual(['Bob:b1:src/a.ts', 'Bob:b2:src/x/y.ts']);
    expect(paths(out.doc.locks)).toEqual(['Bob:b1:lib/']);
    expect(out.doc.notices).toMatchObject([
      {
        kind: 'lock-broken',
        to: { session: 'b1' },
        paths: ['src/a.ts'],
        lockAcquiredAt: iso(1000),
      },
      { kind: 'lock-broken', to: { session: 'b2' }, paths: ['src/x/y.ts'] },
    ]);
  });

  it('takes notices for this clone out; a broken lock is neither kept nor published again', () => {
    const broke: Notice = {
      id: 'n1',
      kind: 'lock-broken',
      to: { clone: ME.clone, session: 's1' },
      from: { ...BOB, session: 'b1' },
      paths: ['a.ts'],
      at: iso(10),
      lockAcquiredAt: iso(120_000),
    };
    const forBob: Notice = { ...broke, id: 'n2', to: { clone: BOB.clone, session: 'b1' } };
    const out = run({
      doc: { ...emptyDoc(), locks: [remote(ME, 's1', 'a.ts')], notices: [broke, forBob] },
      registry: registry([local('s1', 'a.ts', 120_000)]),
    });
    expect(out.inbox.map((n) => n.id)).toEqual(['n1']);
    expect(out.doc.notices.map((n) => n.id)).toEqual(['n2']);
    expect(out.doc.locks).toEqual([]);
  });

  it('writes presence when it changes, not when only lastSeen ticks', () => {
    const first = run({});
    expect(first.changed).toBe(true);
    expect(first.doc.presence[ME.clone]).toMatchObject({
      user: 'Me',
      host: 'here',
      sessions: [{ name: 's1' }, { name: 's2' }],
    });
    const reg = registry([]);
    reg.sessions.s1!.lastSeen = NOW.toISOString();
    const later = reconcile({
      doc: first.doc,
      me: ME,
      registry: reg,
      pending: emptyPending(),
      intent: {},
      now: new Date(NOW.getTime() + 60_000),
      adoptAfterMs: 60_000,
    });
    expect(later.changed).toBe(false);
    expect(later.message).toContain('no change');
    const added = run({ doc: first.doc, registry: registry([], ['s1', 's2', 's3']) });
    expect(added.changed).toBe(true);
  });
});
