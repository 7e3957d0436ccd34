import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { gitSyncIn, runQlock, waitFor } from '../helpers/repo.js';
import { joinedClone } from '../helpers/sharedCli.js';
import { makeSharedWorld, type SharedClone, type SharedWorld } from '../helpers/sharedFixture.js';

/**
 * Shared mode through the built CLI and real git hooks: `qlock lock` in one clone, then a commit
 * and a push of the locked file from another clone, and a clone whose remote is unreachable.
 */

function gitIn(cwd: string, args: string[]) {
  return import('node:child_process').then(({ spawnSync }) => {
    const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  });
}

function setConfig(clone: SharedClone, extra: Record<string, unknown>) {
  const file = path.join(clone.root, '.qsessionrc.json');
  const config = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(file, JSON.stringify({ ...config, ...extra }));
}

interface RemoteState {
  locks: { path: string; session: string; user: string }[];
}

/** The document on the remote itself (not a clone's view of it), or undefined before any. */
function remoteState(world: SharedWorld): RemoteState | undefined {
  try {
    return JSON.parse(
      gitSyncIn(world.bare, ['show', 'refs/qlock/locks:state.json']),
    ) as RemoteState;
  } catch {
    return undefined;
  }
}

function pendingOf(clone: SharedClone): { acquire: unknown[]; conflicts: unknown[] } {
  try {
    return JSON.parse(
      fs.readFileSync(path.join(clone.project.stateDir, 'shared-pending.json'), 'utf8'),
    ) as { acquire: unknown[]; conflicts: unknown[] };
  } catch {
    return { acquire: [], conflicts: [] };
  }
}

/** Whether some process still runs with its cwd inside `dir` (the detached background sync). */
function processIn(dir: string): boolean {
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
      if (cwd === dir || cwd.startsWith(dir + path.sep)) return true;
    } catch {
      // gone, or not ours to look at
    }
  }
  return false;
}

function claudeWrite(root: string, rel: string): string {
  return JSON.stringify({
    session_id: 's',
    cwd: root,
    hook_event_name: 'PreToolUse',
    tool_name: 'Write',
    tool_input: { file_path: path.join(root, rel), content: 'new\n' },
  });
}

const remoteRefs = (world: SharedWorld) =>
  gitSyncIn(world.bare, ['for-each-ref', '--format=%(refname)']).split('\n');

