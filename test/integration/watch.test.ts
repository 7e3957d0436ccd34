import fs from 'node:fs';
import path from 'node:path';

import { afterEach, describe, expect, it, vi } from 'vitest';

import { init } from '../../src/commands/init.js';
import { newSession } from '../../src/commands/new.js';
import { takeUnread } from '../../src/inbox/takeUnread.js';
import { acquireLocks } from '../../src/locks/acquireLocks.js';
import { readRegistry, updateRegistry } from '../../src/store/registry.js';
import { countInotifyWatches } from '../../src/watch/inotifyLimits.js';
import { makePlainDir, testContext, waitFor } from '../helpers/repo.js';
import {
  addSession,
  edit,
  isOverlap,
  repoWithSessions,
  startTestWatcher,
} from '../helpers/watchHarness.js';

const stateDirOf = (root: string) => path.join(root, '.git', 'qlock');

describe('qlock watch: overlaps', () => {
  it('tells both sessions when one starts editing a file in the other’s change set, once', async () => {
    const { repo, paths } = await repoWithSessions(['fa', 'fb']);
    edit(paths.fb!, 'src/a.txt');
    edit(paths.fb!, 'src/b.txt');
    const w = await startTestWatcher(repo.root);

    edit(paths.fa!, 'src/a.txt');
    const toB = await w.waitEvent(isOverlap('fb', 'src/a.txt'));
    const toA = await w.waitEvent(isOverlap('fa', 'src/a.txt'));
    expect(toB).toMatchObject({
      from: 'fa',
      data: { editor: 'fa', other: 'fb', reason: 'changed' },
    });
    expect(toB.message).toContain('fa started editing src/a.txt');
    expect(toA.message).toContain('fb has also changed');

    // Saving the same file again is not news; a new file of fb's is.
    edit(paths.fa!, 'src/a.txt');
    edit(paths.fa!, 'src/b.txt');
    await w.waitEvent(isOverlap('fb', 'src/b.txt'));
    const aboutA = w.events.filter((e) => e.kind === 'overlap' && e.paths?.includes('src/a.txt'));
    expect(aboutA).toHaveLength(2);

    // The events are in the log: the sessions' inboxes have them.
    const inboxB = await takeUnread(stateDirOf(repo.root), 'fb');
    expect(inboxB.filter((e) => e.kind === 'overlap').map((e) => e.paths)).toEqual([
      ['src/a.txt'],
      ['src/b.txt'],
    ]);
  });

  it('does not announce overlaps that existed before it started', async () => {
    const { repo, paths } = await repoWithSessions(['fa', 'fb']);
    edit(paths.fa!, 'src/a.txt');
    edit(paths.fb!, 'src/a.txt');
    edit(paths.fb!, 'src/c.txt');
    const w = await startTestWatcher(repo.root);
    edit(paths.fa!, 'src/a.txt');
    edit(paths.fa!, 'src/c.txt');
    const event = await w.waitEvent(isOverlap('fb', 'src/c.txt'));
    expect(event.paths).toEqual(['src/c.txt']);
    expect(w.events.some((e) => e.paths?.includes('src/a.txt'))).toBe(false);
  });

  it('reports an edit of a file another session has locked, naming the lock holder', async () => {
    const { repo, paths } = await repoWithSessions(['fa', 'fb']);
    await acquireLocks(stateDirOf(repo.root), {
      session: 'fb',
      paths: ['lib/'],
      reason: 'moving lib',
      now: new Date(),
    });
    const w = await startTestWatcher(repo.root);
    edit(paths.fa!, 'lib/deep/d.txt');
    const toA = await w.waitEvent(isOverlap('fa', 'lib/deep/d.txt'));
    expect(toA.data).toMatchObject({ reason: 'locked', lockedBy: 'fb' });
    expect(toA.message).toContain('locked by fb');
    await w.waitEvent(isOverlap('fb', 'lib/deep/d.txt'));
  });

  it('watches new directories and reports files created in them', async () => {
    const { repo, paths } = await repoWithSessions(['fa', 'fb']);
    fs.mkdirSync(path.join(paths.fb!, 'pkg/new'), { recursive: true });
    fs.writeFileSync(path.join(paths.fb!, 'pkg/new/x.txt'), 'fb\n');
    const w = await startTestWatcher(repo.root);
    fs.mkdirSync(path.join(paths.fa!, 'pkg/new'), { recursive: true });
    fs.writeFileSync(path.join(paths.fa!, 'pkg/new/x.txt'), 'fa\n');
    await w.waitEvent(isOverlap('fb', 'pkg/new/x.txt'));
  });

  it('moves lastSeen with file activity', async () => {
    const { repo, paths } = await repoWithSessions(['fa', 'fb']);
    const stateDir = stateDirOf(repo.root);
    const old = '2020-01-01T00:00:00.000Z';
    await updateRegistry(stateDir, ({ registry }) => {
      registry.sessions.fa!.lastSeen = old;
    });
    await startTestWatcher(repo.root);
    edit(paths.fa!, 'README.md');
    await waitFor(() => readRegistry(stateDir).sessions.fa!.lastSeen !== old);
    expect(Date.parse(readRegistry(stateDir).sessions.fa!.lastSeen)).toBeGreaterThan(
      Date.parse(old),
    );
  });
});

