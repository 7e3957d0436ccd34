import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { RefusedError } from '../../src/errors.js';
import { findProject } from '../../src/project/findProject.js';
import { cloneId } from '../../src/shared/identity.js';
import { parseDoc, type RemoteDoc } from '../../src/shared/remoteDoc.js';
import { sharedBlockingLocks } from '../../src/shared/remoteLocks.js';
import { acquireShared, releaseShared } from '../../src/shared/sharedLocks.js';
import { syncShared } from '../../src/shared/syncShared.js';
import { readEvents } from '../../src/store/eventLog.js';
import { readRegistry } from '../../src/store/registry.js';
import { gitSyncIn } from '../helpers/repo.js';
import {
  makeSharedWorld,
  type SharedClone,
  type SharedWorld,
  startDaemon,
} from '../helpers/sharedFixture.js';

function remoteDoc(world: SharedWorld): RemoteDoc {
  return parseDoc(gitSyncIn(world.bare, ['show', 'refs/qlock/locks:state.json']));
}

const lock = (c: SharedClone, session: string, paths: string[], warn: string[] = [], waitMs = 0) =>
  acquireShared(
    c,
    { session, paths, reason: `work of ${session}`, now: () => new Date(), waitMs },
    (w) => warn.push(w),
  );

const unlock = (
  c: SharedClone,
  session: string,
  paths: string[],
  force = false,
  warn: string[] = [],
) => releaseShared(c, { session, paths, force, now: new Date() }, (w) => warn.push(w));

async function refusal(promise: Promise<unknown>): Promise<RefusedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RefusedError);
  return error as RefusedError;
}

describe.each([
  ['file://', async (_world: SharedWorld) => undefined],
  ['git daemon', async (world: SharedWorld) => (await startDaemon(world.dir)).url(world.bare)],
])('shared locks over %s', (_label, urlFor) => {
  it('refuses a path held in another clone, naming person, host and session; frees it on unlock', async () => {
    const world = makeSharedWorld();
    const url = await urlFor(world);
    const alice = world.clone('alice', url ? { url } : {});
    const bob = world.clone('bob', url ? { url } : {});
    await alice.session('fa');
    await bob.session('fb');

    const warnA: string[] = [];
    const taken = await lock(alice, 'fa', ['src/a.txt'], warnA);
    expect(taken.shared?.online).toBe(true);
    expect(warnA).toEqual([]);

    const refused = await refusal(lock(bob, 'fb', ['src/a.txt']));
    expect(refused.message).toContain(
      `src/a.txt is locked by fa of alice <alice@example.com> on ${os.hostname()}`,
    );
    expect(refused.message).toContain('reason: work of fa');
    // All or nothing: nothing of the request stays held locally in bob's clone.
    expect(readRegistry(bob.project.stateDir).locks).toEqual([]);

    // A directory lock around it, or a path inside a directory lock, is refused as well.
    await refusal(lock(bob, 'fb', ['src/']));
    await refusal(lock(bob, 'fb', ['src/b.txt', 'src/a.txt']));
    expect(readRegistry(bob.project.stateDir).locks).toEqual([]);

    // The lock is a record in one ref of the remote: no branch, no working-tree change.
    const refs = gitSyncIn(world.bare, ['for-each-ref', '--format=%(refname)']).split('\n');
    expect(refs.sort()).toEqual(['refs/heads/main', 'refs/qlock/locks']);
    expect(alice.git(['status', '--porcelain'])).toBe('');
    expect(alice.git(['for-each-ref', '--format=%(refname)', 'refs/heads'])).toBe(
      'refs/heads/main',
    );
    const doc = remoteDoc(world);
    expect(doc.locks).toMatchObject([
      {
        path: 'src/a.txt',
        session: 'fa',
        user: 'alice',
        email: 'alice@example.com',
        host: os.hostname(),
      },
    ]);
    expect(
      Object.values(doc.presence)
        .map((p) => p.user)
        .sort(),
    ).toEqual(['alice', 'bob']);

    await unlock(alice, 'fa', ['src/a.txt']);
    expect(remoteDoc(world).locks).toEqual([]);
    const bobs = await lock(bob, 'fb', ['src/']);
    expect(bobs.taken.map((l) => l.path)).toEqual(['src/']);
    expect(remoteDoc(world).locks).toMatchObject([{ path: 'src/', session: 'fb', user: 'bob' }]);
    // The audit trail: every change is a commit on top of the previous one.
    const log = gitSyncIn(world.bare, ['log', '--format=%s', 'refs/qlock/locks']).split('\n');
    expect(log[0]).toContain('lock src/ (fb)');
    expect(log.some((l) => l.includes('unlock src/a.txt (fa)'))).toBe(true);
  });

  it('breaks a remote lock with --force and tells its holder', async () => {
    const world = makeSharedWorld();
    const url = await urlFor(world);
    // Alice's hooks fetch every time (no cache), so her next check hears of it.
    const alice = world.clone('alice', { ...(url ? { url } : {}), shared: { cacheTtl: '1ms' } });
    const bob = world.clone('bob', url ? { url } : {});
    await alice.session('fa');
    await bob.session('fb');
    await lock(alice, 'fa', ['src/a.txt']);

    const broken = await unlock(bob, 'fb', ['src/a.txt'], true);
    expect(broken.broken).toMatchObject([{ path: 'src/a.txt', session: 'fa', user: 'alice' }]);
    expect(remoteDoc(world).locks).toEqual([]);
    expect(remoteDoc(world).notices).toMatchObject([
      { kind: 'lock-broken', to: { session: 'fa' }, from: { session: 'fb', user: 'bob' } },
    ]);

    // Alice hears it at her next contact with the remote (here: the hooks' read-only check),
    // and her own record of the lock ends with it.
    const check = await sharedBlockingLocks(
      alice.project,
      alice.settings,
      ['src/a.txt'],
      new Date(),
    );
    expect(check.warnings.join('\n')).toContain('your lock on src/a.txt (fa) was broken');
    expect(check.warnings.join('\n')).toContain('fb of bob <bob@example.com>');
    const brokenEvents = () =>
      readEvents(alice.project.stateDir).events.filter((e) => e.kind === 'lock-broken');
    expect(brokenEvents()).toMatchObject([{ to: ['fa'], paths: ['src/a.txt'] }]);
    expect(readRegistry(alice.project.stateDir).locks).toEqual([]);

    // Her next round takes the notice off the remote; it is delivered once only.
    await syncShared(alice.project, alice.settings, { now: () => new Date() });
    expect(remoteDoc(world).notices).toEqual([]);
    expect(brokenEvents()).toHaveLength(1);
  });
});

