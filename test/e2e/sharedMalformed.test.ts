import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { gitSyncIn, runQlock } from '../helpers/repo.js';
import { joinedClone } from '../helpers/sharedCli.js';
import { makeSharedWorld, type SharedWorld } from '../helpers/sharedFixture.js';

/**
 * A shared document on the remote that another machine (or a hand edit) damaged: the built CLI
 * must never end in "internal error". A malformed presence entry or notice is left out with one
 * line naming the ref; a malformed lock makes the ref unusable (it is never overwritten) and the
 * commands that can work locally do, with one line naming the ref and the fix.
 */

const REF = 'refs/qlock/locks';

function remoteDoc(world: SharedWorld): Record<string, unknown> {
  return JSON.parse(gitSyncIn(world.bare, ['show', `${REF}:state.json`])) as Record<
    string,
    unknown
  >;
}

/** Writes `doc` as the next commit of the shared ref in the bare remote, as another tool would. */
function pushDoc(world: SharedWorld, doc: unknown): string {
  const file = path.join(world.dir, 'hand-edited.json');
  fs.writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  const blob = gitSyncIn(world.bare, ['hash-object', '-w', file]);
  const tree = spawnSync('git', ['mktree'], {
    cwd: world.bare,
    input: `100644 blob ${blob}\tstate.json\n`,
    encoding: 'utf8',
  }).stdout.trim();
  const parent = gitSyncIn(world.bare, ['rev-parse', REF]);
  const commit = gitSyncIn(world.bare, ['commit-tree', tree, '-p', parent, '-m', 'hand edit']);
  gitSyncIn(world.bare, ['update-ref', REF, commit]);
  return commit;
}

const noInternal = (r: { stdout: string; stderr: string }) =>
  expect(r.stdout + r.stderr).not.toMatch(/internal error|please report/i);

describe('shared mode: a damaged document on the remote', () => {
  const badPresence: [string, unknown][] = [
    ['null', null],
    ['sessions not a list', { user: 'bob', email: 'b@x', host: 'h', seenAt: 'x', sessions: 5 }],
    ['a number', 42],
    [
      'a session without a name',
      { user: 'bob', email: 'b@x', host: 'h', seenAt: '2026-01-01T00:00:00Z', sessions: [{}] },
    ],
  ];

  it.each(badPresence)(
    'a malformed presence entry (%s): lock, shared and shared sync go on and name the ref',
    async (_label, entry) => {
      const world = makeSharedWorld();
      const alice = await joinedClone(world, 'alice', 'fa');
      const first = await runQlock(['lock', 'src/a.txt'], { cwd: alice.root });
      expect(first.code, first.stderr).toBe(0);
      const doc = remoteDoc(world);
      pushDoc(world, { ...doc, presence: { ...(doc.presence as object), bobclone: entry } });

      const lock = await runQlock(['lock', 'src/b.txt'], { cwd: alice.root });
      noInternal(lock);
      expect(lock.code, lock.stderr).toBe(0);
      expect(lock.stderr).toContain(REF);
      expect(lock.stderr).toMatch(/presence entry .*bobclone/);
      // Both locks are on the remote: the damaged entry did not stop the update.
      const after = remoteDoc(world) as { locks: { path: string }[]; presence: object };
      expect(after.locks.map((l) => l.path).sort()).toEqual(['src/a.txt', 'src/b.txt']);
      // The damaged entry is dropped (its clone writes it again at its next sync).
      expect(Object.keys(after.presence)).not.toContain('bobclone');

      pushDoc(world, { ...after, presence: { ...after.presence, bobclone: entry } });
      const shared = await runQlock(['shared'], { cwd: alice.root });
      noInternal(shared);
      expect(shared.code, shared.stderr).toBe(0);
      expect(shared.stdout).toContain('src/b.txt');
      expect(shared.stderr).toContain(REF);
      const sync = await runQlock(['shared', 'sync'], { cwd: alice.root });
      noInternal(sync);
      expect(sync.code, sync.stderr).toBe(0);
      expect(sync.stderr).toContain(REF);
      const json = await runQlock(['shared', '--json'], { cwd: alice.root });
      expect(json.code, json.stderr).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({ online: true });
      // Once dropped, nothing more is said.
      const quiet = await runQlock(['shared'], { cwd: alice.root });
      expect(quiet.stderr).toBe('');
    },
  );

  it('a malformed notice is left out with one line; a well-formed document says nothing', async () => {
    const world = makeSharedWorld();
    const alice = await joinedClone(world, 'alice', 'fa');
    expect((await runQlock(['lock', 'src/a.txt'], { cwd: alice.root })).code).toBe(0);
    const clean = await runQlock(['shared', 'sync'], { cwd: alice.root });
    expect(clean.stderr).toBe('');
    const doc = remoteDoc(world);
    const me = Object.keys(doc.presence as object)[0]!;
    pushDoc(world, {
      ...doc,
      notices: [
        { id: 'n1', kind: 'lock-broken', to: { clone: me, session: 'fa' }, paths: ['src/a.txt'] },
      ],
    });
    const sync = await runQlock(['shared', 'sync'], { cwd: alice.root });
    noInternal(sync);
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stderr).toContain(REF);
    expect(sync.stderr).toMatch(/notice/);
    expect(sync.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a malformed lock: the ref is left alone, lock works locally, one line names the ref and the fix', async () => {
    const world = makeSharedWorld();
    const alice = await joinedClone(world, 'alice', 'fa');
    expect((await runQlock(['lock', 'src/a.txt'], { cwd: alice.root })).code).toBe(0);
    const doc = remoteDoc(world) as { locks: unknown[] };
    const bad = pushDoc(world, { ...doc, locks: [...doc.locks, { path: 7 }] });

    const lock = await runQlock(['lock', 'src/b.txt'], { cwd: alice.root });
    noInternal(lock);
    expect(lock.code, lock.stderr).toBe(0);
    expect(lock.stdout).toContain('Locked src/b.txt');
    expect(lock.stderr.trim().split('\n')).toHaveLength(1);
    expect(lock.stderr).toContain(REF);
    expect(lock.stderr).toContain(`git push origin --delete ${REF}`);
    // Never overwritten.
    expect(gitSyncIn(world.bare, ['rev-parse', REF])).toBe(bad);
    for (const args of [['shared'], ['shared', 'sync']]) {
      const r = await runQlock(args, { cwd: alice.root });
      noInternal(r);
      expect(r.stderr).toContain(REF);
    }
  });
});