describe('qlock watch: inotify use', () => {
  it('watches directories only, skipping .git and gitignored directories', async () => {
    const { repo, paths } = await repoWithSessions(['fa']);
    const nm = path.join(paths.fa!, 'node_modules/pkg/lib');
    fs.mkdirSync(nm, { recursive: true });
    fs.writeFileSync(path.join(nm, 'index.js'), '');
    const before = countInotifyWatches();
    const w = await startTestWatcher(repo.root);
    // fa: root, src, lib, lib/deep (node_modules and .git skipped; files never watched).
    expect(w.watcher.watchCount).toBe(4);
    // Plus a handful for refs/heads, packed-refs and the state dir.
    expect(countInotifyWatches() - before).toBeLessThanOrEqual(4 + 10);
  });

  it('polls a session it cannot watch within the budget, and still reports its edits', async () => {
    const { repo, paths } = await repoWithSessions(['fa', 'fb']);
    edit(paths.fb!, 'src/a.txt');
    const w = await startTestWatcher(repo.root, { maxWatches: 5 });
    await w.waitNotice(/polled every \d+ ms instead/);
    const modes = w.watcher.modes();
    expect(Object.values(modes).sort()).toEqual(['poll', 'watch']);
    const polled = Object.keys(modes).find((n) => modes[n] === 'poll')!;
    const other = polled === 'fa' ? 'fb' : 'fa';
    if (polled === 'fa') edit(paths.fa!, 'src/a.txt');
    else {
      edit(paths.fa!, 'src/b.txt');
      await w.waitRefresh('fa', (r) => r.paths.has('src/b.txt'));
      edit(paths.fb!, 'src/b.txt');
    }
    const file = polled === 'fa' ? 'src/a.txt' : 'src/b.txt';
    await w.waitEvent(isOverlap(other, file));
  });
});

describe('qlock watch: running out of inotify watches', () => {
  afterEach(() => vi.restoreAllMocks());

  it('on ENOSPC polls the session instead of dying, with a message saying how to raise the limit', async () => {
    const { repo, paths } = await repoWithSessions(['fa', 'fb']);
    edit(paths.fb!, 'src/a.txt');
    const real = fs.watch;
    let calls = 0;
    // The session trees take watches through fs.watch; chokidar (refs, state dir) imports its own.
    vi.spyOn(fs, 'watch').mockImplementation(((...args: Parameters<typeof fs.watch>) => {
      if (++calls > 2) throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
      return real(...args);
    }) as typeof fs.watch);
    const w = await startTestWatcher(repo.root);
    const notice = await w.waitNotice(/inotify watch limit is exhausted/);
    expect(notice).toContain('sudo sysctl fs.inotify.max_user_watches=');
    expect(Object.values(w.watcher.modes())).toEqual(['poll', 'poll']);
    // The other session, refused because of that ENOSPC, is not blamed on qlock's own budget,
    // and the advice to raise the limit is given once, not once per session.
    expect(w.notices.filter((n) => /past half of/.test(n))).toEqual([]);
    expect(w.notices.filter((n) => n.includes('sudo sysctl'))).toHaveLength(1);
    expect(w.notices.filter((n) => /session f[ab] is polled/i.test(n))).toHaveLength(2);
    expect(w.watcher.watchCount).toBe(0);
    edit(paths.fa!, 'src/a.txt');
    await w.waitEvent(isOverlap('fb', 'src/a.txt'));
  });
});