describe('shared locks, details', () => {
  it('refuses locally first, without the network, when a session of the same clone holds it', async () => {
    const world = makeSharedWorld();
    const alice = world.clone('alice');
    await alice.session('one');
    await alice.session('two');
    await lock(alice, 'one', ['src/a.txt']);
    const before = gitSyncIn(world.bare, ['rev-parse', 'refs/qlock/locks']);
    const refused = await refusal(lock(alice, 'two', ['src/a.txt']));
    expect(refused.message).toContain('locked by one');
    expect(gitSyncIn(world.bare, ['rev-parse', 'refs/qlock/locks'])).toBe(before);
  });

  it('re-locking refreshes the remote copy (reason, expiry); --all withdraws everything', async () => {
    const world = makeSharedWorld();
    const alice = world.clone('alice');
    await alice.session('fa');
    await acquireShared(
      alice,
      {
        session: 'fa',
        paths: ['src/a.txt', 'src/b.txt'],
        reason: 'first',
        now: () => new Date(),
        waitMs: 0,
      },
      () => undefined,
    );
    await acquireShared(
      alice,
      {
        session: 'fa',
        paths: ['src/a.txt'],
        reason: 'second',
        ttlMs: 3600_000,
        now: () => new Date(),
        waitMs: 0,
      },
      () => undefined,
    );
    const locks = remoteDoc(world).locks;
    expect(locks.find((l) => l.path === 'src/a.txt')).toMatchObject({ reason: 'second' });
    expect(locks.find((l) => l.path === 'src/a.txt')?.expiresAt).toBeDefined();
    await releaseShared(alice, { session: 'fa', all: true, now: new Date() }, () => undefined);
    expect(remoteDoc(world).locks).toEqual([]);
  });

  it('waits with --wait until the remote holder lets go', async () => {
    const world = makeSharedWorld();
    const alice = world.clone('alice');
    const bob = world.clone('bob');
    await alice.session('fa');
    await bob.session('fb');
    await lock(alice, 'fa', ['src/a.txt']);
    const waiting = lock(bob, 'fb', ['src/a.txt'], [], 20_000);
    // Let bob be refused at least once, then release.
    await new Promise((r) => setTimeout(r, 300));
    await unlock(alice, 'fa', ['src/a.txt']);
    const got = await waiting;
    expect(got.taken.map((l) => l.path)).toEqual(['src/a.txt']);
    expect(remoteDoc(world).locks).toMatchObject([{ session: 'fb', user: 'bob' }]);
  });

  it('unlock --force of a path nobody holds anywhere changes nothing', async () => {
    const world = makeSharedWorld();
    const bob = world.clone('bob');
    await bob.session('fb');
    await expect(unlock(bob, 'fb', ['src/zzz.txt'], true)).rejects.toThrow(/not locked/i);
  });

  it('a copied repository (cp -r) becomes a participant of its own, not a twin of the original', async () => {
    const world = makeSharedWorld();
    const alice = world.clone('alice');
    const original = cloneId(alice.project.stateDir);
    expect(cloneId(alice.project.stateDir)).toBe(original);
    const copy = path.join(world.dir, 'alice-copy');
    fs.cpSync(alice.root, copy, { recursive: true });
    const copied = findProject(copy)!;
    expect(cloneId(copied.stateDir)).not.toBe(original);
    expect(cloneId(alice.project.stateDir)).toBe(original);
  });
});

