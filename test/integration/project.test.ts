import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { init } from '../../src/commands/init.js';
import { newSession } from '../../src/commands/new.js';
import { QlockError } from '../../src/errors.js';
import { findProject, requireProject } from '../../src/project/findProject.js';
import { makeBareRepo, makePlainDir, makeRepo, tempDir, testContext } from '../helpers/repo.js';

/**
 * Project discovery: every directory of one repository (main worktree, linked worktrees,
 * subdirectories of both, a bare repository with worktrees) finds the same project and state dir
 * `<git-common-dir>/qlock`; without git, the `qlock init` directory, its copies and their
 * subdirectories find `<root>/.qlock`.
 */

function sub(dir: string, ...parts: string[]): string {
  const p = path.join(dir, ...parts);
  fs.mkdirSync(p, { recursive: true });
  return p;
}

describe('git projects', () => {
  it.each([
    ['plain names', 'repo', 'wt'],
    ['spaces', 'my repo', 'my worktree'],
    ['unicode', 'dépôt-日本', 'árbol ✓'],
  ])(
    'main worktree, linked worktree and their subdirectories agree (%s)',
    (_label, name, wtName) => {
      const repo = makeRepo({ name });
      const wt = repo.worktree(wtName, 'feature');
      const root = fs.realpathSync(repo.root);
      const commonDir = path.join(root, '.git');
      const expected = { kind: 'git', root, commonDir, stateDir: path.join(commonDir, 'qlock') };
      // git names the linked worktree's admin dir itself (sanitised): ask it.
      const wtGitDir = fs.realpathSync(
        repo.git(['rev-parse', '--path-format=absolute', '--git-dir'], wt),
      );
      expect(path.dirname(wtGitDir)).toBe(path.join(commonDir, 'worktrees'));

      for (const [cwd, worktreeRoot, gitDir] of [
        [root, root, commonDir],
        [sub(root, 'src', 'deep er'), root, commonDir],
        [wt, wt, wtGitDir],
        [sub(wt, 'src', 'x y'), wt, wtGitDir],
      ] as const) {
        const project = findProject(cwd);
        expect(project, cwd).toMatchObject({ ...expected, worktreeRoot, gitDir });
      }
    },
  );

  it('a bare repository and its worktrees: the state dir is inside the bare repository', () => {
    const repo = makeBareRepo();
    const wt = repo.worktree('one', 'one');
    const expected = {
      kind: 'git',
      root: repo.bare,
      commonDir: repo.bare,
      stateDir: path.join(repo.bare, 'qlock'),
    };
    expect(findProject(repo.bare)).toMatchObject({ ...expected, worktreeRoot: repo.bare });
    expect(findProject(wt)).toMatchObject({ ...expected, worktreeRoot: wt });
    expect(findProject(sub(wt, 'a', 'b'))).toMatchObject({ ...expected, worktreeRoot: wt });
    // Inside the bare repository's own directories (hooks/, refs/) it is still the same project.
    expect(findProject(path.join(repo.bare, 'refs', 'heads'))).toMatchObject(expected);
  });

  it('from inside .git (a hook runs there sometimes) the project is the same', () => {
    const repo = makeRepo();
    const fromGit = findProject(path.join(repo.root, '.git', 'refs', 'heads'));
    expect(fromGit?.stateDir).toBe(path.join(fs.realpathSync(repo.root), '.git', 'qlock'));
  });

  it('a symlinked path to a worktree resolves to the real project', () => {
    const repo = makeRepo();
    const link = path.join(tempDir(), 'link');
    fs.symlinkSync(repo.root, link);
    expect(findProject(path.join(link))?.root).toBe(fs.realpathSync(repo.root));
  });

  it('ignores GIT_DIR inherited from elsewhere (it walks the file system)', () => {
    const a = makeRepo();
    const b = makeRepo();
    const saved = process.env.GIT_DIR;
    process.env.GIT_DIR = path.join(b.root, '.git');
    try {
      expect(findProject(a.root)?.root).toBe(fs.realpathSync(a.root));
    } finally {
      if (saved === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = saved;
    }
  });

  it("git's environment for hooks is removed in full: every variable `--local-env-vars` names", async () => {
    const { cleanGitEnv, LOCAL_GIT_ENV_VARS } = await import('../../src/git/exec.js');
    const repo = makeRepo();
    const local = repo.git(['rev-parse', '--local-env-vars']).split('\n').filter(Boolean);
    expect(local.filter((v) => !LOCAL_GIT_ENV_VARS.includes(v))).toEqual([]);
    const polluted = Object.fromEntries(local.map((v) => [v, '/elsewhere']));
    const clean = cleanGitEnv({ PATH: process.env.PATH, ...polluted });
    expect(Object.keys(clean).filter((k) => local.includes(k))).toEqual([]);
  });

  it('a submodule is its own project, rooted at its working tree (not in .git/modules)', () => {
    const lib = makeRepo({ name: 'lib' });
    const app = makeRepo({ name: 'app' });
    app.git(['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', lib.root, 'vendor/lib']);
    const subRoot = path.join(fs.realpathSync(app.root), 'vendor', 'lib');
    const modules = path.join(fs.realpathSync(app.root), '.git', 'modules', 'vendor', 'lib');
    const project = findProject(path.join(subRoot, 'src'));
    expect(project).toMatchObject({
      kind: 'git',
      root: subRoot,
      commonDir: modules,
      stateDir: path.join(modules, 'qlock'),
      worktreeRoot: subRoot,
    });
    // A linked worktree of the submodule finds the same project.
    const wt = path.join(app.parent, 'lib-wt');
    app.git(['worktree', 'add', '-q', '-b', 'x', wt], subRoot);
    expect(findProject(wt)).toMatchObject({ root: subRoot, stateDir: path.join(modules, 'qlock') });
  });

  it('a repository with a separate git dir is rooted at its working tree', () => {
    const parent = tempDir();
    const work = path.join(parent, 'work');
    const store = path.join(parent, 'store.git');
    fs.mkdirSync(work);
    makeRepo().git(['init', '-q', '-b', 'main', '--separate-git-dir', store, work]);
    expect(findProject(work)).toMatchObject({
      root: work,
      commonDir: store,
      stateDir: path.join(store, 'qlock'),
      worktreeRoot: work,
    });
  });

  it('a nested repository is its own project', () => {
    const outer = makeRepo();
    const innerRoot = path.join(outer.root, 'vendor', 'inner');
    fs.mkdirSync(innerRoot, { recursive: true });
    outer.git(['init', '-q', '-b', 'main'], innerRoot);
    expect(findProject(innerRoot)?.root).toBe(fs.realpathSync(innerRoot));
    expect(findProject(path.join(outer.root, 'vendor'))?.root).toBe(fs.realpathSync(outer.root));
  });
});

describe('plain directories', () => {
  it('after qlock init: the root and its subdirectories, state in <root>/.qlock', async () => {
    const root = makePlainDir({ 'a.txt': 'a\n', 'dir with space/é/b.txt': 'b\n' }, 'plain ✓');
    expect(findProject(root)).toBeUndefined();
    await init({ hooks: false }, testContext(root));
    const expected = { kind: 'dir', root, stateDir: path.join(root, '.qlock') };
    expect(findProject(root)).toEqual({ ...expected, worktreeRoot: root });
    expect(findProject(path.join(root, 'dir with space', 'é'))).toEqual({
      ...expected,
      worktreeRoot: root,
    });
  });

  it('a `new --copy` copy and its subdirectories point at the original state dir', async () => {
    const root = makePlainDir({ 'src/a.txt': 'a\n' }, 'proj');
    await init({ hooks: false }, testContext(root));
    const { session } = await newSession({ name: 'c1', copy: true }, testContext(root));
    const pointer = JSON.parse(fs.readFileSync(path.join(session.path, '.qlock'), 'utf8')) as {
      stateDir: string;
    };
    expect(pointer.stateDir).toBe(path.join(root, '.qlock'));
    for (const cwd of [session.path, path.join(session.path, 'src')]) {
      expect(findProject(cwd)).toEqual({
        kind: 'dir',
        root,
        stateDir: path.join(root, '.qlock'),
        worktreeRoot: session.path,
      });
    }
  });

  it('a pointer to a state dir that no longer exists is not a project', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, '.qlock'), JSON.stringify({ stateDir: '/nonexistent/.qlock' }));
    expect(findProject(dir)).toBeUndefined();
    fs.writeFileSync(path.join(dir, '.qlock'), 'not json');
    expect(findProject(dir)).toBeUndefined();
  });
});

describe('no project', () => {
  it('requireProject says what happened and what to do', () => {
    const dir = tempDir();
    expect(findProject(dir)).toBeUndefined();
    let error: unknown;
    try {
      requireProject(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QlockError);
    expect((error as Error).message).toContain(dir);
    expect((error as Error).message).toContain('qlock init');
  });

  it('a directory that does not exist is no project, not a crash', () => {
    expect(findProject(path.join(tempDir(), 'missing', 'deeper'))).toBeUndefined();
  });
});
