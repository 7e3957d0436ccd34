import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { init } from '../../src/commands/init.js';
import { join, renderJoin } from '../../src/commands/join.js';
import { newSession } from '../../src/commands/new.js';
import { QlockError, UsageError } from '../../src/errors.js';
import { readRegistry } from '../../src/store/registry.js';
import { makeBareRepo, makePlainDir, makeRepo, testContext } from '../helpers/repo.js';

describe('qlock join (git)', () => {
  it('registers the main worktree, named after its branch', async () => {
    const repo = makeRepo();
    await init({ hooks: false }, testContext(repo.root));
    const result = await join({}, testContext(repo.root));
    expect(result.alreadyRegistered).toBe(false);
    expect(result.session).toMatchObject({
      name: 'main',
      path: repo.root,
      kind: 'worktree',
      branch: 'main',
      base: 'main',
      baseTip: repo.git(['rev-parse', 'main']),
    });
    expect(renderJoin(result)).toContain('Registered session "main"');
  });

  it('from a subdirectory registers the worktree root; a branch with "/" gives a valid name', async () => {
    const repo = makeRepo();
    const wt = repo.worktree('wt', 'feature/login');
    fs.mkdirSync(path.join(wt, 'src', 'deep'), { recursive: true });
    const { session } = await join({}, testContext(path.join(wt, 'src', 'deep')));
    expect(session).toMatchObject({ name: 'feature-login', path: wt, branch: 'feature/login' });
  });

  it('is idempotent for the same path (any subdirectory, any name given)', async () => {
    const repo = makeRepo();
    const first = await join({ name: 'me' }, testContext(repo.root));
    fs.mkdirSync(path.join(repo.root, 'sub'));
    const again = await join({ name: 'other' }, testContext(path.join(repo.root, 'sub')));
    expect(again.alreadyRegistered).toBe(true);
    expect(again.session).toEqual(first.session);
    expect(Object.keys(readRegistry(path.join(repo.root, '.git', 'qlock')).sessions)).toEqual([
      'me',
    ]);
    expect(renderJoin(again)).toContain('already registered as session "me"');
  });

  it('a detached HEAD joins without a branch, named after the directory', async () => {
    const repo = makeRepo({ name: 'my checkout' });
    repo.git(['checkout', '-q', '--detach']);
    const { session } = await join({}, testContext(repo.root));
    expect(session.branch).toBeUndefined();
    expect(session.name).toBe('my-checkout');
  });

  it('--base sets the base; an unknown --base is a usage error and registers nothing', async () => {
    const repo = makeRepo();
    repo.git(['branch', 'develop']);
    const wt = repo.worktree('wt');
    const { session } = await join({ base: 'develop' }, testContext(wt));
    expect(session.base).toBe('develop');
    const other = repo.worktree('wt2');
    const error = await join({ base: 'nosuch' }, testContext(other)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(Object.keys(readRegistry(path.join(repo.root, '.git', 'qlock')).sessions)).toEqual([
      'wt',
    ]);
  });

  it('refuses a name that is taken by another path, or invalid', async () => {
    const repo = makeRepo();
    await join({ name: 'me' }, testContext(repo.root));
    const wt = repo.worktree('wt');
    const taken = await join({ name: 'me' }, testContext(wt)).catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(QlockError);
    expect((taken as Error).message).toContain('"me" already exists');
    const bad = await join({ name: '../evil' }, testContext(wt)).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(UsageError);
    expect(Object.keys(readRegistry(path.join(repo.root, '.git', 'qlock')).sessions)).toEqual([
      'me',
    ]);
  });

  it('respects maxSessions', async () => {
    const repo = makeRepo();
    repo.write('.qsessionrc', 'maxSessions: 1\n');
    await join({}, testContext(repo.root));
    const wt = repo.worktree('wt');
    const error = await join({}, testContext(wt)).catch((e: unknown) => e);
    expect((error as Error).message).toContain('maxSessions');
  });

  it('in a bare repository: refuses (no working tree) and says what to do', async () => {
    const repo = makeBareRepo();
    const error = await join({}, testContext(repo.bare)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QlockError);
    expect((error as Error).message).toContain('bare repository');
    expect((error as Error).message).toContain('qlock new');
    expect(fs.existsSync(path.join(repo.bare, 'qlock', 'registry.json'))).toBe(false);
    // Its worktrees join normally.
    const wt = repo.worktree('wt');
    expect((await join({}, testContext(wt))).session.path).toBe(wt);
  });
});

describe('qlock join (plain directory)', () => {
  it('registers the initialised root as a "dir" session with a snapshot', async () => {
    const root = makePlainDir({ 'a.txt': 'a\n' }, 'notes');
    await init({}, testContext(root));
    const { session } = await join({}, testContext(root));
    expect(session).toMatchObject({ name: 'notes', path: root, kind: 'dir', base: 'snapshot' });
    expect(session.snapshot).toBe(path.join('snapshots', 'notes'));
    expect(
      fs.readFileSync(path.join(root, '.qlock', 'snapshots', 'notes', 'files', 'a.txt'), 'utf8'),
    ).toBe('a\n');
  });

  it('a copy made by `new --copy` is already registered; joining it again is a no-op', async () => {
    const root = makePlainDir();
    await init({}, testContext(root));
    const { session } = await newSession({ name: 'c1', copy: true }, testContext(root));
    const again = await join({}, testContext(session.path));
    expect(again.alreadyRegistered).toBe(true);
    expect(again.session.name).toBe('c1');
  });

  it('without qlock init there is no project: a clear error', async () => {
    const root = makePlainDir();
    const error = await join({}, testContext(root)).catch((e: unknown) => e);
    expect((error as Error).message).toContain('qlock init');
    expect(fs.existsSync(path.join(root, '.qlock'))).toBe(false);
  });
});
