import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { init } from '../../src/commands/init.js';
import { join } from '../../src/commands/join.js';
import { newSession } from '../../src/commands/new.js';
import { renderRm, rm } from '../../src/commands/rm.js';
import { QlockError } from '../../src/errors.js';
import { readEvents } from '../../src/store/eventLog.js';
import { readRegistry, updateRegistry } from '../../src/store/registry.js';
import {
  branches,
  makePlainDir,
  makeRepo,
  type Repo,
  testContext,
  worktreePaths,
} from '../helpers/repo.js';

const stateDir = (repo: Repo) => path.join(repo.root, '.git', 'qlock');

async function setup(): Promise<{ repo: Repo; dir: string }> {
  const repo = makeRepo();
  await init({ hooks: false }, testContext(repo.root));
  const { session } = await newSession({ name: 'a' }, testContext(repo.root));
  return { repo, dir: session.path };
}

async function refused(repo: Repo, options: Parameters<typeof rm>[0]): Promise<string> {
  const error = await rm(options, testContext(repo.root)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(QlockError);
  return (error as Error).message;
}

async function addLock(repo: Repo, session: string, lockPath: string): Promise<void> {
  await updateRegistry(stateDir(repo), ({ registry }) => {
    registry.locks.push({
      path: lockPath,
      session,
      reason: 'test',
      acquiredAt: new Date().toISOString(),
    });
  });
}

describe('qlock rm', () => {
  it('a clean session: unregisters, releases its locks, removes the worktree, keeps the branch', async () => {
    const { repo, dir } = await setup();
    await addLock(repo, 'a', 'src/a.txt');
    await addLock(repo, 'other', 'src/b.txt');
    const result = await rm({ name: 'a' }, testContext(repo.root));
    expect(result).toMatchObject({
      name: 'a',
      path: dir,
      removedDirectory: true,
      releasedLocks: ['src/a.txt'],
    });
    expect(fs.existsSync(dir)).toBe(false);
    expect(worktreePaths(repo.root)).not.toContain(dir);
    expect(branches(repo.root)).toContain('qlock/a');
    const registry = readRegistry(stateDir(repo));
    expect(registry.sessions.a).toBeUndefined();
    expect(registry.locks.map((l) => l.path)).toEqual(['src/b.txt']);
    expect(readEvents(stateDir(repo)).events.at(-1)).toMatchObject({
      kind: 'session-left',
      from: 'a',
    });
    const text = renderRm(result);
    expect(text).toContain('Released locks: src/a.txt');
    expect(text).toContain('git branch -D qlock/a');
  });

  it.each([
    [
      'an unstaged change',
      (repo: Repo, dir: string) => repo.write('src/a.txt', 'changed\n', dir),
      /1 file\(s\) with uncommitted changes/,
    ],
    [
      'a staged change',
      (repo: Repo, dir: string) => {
        repo.write('new.txt', 'n\n', dir);
        repo.git(['add', 'new.txt'], dir);
      },
      /uncommitted changes/,
    ],
    [
      'an untracked file',
      (repo: Repo, dir: string) => repo.write('notes.txt', 'n\n', dir),
      /uncommitted changes/,
    ],
    [
      'commits not in base',
      (repo: Repo, dir: string) => {
        repo.write('x.txt', 'x\n', dir);
        repo.commitAll('work', dir);
      },
      /1 commit\(s\) not in main/,
    ],
  ])('refuses with %s (nothing changed), and --force removes it', async (_label, dirty, reason) => {
    const { repo, dir } = await setup();
    dirty(repo, dir);
    const message = await refused(repo, { name: 'a' });
    expect(message).toMatch(reason);
    expect(message).toContain('--keep-worktree');
    expect(message).toContain('--force');
    expect(fs.existsSync(dir)).toBe(true);
    expect(readRegistry(stateDir(repo)).sessions.a).toBeDefined();

    const result = await rm({ name: 'a', force: true }, testContext(repo.root));
    expect(result.removedDirectory).toBe(true);
    expect(fs.existsSync(dir)).toBe(false);
    expect(readRegistry(stateDir(repo)).sessions.a).toBeUndefined();
  });

  it('commits that were merged into base do not block', async () => {
    const { repo, dir } = await setup();
    repo.write('x.txt', 'x\n', dir);
    repo.commitAll('work', dir);
    repo.git(['merge', '-q', '--ff-only', 'qlock/a']);
    expect((await rm({ name: 'a' }, testContext(repo.root))).removedDirectory).toBe(true);
  });

  it('refuses when it cannot tell what is unmerged (base gone)', async () => {
    const { repo, dir } = await setup();
    await updateRegistry(stateDir(repo), ({ registry }) => {
      registry.sessions.a!.base = 'deleted-branch';
    });
    expect(await refused(repo, { name: 'a' })).toContain(
      'cannot tell which commits are not in deleted-branch',
    );
    expect(fs.existsSync(dir)).toBe(true);
  });

  it('--keep-worktree only unregisters, even with uncommitted work', async () => {
    const { repo, dir } = await setup();
    repo.write('src/a.txt', 'precious\n', dir);
    const result = await rm({ name: 'a', keepWorktree: true }, testContext(repo.root));
    expect(result.removedDirectory).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'src/a.txt'), 'utf8')).toBe('precious\n');
    expect(worktreePaths(repo.root)).toContain(dir);
    expect(readRegistry(stateDir(repo)).sessions.a).toBeUndefined();
    expect(renderRm(result)).toContain('kept');
  });

  it('never deletes the main worktree, even with --force', async () => {
    const repo = makeRepo();
    await join({ name: 'main' }, testContext(repo.root));
    repo.write('dirty.txt', 'd\n');
    const result = await rm({ name: 'main', force: true }, testContext(repo.root));
    expect(result.removedDirectory).toBe(false);
    expect(fs.existsSync(path.join(repo.root, 'dirty.txt'))).toBe(true);
    expect(fs.existsSync(path.join(repo.root, '.git'))).toBe(true);
    expect(result.notes.join('\n')).toContain('main worktree');
    expect(readRegistry(stateDir(repo)).sessions.main).toBeUndefined();
  });

  it('a session whose directory was deleted by hand: unregisters and prunes git', async () => {
    const { repo, dir } = await setup();
    fs.rmSync(dir, { recursive: true, force: true });
    const result = await rm({ name: 'a' }, testContext(repo.root));
    expect(result.removedDirectory).toBe(false);
    expect(worktreePaths(repo.root)).not.toContain(dir);
  });

  it('a directory git cannot read any more is never deleted, even with --force; --keep-worktree unregisters', async () => {
    const { repo, dir } = await setup();
    fs.rmSync(path.join(dir, '.git'));
    repo.write('notes.txt', 'precious\n', dir);
    const message = await refused(repo, { name: 'a' });
    expect(message).toContain('git cannot read its directory');
    expect(message).toContain('git worktree repair');
    expect(message).toContain('qlock rm a --keep-worktree');
    await refused(repo, { name: 'a', force: true });
    expect(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('precious\n');
    expect(Object.keys(readRegistry(stateDir(repo)).sessions)).toEqual(['a']);
    const kept = await rm({ name: 'a', keepWorktree: true }, testContext(repo.root));
    expect(kept.removedDirectory).toBe(false);
    expect(readRegistry(stateDir(repo)).sessions).toEqual({});
    expect(fs.existsSync(path.join(dir, 'notes.txt'))).toBe(true);
  });

  it('an unknown name is an error that lists the sessions', async () => {
    const { repo } = await setup();
    expect(await refused(repo, { name: 'b' })).toContain('sessions: a');
  });

  it('can be run from inside the session it removes', async () => {
    const { dir } = await setup();
    const result = await rm({ name: 'a' }, testContext(path.join(dir, 'src')));
    expect(result.removedDirectory).toBe(true);
  });
});