describe('shared mode under a git environment meant for another repository', () => {
  it('publishes into its own repository whatever GIT_DIR and GIT_INDEX_FILE say', async () => {
    const world = makeSharedWorld();
    const alice = world.clone('alice');
    await alice.session('fa');
    const other = world.clone('other');
    const env = {
      ...process.env,
      GIT_DIR: path.join(other.root, '.git'),
      GIT_INDEX_FILE: path.join(other.root, '.git', 'index'),
      GIT_WORK_TREE: other.root,
    };
    const { acquireLocks } = await import('../../src/locks/acquireLocks.js');
    await acquireLocks(alice.project.stateDir, {
      session: 'fa',
      paths: ['src/a.txt'],
      reason: '',
      now: new Date(),
    });
    const sync = await syncShared(alice.project, alice.settings, {
      intent: { acquire: { session: 'fa', paths: ['src/a.txt'] } },
      now: () => new Date(),
      env,
    });
    expect(sync).toMatchObject({ online: true, pushed: true });
    expect(remoteDoc(world).locks.map((l) => `${l.user}:${l.path}`)).toEqual(['alice:src/a.txt']);
  });
});

describe("shared mode in the agents' pre-write hook", () => {
  it('denies a write to a file locked on another machine, from the last known remote state', async () => {
    const world = makeSharedWorld();
    const alice = world.clone('alice');
    const bob = world.clone('bob');
    await alice.session('fa');
    await bob.session('fb');
    await lock(bob, 'fb', ['src/a.txt']);
    // Alice's last contact with the remote (any command or hook that reads it) saw bob's lock.
    await lock(alice, 'fa', ['README.md']);
    const { toolHook } = await import('../../src/agents/toolHook.js');
    const write = (rel: string) =>
      toolHook('claude', 'pre-tool', 'Edit', [path.join(alice.root, rel)], alice.root, new Date());

    const denied = await write('src/a.txt');
    expect(denied.exitCode).toBe(2);
    expect(denied.stderr).toContain(
      `qlock: blocked — src/a.txt is locked by session fb of bob <bob@example.com> on ${os.hostname()} (reason: work of fb`,
    );
    expect(denied.stderr).toContain('coordinate with "fb of bob"');
    expect((await write('src/b.txt')).exitCode).toBe(0);
    // Alice's own lock (this clone's, on the remote too) never blocks her.
    expect((await write('README.md')).exitCode).toBe(0);
  });
});
