import { describe, expect, it } from 'vitest';

import { casUpdate } from '../../src/shared/casUpdate.js';
import { emptyDoc, parseDoc, type RemoteDoc, type RemoteLock } from '../../src/shared/remoteDoc.js';
import { fetchState, pushState, writeCommit } from '../../src/shared/remoteStore.js';
import { gitSyncIn } from '../helpers/repo.js';
import { makeSharedWorld, type SharedClone, type SharedWorld } from '../helpers/sharedFixture.js';

/**
 * The compare-and-swap itself, deterministically: a push carries a lease on the version it was
 * computed from and fails when the remote moved since; casUpdate then re-fetches, recomputes and
 * pushes again, so neither writer's change is lost.
 */

const ident = { user: 'tester', email: 't@example.com' };

function withLock(doc: RemoteDoc, path: string, user: string): RemoteDoc {
  const lock: RemoteLock = {
    path,
    session: 's',
    reason: '',
    acquiredAt: '2026-01-01T00:00:00.000Z',
    clone: `${user}00000000`.slice(0, 12),
    user,
    email: '',
    host: 'h',
  };
  return { ...doc, locks: [...doc.locks, lock] };
}

const onRemote = (world: SharedWorld) =>
  parseDoc(gitSyncIn(world.bare, ['show', 'refs/qlock/locks:state.json']))
    .locks.map((l) => `${l.user}:${l.path}`)
    .sort();

async function publish(c: SharedClone, doc: RemoteDoc, parent: string | null, expected = parent) {
  const sha = await writeCommit(c.root, doc, parent, 'test', ident, process.env);
  return { sha, outcome: await pushState(c.root, c.settings, sha, expected) };
}

describe('shared mode: every write is a push with a lease', () => {
  it('a push computed from an old version is refused and changes nothing', async () => {
    const world = makeSharedWorld();
    const alice = world.clone('alice');
    const bob = world.clone('bob');
    // Both start from "no ref yet".
    expect((await fetchState(alice.root, alice.settings)).sha).toBeNull();
    expect((await fetchState(bob.root, bob.settings)).sha).toBeNull();

    const first = await publish(alice, withLock(emptyDoc(), 'a.txt', 'alice'), null);
    expect(first.outcome).toBe('ok');
    // Bob's version was computed from "no ref": the lease refuses it, alice's stays.
    const late = await publish(bob, withLock(emptyDoc(), 'a.txt', 'bob'), null);
    expect(late.outcome).toBe('stale');
    expect(onRemote(world)).toEqual(['alice:a.txt']);

    // From the version the remote really holds, it goes through (and only moves forward).
    const seen = await fetchState(bob.root, bob.settings);
    expect(seen.sha).toBe(first.sha);
    const next = await publish(bob, withLock(seen.doc, 'b.txt', 'bob'), seen.sha);
    expect(next.outcome).toBe('ok');
    expect(gitSyncIn(world.bare, ['rev-parse', 'refs/qlock/locks^'])).toBe(first.sha);
    // A lease on a version the remote left behind fails too.
    const stale = await publish(alice, withLock(seen.doc, 'c.txt', 'alice'), first.sha);
    expect(stale.outcome).toBe('stale');
    expect(onRemote(world)).toEqual(['alice:a.txt', 'bob:b.txt']);
  });

  it('casUpdate starts from the last version seen, and after losing the race recomputes from the new one', async () => {
    const world = makeSharedWorld();
    const alice = world.clone('alice');
    const bob = world.clone('bob');
    const v1 = await publish(bob, withLock(emptyDoc(), 'b.txt', 'bob'), null);
    const seen = await fetchState(alice.root, alice.settings); // alice's tracking ref: v1
    expect(seen.sha).toBe(v1.sha);
    await publish(bob, withLock(seen.doc, 'c.txt', 'bob'), v1.sha); // meanwhile bob writes v2

    const bases: string[][] = [];
    const result = await casUpdate(
      alice.root,
      alice.settings,
      (base) => {
        bases.push(base.doc.locks.map((l) => `${l.user}:${l.path}`));
        return {
          doc: withLock(base.doc, 'a.txt', 'alice'),
          changed: true,
          message: 'qlock: test',
          needsFresh: false,
          value: undefined,
        };
      },
      { ident, env: process.env, sleep: async () => undefined },
    );
    // First from alice's stale view (no fetch), refused by the lease; then from bob's version.
    expect(bases).toEqual([['bob:b.txt'], ['bob:b.txt', 'bob:c.txt']]);
    expect(result).toMatchObject({ pushed: true, attempts: 2 });
    expect(onRemote(world)).toEqual(['alice:a.txt', 'bob:b.txt', 'bob:c.txt']);
  });
});
