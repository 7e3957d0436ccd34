import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { describe, expect, it, onTestFinished } from 'vitest';

import { parseDoc, type RemoteDoc } from '../../src/shared/remoteDoc.js';
import { sharedBlockingLocks } from '../../src/shared/remoteLocks.js';
import { readPending } from '../../src/shared/sharedFiles.js';
import { acquireShared, releaseShared } from '../../src/shared/sharedLocks.js';
import { syncShared } from '../../src/shared/syncShared.js';
import { readEvents } from '../../src/store/eventLog.js';
import { readRegistry } from '../../src/store/registry.js';
import { gitSyncIn, waitFor } from '../helpers/repo.js';
import {
  makeSharedWorld,
  type SharedClone,
  type SharedWorld,
  startDaemon,
} from '../helpers/sharedFixture.js';

function remoteDoc(world: SharedWorld): RemoteDoc {
  return parseDoc(gitSyncIn(world.bare, ['show', 'refs/qlock/locks:state.json']));
}

async function lock(c: SharedClone, session: string, paths: string[]) {
  const warnings: string[] = [];
  const result = await acquireShared(
    c,
    { session, paths, reason: `work of ${session}`, now: () => new Date(), waitMs: 0 },
    (w) => warnings.push(w),
  );
  return { ...result, warnings };
}

async function unlock(c: SharedClone, session: string, paths: string[]) {
  const warnings: string[] = [];
  const result = await releaseShared(c, { session, paths, now: new Date() }, (w) =>
    warnings.push(w),
  );
  return { ...result, warnings };
}

const heldBy = (c: SharedClone) =>
  readRegistry(c.project.stateDir)
    .locks.map((l) => `${l.session}:${l.path}`)
    .sort();

