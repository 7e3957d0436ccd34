import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { join } from '../../src/commands/join.js';
import { mergeTree } from '../../src/conflicts/mergeTree.js';
import { predictConflicts } from '../../src/conflicts/predictConflicts.js';
import { GitError } from '../../src/errors.js';
import { openWorkspace } from '../../src/project/openWorkspace.js';
import { lines, makeRepo, testContext } from '../helpers/repo.js';
import { editLine, pairAB, twoSessions } from './conflictsHelpers.js';

/**
 * Conflict prediction at the edges: git 2.39's merge-tree quirks, a base that does not resolve,
 * and the promise that snapshots leave a session's index file alone (bytes and mtime).
 */

describe('git 2.39 merge-tree quirks', () => {
  it('an unknown ref exits 1 like a conflict: mergeTree() throws instead of reporting one', async () => {
    const { repo } = await twoSessions();
    const head = repo.git(['rev-parse', 'HEAD']);
    const error = await mergeTree(repo.root, head, 'no-such-ref').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).stderr).toMatch(/not something we can merge|merge-tree/);
  });

  it('a conflict with no conflicted paths listed (directory rename split) is still a conflict', async () => {
    const files: Record<string, string> = { 'README.md': '# t\n' };
    for (const n of [1, 2, 3, 4]) files[`dir/f${n}.txt`] = lines(`f${n}-`, 10);
    const { repo, a, b, ws } = await twoSessions({ files });
    // a splits dir/ evenly into x/ and y/; b adds a file to dir/: git cannot tell where it goes.
    fs.mkdirSync(path.join(a, 'x'));
    fs.mkdirSync(path.join(a, 'y'));
    for (const [n, to] of [
      [1, 'x'],
      [2, 'x'],
      [3, 'y'],
      [4, 'y'],
    ] as const)
      repo.git(['mv', `dir/f${n}.txt`, `${to}/f${n}.txt`], a);
    repo.commitAll('a: split dir', a);
    repo.write('dir/new.txt', 'new in b\n', b);
    const pair = await pairAB(ws);
    expect(pair.conflict).toBe(true);
    // git lists no conflicted file; the CONFLICT message names the directory
    expect(pair.paths).toEqual(['dir']);
    expect(pair.overlaps).toEqual([]);
  });
});

describe('a session with no merge-base with its base', () => {
  it('counts only its work on HEAD as its change set, not every file of the tree', async () => {
    const repo = makeRepo();
    repo.git(['branch', 'feat']);
    const a = repo.worktree('a');
    const b = repo.worktree('b');
    await join({ name: 'a', base: 'feat' }, testContext(a));
    await join({ name: 'b', base: 'feat' }, testContext(b));
    repo.git(['branch', '-D', 'feat']);
    const ws = await openWorkspace(testContext(repo.root));
    editLine(a, 'src/a.txt', 5, 'A5');
    expect(await pairAB(ws)).toEqual({ a: 'a', b: 'b', conflict: false, paths: [], overlaps: [] });
    editLine(b, 'src/a.txt', 5, 'B5');
    const report = await predictConflicts(ws);
    expect(report.note).toContain('Base branch "feat" does not resolve');
    expect(report.pairs).toEqual([
      {
        a: 'a',
        b: 'b',
        conflict: true,
        paths: ['src/a.txt'],
        overlaps: [{ path: 'src/a.txt', kind: 'hunk', clean: false }],
      },
    ]);
  });
});

describe('the private index is only a cache', () => {
  it('an unreadable private index is rebuilt from the real one, not the session dropped', async () => {
    const { a, b, ws } = await twoSessions();
    editLine(a, 'src/a.txt', 5, 'A5');
    editLine(b, 'src/a.txt', 5, 'B5');
    expect((await pairAB(ws)).conflict).toBe(true);
    fs.writeFileSync(path.join(ws.project.stateDir, 'cache', 'index', 'a'), 'garbage');
    const report = await predictConflicts(ws, { includeBase: false });
    expect(report.note).toBeUndefined();
    expect(report.pairs).toMatchObject([{ a: 'a', b: 'b', conflict: true, paths: ['src/a.txt'] }]);
  });
});

describe('snapshots never write to a session', () => {
  it('leaves the index file (bytes and mtime), HEAD and files as they were, stale stat data too', async () => {
    const { repo, a, b, ws } = await twoSessions();
    editLine(a, 'src/a.txt', 5, 'A5');
    repo.git(['add', 'src/a.txt'], a);
    editLine(a, 'src/a.txt', 9, 'A9');
    repo.write('untracked.txt', 'u\n', a);
    editLine(b, 'src/a.txt', 5, 'B5');
    // A file whose stat data no longer matches the index (content unchanged): `git status`
    // would refresh the index and rewrite it; a snapshot must not.
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(path.join(a, 'src/b.txt'), later, later);
    const gitDir = repo.git(['rev-parse', '--absolute-git-dir'], a);
    const index = path.join(gitDir, 'index');
    const files = ['src/a.txt', 'src/b.txt', 'untracked.txt'].map((f) => path.join(a, f));
    const state = () => ({
      index: fs.readFileSync(index).toString('base64'),
      indexMtime: fs.statSync(index, { bigint: true }).mtimeNs,
      head: fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8'),
      files: files.map((f) => [
        fs.readFileSync(f, 'utf8'),
        fs.statSync(f, { bigint: true }).mtimeNs,
      ]),
      lock: fs.existsSync(`${index}.lock`),
    });
    const before = state();
    expect((await predictConflicts(ws)).pairs[0]).toMatchObject({ conflict: true });
    expect(state()).toEqual(before);
    // and again with everything cached
    await predictConflicts(ws);
    expect(state()).toEqual(before);
  });
});