describe('qlock watch: sessions and robustness', () => {
  it('picks up a session added while it runs, and survives its worktree being deleted', async () => {
    const { repo, paths } = await repoWithSessions(['fa']);
    edit(paths.fa!, 'src/a.txt');
    const w = await startTestWatcher(repo.root);
    const fc = await addSession(repo, 'fc');
    await w.waitNotice(/Now watching session fc/);
    await waitFor(() => w.refreshed.some((r) => r.session === 'fc'));
    edit(fc, 'src/a.txt');
    await w.waitEvent(isOverlap('fa', 'src/a.txt'));
    await w.waitEvent((e) => e.kind === 'session-joined' && e.from === 'fc');

    fs.rmSync(fc, { recursive: true, force: true });
    await w.waitNotice(/Session fc's directory .* is gone/);
    expect(w.watcher.modes().fc).toBeUndefined();
    // Still working for the others.
    const fd = await addSession(repo, 'fd');
    await waitFor(() => w.refreshed.some((r) => r.session === 'fd'));
    edit(fd, 'src/a.txt');
    await w.waitEvent(isOverlap('fd', 'src/a.txt'));
  });

  it('keeps watching through a corrupt registry and recovers when it is repaired', async () => {
    const { repo, paths } = await repoWithSessions(['fa', 'fb']);
    const stateDir = stateDirOf(repo.root);
    edit(paths.fb!, 'src/a.txt');
    const w = await startTestWatcher(repo.root);
    const file = path.join(stateDir, 'registry.json');
    const good = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, '{"version": 1, "sessions": ');
    await w.waitNotice(/Cannot read the session registry/);
    expect(Object.keys(w.watcher.modes()).sort()).toEqual(['fa', 'fb']);
    fs.writeFileSync(file, good);
    await w.waitNotice(/readable again/);
    edit(paths.fa!, 'src/a.txt');
    await w.waitEvent(isOverlap('fb', 'src/a.txt'));
  });

  it('stops watching a session removed from the registry', async () => {
    const { repo } = await repoWithSessions(['fa', 'fb']);
    const w = await startTestWatcher(repo.root);
    await updateRegistry(stateDirOf(repo.root), ({ registry }) => {
      delete registry.sessions.fb;
    });
    await w.waitNotice(/Stopped watching session fb/);
    expect(Object.keys(w.watcher.modes())).toEqual(['fa']);
  });
});

describe('qlock watch: base ref', () => {
  it('records main-moved for the sessions whose files changed on base', async () => {
    const { repo, paths } = await repoWithSessions(['fa', 'fb']);
    edit(paths.fb!, 'src/a.txt');
    const w = await startTestWatcher(repo.root);
    repo.write('src/a.txt', 'changed on main\n');
    repo.commitAll('main: change a');
    const moved = await w.waitEvent((e) => e.kind === 'main-moved' && e.to?.[0] === 'fb');
    expect(moved.paths).toEqual(['src/a.txt']);
    // After pack-refs (the loose ref file is gone) a later commit is still noticed.
    const count = w.events.filter((e) => e.kind === 'main-moved').length;
    repo.git(['pack-refs', '--all']);
    repo.write('src/c.txt', 'again\n');
    repo.commitAll('main: change c');
    await w.waitEvent((e) => e.kind === 'main-moved' && e.to?.[0] === 'fb' && e.id !== moved.id);
    expect(w.events.filter((e) => e.kind === 'main-moved').length).toBeGreaterThan(count);
  });
});

describe('qlock watch: plain directories', () => {
  it('watches copies and reports overlaps from their snapshots', async () => {
    const root = makePlainDir({ 'src/a.txt': 'one\n', 'src/b.txt': 'two\n' });
    await init({ hooks: false }, testContext(root));
    const pa = (await newSession({ name: 'pa', copy: true }, testContext(root))).session.path;
    const pb = (await newSession({ name: 'pb', copy: true }, testContext(root))).session.path;
    edit(pb, 'src/a.txt');
    const w = await startTestWatcher(root);
    // Each copy: its root and src (the .qlock pointer file is never reported).
    expect(w.watcher.watchCount).toBe(4);
    edit(pa, 'src/a.txt');
    await w.waitEvent(isOverlap('pb', 'src/a.txt'));
  });
});