describe('qlock rm (plain directories)', () => {
  it('removes an unchanged copy and its snapshot; refuses a changed one unless --force', async () => {
    const root = makePlainDir({ 'a.txt': 'a\n' });
    await init({}, testContext(root));
    const one = (await newSession({ name: 'one', copy: true }, testContext(root))).session;
    const two = (await newSession({ name: 'two', copy: true }, testContext(root))).session;
    const snapshots = path.join(root, '.qlock', 'snapshots');
    expect(fs.readdirSync(snapshots).sort()).toEqual(['one', 'two']);

    expect((await rm({ name: 'one' }, testContext(root))).removedDirectory).toBe(true);
    expect(fs.existsSync(one.path)).toBe(false);
    expect(fs.readdirSync(snapshots)).toEqual(['two']);

    fs.writeFileSync(path.join(two.path, 'a.txt'), 'changed\n');
    const error = await rm({ name: 'two' }, testContext(root)).catch((e: unknown) => e);
    expect((error as Error).message).toContain('uncommitted changes');
    // No git here: nothing to commit or merge; the way forward is to copy the work back.
    expect((error as Error).message).toContain('changed since the copy was made');
    expect((error as Error).message).toContain('Copy that work back into the project first');
    expect((error as Error).message).not.toContain('Commit or merge');
    expect(fs.existsSync(two.path)).toBe(true);
    await rm({ name: 'two', force: true }, testContext(root));
    expect(fs.existsSync(two.path)).toBe(false);
  });

  it('never deletes the initialised root itself', async () => {
    const root = makePlainDir({ 'a.txt': 'a\n' });
    await init({}, testContext(root));
    await join({ name: 'root' }, testContext(root));
    const result = await rm({ name: 'root', force: true }, testContext(root));
    expect(result.removedDirectory).toBe(false);
    expect(fs.readFileSync(path.join(root, 'a.txt'), 'utf8')).toBe('a\n');
  });
});