describe('shared mode with the CLI and the git hooks', () => {
  it('a lock taken on one machine blocks lock, commit and push of that file on another', async () => {
    const world = makeSharedWorld();
    const bob = await joinedClone(world, 'bob', 'fb');
    const alice = await joinedClone(world, 'alice', 'fa');

    const taken = await runQlock(['lock', 'src/a.txt', '--reason', 'rewriting a'], {
      cwd: bob.root,
    });
    expect(taken.code, taken.stderr).toBe(0);
    expect(taken.stderr).toBe('');

    const refused = await runQlock(['lock', 'src/a.txt'], { cwd: alice.root });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(
      `src/a.txt is locked by fb of bob <bob@example.com> on ${os.hostname()} (reason: rewriting a`,
    );

    // An agent in alice's session is stopped before it writes the file (no network: the remote
    // as last seen, here by the refused lock).
    const edit = JSON.stringify({
      session_id: 's',
      cwd: alice.root,
      hook_event_name: 'PreToolUse',
      tool_name: 'Edit',
      tool_input: {
        file_path: path.join(alice.root, 'src/a.txt'),
        old_string: 'a',
        new_string: 'b',
      },
    });
    const agent = await runQlock(['agent-hook', 'claude', 'PreToolUse'], {
      cwd: alice.root,
      input: edit,
    });
    expect(agent.code).toBe(2);
    expect(agent.stderr).toContain('src/a.txt is locked by session fb of bob <bob@example.com>');

    // `qlock locks` and `qlock who` list it too, as the remote holds it.
    const listed = await runQlock(['locks'], { cwd: alice.root });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('On other machines (shared through origin, as of ');
    expect(listed.stdout).toMatch(
      / {2}src\/a\.txt {2}fb of bob <bob@example\.com> on .*reason: rewriting a/,
    );
    const whoJson = JSON.parse(
      (await runQlock(['who', 'src/', '--json'], { cwd: alice.root })).stdout,
    );
    expect(whoJson.remote).toMatchObject({
      remote: 'origin',
      online: true,
      locks: [{ path: 'src/a.txt', session: 'fb', user: 'bob', host: os.hostname() }],
    });
    const bobsOwn = JSON.parse((await runQlock(['locks', '--json'], { cwd: bob.root })).stdout);
    expect(bobsOwn.locks.map((l: { path: string }) => l.path)).toEqual(['src/a.txt']);
    expect(bobsOwn.remote.locks).toEqual([]);

    fs.appendFileSync(path.join(alice.root, 'src/a.txt'), 'more\n');
    const head = alice.git(['rev-parse', 'HEAD']);
    const commit = await gitIn(alice.root, ['commit', '-qam', 'touch a']);
    expect(commit.code).toBe(1);
    expect(commit.stderr).toContain('commit blocked');
    expect(commit.stderr).toContain('fb of bob <bob@example.com>');
    expect(alice.git(['rev-parse', 'HEAD'])).toBe(head);

    expect((await gitIn(alice.root, ['commit', '-q', '--no-verify', '-am', 'touch a'])).code).toBe(
      0,
    );
    // qlock status points at it: alice's work touches a file locked on another machine.
    fs.appendFileSync(path.join(alice.root, 'src/a.txt'), 'uncommitted\n');
    const status = JSON.parse((await runQlock(['status', '--json'], { cwd: alice.root })).stdout);
    expect(status.shared.locks).toMatchObject([{ path: 'src/a.txt', user: 'bob' }]);
    expect(status.sessions[0].attention).toContainEqual({
      kind: 'locked',
      message: expect.stringContaining(
        'src/a.txt is locked on another machine by fb of bob <bob@example.com>',
      ),
    });
    alice.git(['checkout', '--', 'src/a.txt']);
    const push = await gitIn(alice.root, ['push', '-q', 'origin', 'HEAD:refs/heads/alice-work']);
    expect(push.code).toBe(1);
    expect(push.stderr).toContain(
      'push blocked: src/a.txt is locked by fb of bob <bob@example.com>',
    );
    expect(remoteRefs(world)).not.toContain('refs/heads/alice-work');

    // onLocked: warn lets it through with a warning.
    setConfig(alice, { onLocked: 'warn' });
    const warned = await gitIn(alice.root, ['push', '-q', 'origin', 'HEAD:refs/heads/alice-warn']);
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stderr).toContain('warning: pushing changes to locked files: src/a.txt');
    setConfig(alice, { onLocked: 'block' });

    // Once bob lets go, the push goes through (pre-push does not trust a cached view).
    expect((await runQlock(['unlock', 'src/a.txt'], { cwd: bob.root })).code).toBe(0);
    const pushed = await gitIn(alice.root, ['push', '-q', 'origin', 'HEAD:refs/heads/alice-work']);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(remoteRefs(world)).toContain('refs/heads/alice-work');
    // The shared refs never became branches, and clones hold them only under refs/qlock-remote/.
    expect(
      remoteRefs(world)
        .filter((r) => r.startsWith('refs/heads/'))
        .sort(),
    ).toEqual(['refs/heads/alice-warn', 'refs/heads/alice-work', 'refs/heads/main']);
    expect(alice.git(['for-each-ref', '--format=%(refname)', 'refs/qlock-remote'])).toBe(
      'refs/qlock-remote/origin/locks',
    );
  });

  it('offline: lock warns and works locally, `qlock shared` lists what waits, a push shares it', async () => {
    const world = makeSharedWorld();
    const alice = await joinedClone(world, 'alice', 'fa');
    const url = alice.git(['remote', 'get-url', 'origin']);
    alice.git(['remote', 'set-url', 'origin', path.join(world.dir, 'gone.git')]);

    const offline = await runQlock(['lock', 'src/b.txt'], { cwd: alice.root });
    expect(offline.code, offline.stderr).toBe(0);
    expect(offline.stdout).toContain('Locked src/b.txt');
    expect(offline.stderr.trim().split('\n')).toHaveLength(1);
    expect(offline.stderr).toContain('shared remote "origin" unreachable');
    // Commands that list locks say what they could not check.
    const listed = await runQlock(['locks'], { cwd: alice.root });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('src/b.txt');
    expect(listed.stderr.trim().split('\n')).toHaveLength(1);
    expect(listed.stderr).toMatch(/shared remote "origin" unreachable .*checking local locks/);
    const who = await runQlock(['who', 'src/b.txt'], { cwd: alice.root });
    expect(who.code).toBe(0);
    expect(who.stderr).toContain('shared remote "origin" unreachable');
    const status = await runQlock(['shared'], { cwd: alice.root });
    expect(status.stdout).toContain('Not shared yet: lock src/b.txt (fa)');
    const json = await runQlock(['shared', '--json'], { cwd: alice.root });
    expect(JSON.parse(json.stdout)).toMatchObject({
      online: false,
      pending: { acquire: [{ session: 'fa', path: 'src/b.txt' }] },
    });
    const doctor = await runQlock(['doctor'], { cwd: alice.root });
    expect(doctor.stdout + doctor.stderr).toContain('not shared yet');

    // Back: the next push reconciles before it checks.
    alice.git(['remote', 'set-url', 'origin', url]);
    const push = await gitIn(alice.root, ['push', '-q', 'origin', 'HEAD:refs/heads/alice-back']);
    expect(push.code, push.stderr).toBe(0);
    expect(push.stderr).toContain('reachable again');
    const doc = JSON.parse(gitSyncIn(world.bare, ['show', 'refs/qlock/locks:state.json'])) as {
      locks: { path: string; user: string }[];
    };
    expect(doc.locks).toMatchObject([{ path: 'src/b.txt', user: 'alice' }]);
    const after = await runQlock(['shared', '--json'], { cwd: alice.root });
    expect(JSON.parse(after.stdout)).toMatchObject({ online: true, pending: { acquire: [] } });
  });

  it('autoLock: the lock an agent write takes reaches the remote in the background', async () => {
    const world = makeSharedWorld();
    const alice = await joinedClone(world, 'alice', 'fa');
    const bob = await joinedClone(world, 'bob', 'fb');
    setConfig(alice, { autoLock: true });

    const write = await runQlock(['agent-hook', 'claude', 'PreToolUse'], {
      cwd: alice.root,
      input: claudeWrite(alice.root, 'src/new.txt'),
    });
    expect(write.code, write.stderr).toBe(0);
    expect(write.stdout).toBe('');
    // No command of alice's runs after the hook: only the background round can publish it.
    const state = await waitFor(() =>
      remoteState(world)?.locks.some((l) => l.path === 'src/new.txt')
        ? remoteState(world)
        : undefined,
    );
    expect(state.locks).toMatchObject([{ path: 'src/new.txt', session: 'fa', user: 'alice' }]);
    await waitFor(() => !processIn(alice.root) && pendingOf(alice).acquire.length === 0);

    const refused = await runQlock(['lock', 'src/new.txt'], { cwd: bob.root });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('src/new.txt is locked by fa of alice <alice@example.com>');
  });

  it('autoLock: a file taken on another machine meanwhile becomes a conflict both sides hear of', async () => {
    const world = makeSharedWorld();
    const alice = await joinedClone(world, 'alice', 'fa');
    const bob = await joinedClone(world, 'bob', 'fb');
    setConfig(alice, { autoLock: true });
    // Bob's lock reaches the remote after alice last looked at it: her hook cannot know.
    const taken = await runQlock(['lock', 'src/a.txt', '--reason', 'rewriting a'], {
      cwd: bob.root,
    });
    expect(taken.code, taken.stderr).toBe(0);

    const write = await runQlock(['agent-hook', 'claude', 'PreToolUse'], {
      cwd: alice.root,
      input: claudeWrite(alice.root, 'src/a.txt'),
    });
    expect(write.code, write.stderr).toBe(0);
    await waitFor(() => pendingOf(alice).conflicts.length > 0 && !processIn(alice.root));
    // Never granted twice: the remote still has only bob's lock.
    expect(remoteState(world)?.locks).toMatchObject([{ path: 'src/a.txt', session: 'fb' }]);
    const inbox = JSON.parse((await runQlock(['inbox', '--json'], { cwd: alice.root })).stdout) as {
      events: { kind: string; message: string }[];
    };
    expect(inbox.events).toContainEqual(
      expect.objectContaining({
        kind: 'conflict',
        message: expect.stringContaining('fb of bob <bob@example.com>'),
      }),
    );
    // Bob hears of it at his next contact with the remote.
    const sync = await runQlock(['shared', 'sync'], { cwd: bob.root });
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stderr).toContain('src/a.txt');
    expect(sync.stderr).toContain('fa of alice');
  });
});