describe('a clone whose shared remote is unreachable', () => {
  it('works locally with a warning, then reconciles and reports a conflict to both sides', async () => {
    const world = makeSharedWorld();
    const daemon = await startDaemon(world.dir);
    // Alice reaches the remote through git daemon (which we stop); bob through the file system.
    const alice = world.clone('alice', {
      url: daemon.url(world.bare),
      shared: { cacheTtl: '1ms' },
    });
    const bob = world.clone('bob', { shared: { cacheTtl: '1ms' } });
    await alice.session('fa');
    await bob.session('fb');
    await lock(alice, 'fa', ['README.md']);

    await daemon.stop();

    // Lock and unlock still work, here only, each with one clear warning line.
    const offline = await lock(alice, 'fa', ['src/a.txt', 'src/b.txt']);
    expect(offline.shared?.online).toBe(false);
    expect(offline.warnings).toHaveLength(1);
    expect(offline.warnings[0]).toMatch(
      /shared remote "origin" unreachable \(.*\); lock taken on this machine only, to be shared when it is back/,
    );
    expect(offline.warnings[0]).not.toContain('\n');
    const released = await unlock(alice, 'fa', ['README.md']);
    expect(released.warnings[0]).toContain('released on this machine only');
    expect(heldBy(alice)).toEqual(['fa:src/a.txt', 'fa:src/b.txt']);
    const pending = readPending(alice.project.stateDir);
    expect(pending.acquire.map((p) => p.path).sort()).toEqual(['src/a.txt', 'src/b.txt']);
    expect(pending.release.map((p) => p.path)).toEqual(['README.md']);
    expect(pending.offline?.reason).toBeTruthy();

    // The hooks' check says what it checked against.
    const check = await sharedBlockingLocks(
      alice.project,
      alice.settings,
      ['src/a.txt'],
      new Date(),
    );
    expect(check.online).toBe(false);
    expect(check.warnings[0]).toMatch(/unreachable .*checking local locks and remote locks as of/);

    // Meanwhile bob, who can reach it, takes src/a.txt: the remote knows nothing of alice's.
    const bobs = await lock(bob, 'fb', ['src/a.txt']);
    expect(bobs.shared?.online).toBe(true);
    expect(
      remoteDoc(world)
        .locks.map((l) => `${l.user}:${l.path}`)
        .sort(),
    ).toEqual(['alice:README.md', 'bob:src/a.txt']);

    // The remote is back: alice's next round publishes what it can and reports the rest.
    await daemon.start();
    const back = await syncShared(alice.project, alice.settings, { now: () => new Date() });
    expect(back.online).toBe(true);
    expect(back.warnings[0]).toContain('reachable again');
    const conflictLine = back.warnings.find((w) => w.includes('CONFLICT'));
    expect(conflictLine).toContain('CONFLICT on src/a.txt: fa locked it here');
    expect(conflictLine).toContain('fb of bob <bob@example.com>');
    // Not merged, not dropped: bob keeps it on the remote, alice keeps hers here.
    expect(
      remoteDoc(world)
        .locks.map((l) => `${l.user}:${l.path}`)
        .sort(),
    ).toEqual(['alice:src/b.txt', 'bob:src/a.txt']);
    expect(heldBy(alice)).toEqual(['fa:src/a.txt', 'fa:src/b.txt']);
    const after = readPending(alice.project.stateDir);
    expect(after.offline).toBeUndefined();
    expect(after.release).toEqual([]);
    expect(after.acquire.map((p) => p.path)).toEqual(['src/a.txt']);
    expect(after.conflicts).toMatchObject([
      { session: 'fa', path: 'src/a.txt', holder: { user: 'bob' } },
    ]);
    const aliceConflicts = () =>
      readEvents(alice.project.stateDir).events.filter((e) => e.kind === 'conflict');
    expect(aliceConflicts()).toMatchObject([{ to: ['fa'], paths: ['src/a.txt'] }]);

    // Alice's commits of src/a.txt are now checked against bob's lock.
    const blocked = await sharedBlockingLocks(
      alice.project,
      alice.settings,
      ['src/a.txt'],
      new Date(),
    );
    expect(blocked.locks).toMatchObject([{ user: 'bob', path: 'src/a.txt' }]);
    expect(blocked.warnings.some((w) => w.includes('CONFLICT on src/a.txt'))).toBe(true);

    // Bob hears it at his next contact with the remote, loudly and in his inbox.
    const bobCheck = await sharedBlockingLocks(
      bob.project,
      bob.settings,
      ['src/b.txt'],
      new Date(),
    );
    const bobLine = bobCheck.warnings.find((w) => w.includes('CONFLICT'));
    expect(bobLine).toContain('fa of alice <alice@example.com>');
    expect(bobLine).toContain('you (fb) hold it on the shared remote');
    const bobEvents = readEvents(bob.project.stateDir).events.filter((e) => e.kind === 'conflict');
    expect(bobEvents).toMatchObject([{ to: ['fb'], paths: ['src/a.txt'] }]);

    // Every later round repeats the warning, but tells bob and records the event only once.
    const again = await syncShared(alice.project, alice.settings, { now: () => new Date() });
    expect(again.warnings.some((w) => w.includes('CONFLICT on src/a.txt'))).toBe(true);
    expect(remoteDoc(world).notices.filter((n) => n.kind === 'conflict')).toHaveLength(1);
    expect(aliceConflicts()).toHaveLength(1);

    // They agree: bob lets go, and alice's lock is shared at her next round.
    await unlock(bob, 'fb', ['src/a.txt']);
    const resolved = await syncShared(alice.project, alice.settings, { now: () => new Date() });
    expect(resolved.warnings.join('\n')).toContain(
      'your locks on src/a.txt, taken while "origin" was unreachable, are now shared',
    );
    expect(resolved.warnings.some((w) => w.includes('CONFLICT'))).toBe(false);
    expect(
      remoteDoc(world)
        .locks.map((l) => `${l.user}:${l.path}`)
        .sort(),
    ).toEqual(['alice:src/a.txt', 'alice:src/b.txt']);
    expect(readPending(alice.project.stateDir)).toMatchObject({ acquire: [], conflicts: [] });
  });

  it('bounds a remote that accepts connections but never answers by shared.timeout', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    onTestFinished(() => {
      for (const s of sockets) s.destroy();
      server.close();
    });
    const port = (server.address() as net.AddressInfo).port;
    const world = makeSharedWorld();
    const alice = world.clone('alice', { shared: { timeout: '1s' } });
    alice.git(['remote', 'set-url', 'origin', `git://127.0.0.1:${port}/remote.git`]);
    await alice.session('fa');
    const result = await lock(alice, 'fa', ['src/a.txt']);
    expect(result.shared?.online).toBe(false);
    expect(result.warnings[0]).toContain('timed out after 1000 ms');
    expect(heldBy(alice)).toEqual(['fa:src/a.txt']);
  });

  it('the hooks do not wait on an unanswering remote again within shared.cacheTtl of a failure', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    onTestFinished(() => {
      for (const socket of sockets) socket.destroy();
      server.close();
    });
    const port = (server.address() as net.AddressInfo).port;
    const world = makeSharedWorld();
    const alice = world.clone('alice', { shared: { timeout: '1s', cacheTtl: '1h' } });
    alice.git(['remote', 'set-url', 'origin', `git://127.0.0.1:${port}/remote.git`]);
    await alice.session('fa');
    const check = (at: Date) =>
      sharedBlockingLocks(alice.project, alice.settings, ['src/a.txt'], at);

    const first = await check(new Date());
    expect(first.online).toBe(false);
    expect(first.warnings[0]).toContain('timed out after 1000 ms');
    expect(sockets).toHaveLength(1);
    // The next commits within the hour: the same warning, no new attempt.
    const second = await check(new Date());
    expect(second.online).toBe(false);
    expect(second.warnings[0]).toContain('shared remote "origin" unreachable (timed out after');
    expect(sockets).toHaveLength(1);
    // After it, one more attempt.
    await check(new Date(Date.now() + 2 * 3600_000));
    await waitFor(() => sockets.length === 2);
  });

  it('degrades the same way when the remote refuses qlock refs (a server hook), naming the reason', async () => {
    const world = makeSharedWorld();
    const hook = path.join(world.bare, 'hooks', 'pre-receive');
    fs.writeFileSync(hook, '#!/bin/sh\necho "no custom refs here" >&2\nexit 1\n', { mode: 0o755 });
    const alice = world.clone('alice');
    await alice.session('fa');
    const result = await lock(alice, 'fa', ['src/a.txt']);
    expect(result.shared?.online).toBe(false);
    expect(result.warnings[0]).toContain('not usable, working on this machine only');
    expect(result.warnings[0]).toContain('pre-receive hook declined');
    expect(heldBy(alice)).toEqual(['fa:src/a.txt']);
    // Allowed again: the pending lock is shared at the next round.
    fs.rmSync(hook);
    const back = await syncShared(alice.project, alice.settings, { now: () => new Date() });
    expect(back.online).toBe(true);
    expect(remoteDoc(world).locks.map((l) => l.path)).toEqual(['src/a.txt']);
  });

  it('the hooks read the cache within shared.cacheTtl (no network), and fetch after it', async () => {
    const world = makeSharedWorld();
    const alice = world.clone('alice', { shared: { cacheTtl: '1h' } });
    const bob = world.clone('bob');
    await alice.session('fa');
    await bob.session('fb');
    await lock(bob, 'fb', ['src/a.txt']);
    const first = await sharedBlockingLocks(
      alice.project,
      alice.settings,
      ['src/a.txt'],
      new Date(),
    );
    expect(first.locks).toMatchObject([{ user: 'bob' }]);
    // Unreachable now, but the cache is fresh: the answer comes from it, silently.
    alice.git(['remote', 'set-url', 'origin', path.join(world.dir, 'gone.git')]);
    const cached = await sharedBlockingLocks(
      alice.project,
      alice.settings,
      ['src/a.txt'],
      new Date(),
    );
    expect(cached).toMatchObject({ online: true, warnings: [], locks: [{ user: 'bob' }] });
    // An hour later the cache is stale: a fetch is tried, fails, and the old view is used, saying so.
    const later = new Date(Date.now() + 2 * 3600_000);
    const stale = await sharedBlockingLocks(alice.project, alice.settings, ['src/a.txt'], later);
    expect(stale.online).toBe(false);
    expect(stale.locks).toMatchObject([{ user: 'bob' }]);
    expect(stale.warnings[0]).toMatch(/remote locks as of 2h ago/);
  });
});
