import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { UsageError } from '../../src/errors.js';
import { normalizeLockPath } from '../../src/locks/lockPath.js';
import { findProject, type Project } from '../../src/project/findProject.js';
import { makePlainDir, makeRepo, tempDir } from '../helpers/repo.js';

function project(cwd: string): Project {
  const p = findProject(cwd);
  if (!p) throw new Error(`no project at ${cwd}`);
  return p;
}

function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('normalizeLockPath in a git repository', () => {
  it('makes paths repo-relative from any subdirectory, existing or not', () => {
    const repo = makeRepo();
    const sub = path.join(repo.root, 'src');
    const p = project(sub);
    expect(normalizeLockPath(p, sub, 'a.txt')).toBe('src/a.txt');
    expect(normalizeLockPath(p, sub, './new/deep/file.ts')).toBe('src/new/deep/file.ts');
    expect(normalizeLockPath(p, sub, '../README.md')).toBe('README.md');
    expect(normalizeLockPath(p, repo.root, path.join(repo.root, 'src/b.txt'))).toBe('src/b.txt');
    expect(normalizeLockPath(p, repo.root, 'src//./a.txt')).toBe('src/a.txt');
  });

  it('keeps or adds the trailing "/" of directory prefixes', () => {
    const repo = makeRepo();
    const p = project(repo.root);
    expect(normalizeLockPath(p, repo.root, 'src/')).toBe('src/');
    expect(normalizeLockPath(p, repo.root, 'src')).toBe('src/'); // an existing directory
    expect(normalizeLockPath(p, repo.root, 'future/')).toBe('future/');
    expect(normalizeLockPath(p, repo.root, 'future')).toBe('future');
    expect(usage(() => normalizeLockPath(p, repo.root, 'README.md/'))).toMatch(/is a file/);
  });

  it('accepts spaces and unicode', () => {
    const repo = makeRepo({ name: 'répo with space' });
    const p = project(repo.root);
    repo.write('dir ü/naïve file.ts', 'x');
    expect(normalizeLockPath(p, repo.root, 'dir ü/naïve file.ts')).toBe('dir ü/naïve file.ts');
    expect(normalizeLockPath(p, path.join(repo.root, 'dir ü'), '日本語.ts')).toBe(
      'dir ü/日本語.ts',
    );
  });

  it('rejects ".." escapes, absolute paths elsewhere, the root and .git', () => {
    const repo = makeRepo();
    const p = project(repo.root);
    const outside = tempDir('qlock-outside');
    expect(usage(() => normalizeLockPath(p, repo.root, '../x.ts'))).toMatch(/"\.\." escape/);
    expect(usage(() => normalizeLockPath(p, path.join(repo.root, 'src'), '../../x'))).toMatch(
      /"\.\." escape/,
    );
    expect(usage(() => normalizeLockPath(p, repo.root, path.join(outside, 'x.ts')))).toMatch(
      /absolute path outside the project/,
    );
    expect(usage(() => normalizeLockPath(p, repo.root, '/etc/passwd'))).toMatch(/outside/);
    expect(usage(() => normalizeLockPath(p, repo.root, '.'))).toMatch(/project root/);
    expect(usage(() => normalizeLockPath(p, repo.root, '.git/config'))).toMatch(/state directory/);
    expect(usage(() => normalizeLockPath(p, repo.root, ''))).toMatch(/cannot be empty/);
  });

  it('follows symlinks: inside is fine, leading outside is rejected', () => {
    const repo = makeRepo();
    const p = project(repo.root);
    const outside = tempDir('qlock-outside');
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'x');
    fs.symlinkSync(outside, path.join(repo.root, 'out-dir'));
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(repo.root, 'out-file'));
    fs.symlinkSync(path.join(outside, 'nothing-yet'), path.join(repo.root, 'dangling'));
    fs.symlinkSync('src', path.join(repo.root, 'alias'));
    expect(usage(() => normalizeLockPath(p, repo.root, 'out-dir/secret.txt'))).toMatch(
      /symlink that leads outside/,
    );
    expect(usage(() => normalizeLockPath(p, repo.root, 'out-dir/new.ts'))).toMatch(/symlink/);
    expect(usage(() => normalizeLockPath(p, repo.root, 'out-file'))).toMatch(/symlink/);
    expect(usage(() => normalizeLockPath(p, repo.root, 'dangling'))).toMatch(/symlink/);
    expect(normalizeLockPath(p, repo.root, 'alias/a.txt')).toBe('src/a.txt');
    // An absolute path reached through a symlink into the project is inside.
    fs.symlinkSync(repo.root, path.join(outside, 'link-to-repo'));
    expect(normalizeLockPath(p, outside, path.join(outside, 'link-to-repo/src/a.txt'))).toBe(
      'src/a.txt',
    );
  });

  it('a ".." after a symlink is resolved from the symlink target, as a write would be', () => {
    const repo = makeRepo();
    const p = project(repo.root);
    const outside = tempDir('qlock-outside');
    fs.mkdirSync(path.join(outside, 'sub'));
    fs.symlinkSync(path.join(outside, 'sub'), path.join(repo.root, 'out-sub'));
    fs.symlinkSync(path.join(outside, 'gone'), path.join(repo.root, 'out-dangling'));
    fs.mkdirSync(path.join(repo.root, 'src', 'deep'));
    fs.symlinkSync(path.join(repo.root, 'src', 'deep'), path.join(repo.root, 'in-deep'));
    // `out-sub/../x` is <outside>/x for the kernel, not <repo>/x.
    for (const input of ['out-sub/../secret.txt', 'out-sub/../sub/../x', 'out-dangling/../x']) {
      expect(
        usage(() => normalizeLockPath(p, repo.root, input)),
        input,
      ).toMatch(/symlink that leads outside/);
    }
    expect(
      usage(() => normalizeLockPath(p, repo.root, `${repo.root}/out-sub/../secret.txt`)),
    ).toMatch(/symlink that leads outside/);
    // Inside the project the same rule gives the target's neighbour.
    expect(normalizeLockPath(p, repo.root, 'in-deep/../a.txt')).toBe('src/a.txt');
    expect(normalizeLockPath(p, repo.root, 'in-deep/../new.ts')).toBe('src/new.ts');
    // Plain ".." without symlinks still works lexically, existing or not.
    expect(normalizeLockPath(p, repo.root, 'src/../README.md')).toBe('README.md');
    expect(normalizeLockPath(p, repo.root, 'nope/../src/a.txt')).toBe('src/a.txt');
  });

  it('gives the same repo-relative path from every worktree', () => {
    const repo = makeRepo();
    const wt = repo.worktree('feature');
    const fromMain = project(repo.root);
    const fromWt = project(wt);
    expect(normalizeLockPath(fromWt, wt, 'src/a.txt')).toBe('src/a.txt');
    expect(normalizeLockPath(fromWt, path.join(wt, 'src'), 'a.txt')).toBe('src/a.txt');
    // An absolute path in another worktree of the same project is repo-relative too.
    expect(normalizeLockPath(fromMain, repo.root, path.join(wt, 'src/a.txt'))).toBe('src/a.txt');
    expect(normalizeLockPath(fromWt, wt, path.join(repo.root, 'README.md'))).toBe('README.md');
  });
});

describe('normalizeLockPath in a plain directory', () => {
  it('works the same, relative to the session directory', () => {
    const root = makePlainDir({ 'notes.txt': 'n', 'docs/a.md': 'a' });
    fs.mkdirSync(path.join(root, '.qlock'));
    const p = project(path.join(root, 'docs'));
    expect(p.kind).toBe('dir');
    expect(normalizeLockPath(p, path.join(root, 'docs'), 'a.md')).toBe('docs/a.md');
    expect(normalizeLockPath(p, root, 'docs')).toBe('docs/');
    expect(normalizeLockPath(p, root, 'new file.txt')).toBe('new file.txt');
    expect(usage(() => normalizeLockPath(p, root, '../x'))).toMatch(/escape/);
    expect(usage(() => normalizeLockPath(p, root, '.qlock/registry.json'))).toMatch(/state/);
  });
});
