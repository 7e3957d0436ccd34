import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { predictConflicts } from '../../src/conflicts/predictConflicts.js';
import { editLine, pairAB, twoSessions, worktreeState } from './conflictsHelpers.js';

/**
 * The six scenarios of issue 5, each with the exact classification: two sessions in linked
 * worktrees, work left uncommitted unless the scenario says otherwise.
 */
describe('conflict prediction between two sessions (real git)', () => {
  it('(a) different files: no overlap, no conflict', async () => {
    const { a, b, ws } = await twoSessions();
    editLine(a, 'src/a.txt', 3, 'A3');
    editLine(b, 'src/b.txt', 3, 'B3');
    expect(await pairAB(ws)).toEqual({ a: 'a', b: 'b', conflict: false, paths: [], overlaps: [] });
  });

  it('(b) different parts of one file: a file overlap that merges cleanly', async () => {
    const { a, b, ws } = await twoSessions();
    editLine(a, 'src/a.txt', 2, 'A2');
    editLine(b, 'src/a.txt', 15, 'B15');
    expect(await pairAB(ws)).toEqual({
      a: 'a',
      b: 'b',
      conflict: false,
      paths: [],
      overlaps: [{ path: 'src/a.txt', kind: 'file', clean: true }],
    });
  });

  it('(c) the same lines, uncommitted: a hunk overlap and a conflict; worktrees untouched', async () => {
    const { repo, a, b, ws } = await twoSessions();
    editLine(a, 'src/a.txt', 5, 'A5');
    editLine(b, 'src/a.txt', 5, 'B5');
    // staged in one session, untracked extras in the other: snapshots see all of it
    repo.git(['add', 'src/a.txt'], a);
    repo.write('notes/todo.txt', 'untracked\n', b);
    const before = [worktreeState(repo, a), worktreeState(repo, b)];
    expect(await pairAB(ws)).toEqual({
      a: 'a',
      b: 'b',
      conflict: true,
      paths: ['src/a.txt'],
      overlaps: [{ path: 'src/a.txt', kind: 'hunk', clean: false }],
    });
    expect([worktreeState(repo, a), worktreeState(repo, b)]).toEqual(before);
  });

  it('(c) adjacent lines touch: git refuses them, so do we', async () => {
    const { a, b, ws } = await twoSessions();
    editLine(a, 'src/a.txt', 5, 'A5');
    editLine(b, 'src/a.txt', 6, 'B6');
    expect(await pairAB(ws)).toMatchObject({
      conflict: true,
      paths: ['src/a.txt'],
      overlaps: [{ path: 'src/a.txt', kind: 'hunk', clean: false }],
    });
  });

  it('(d) one commits, the other does not: same lines conflict', async () => {
    const { repo, a, b, ws } = await twoSessions();
    editLine(a, 'src/a.txt', 5, 'A5');
    repo.commitAll('a: line 5', a);
    editLine(b, 'src/a.txt', 5, 'B5');
    expect(await pairAB(ws)).toEqual({
      a: 'a',
      b: 'b',
      conflict: true,
      paths: ['src/a.txt'],
      overlaps: [{ path: 'src/a.txt', kind: 'hunk', clean: false }],
    });
  });

  it('(d) one commits, the other does not: different lines merge cleanly', async () => {
    const { repo, a, b, ws } = await twoSessions();
    editLine(a, 'src/a.txt', 5, 'A5');
    repo.commitAll('a: line 5', a);
    editLine(b, 'src/a.txt', 12, 'B12');
    expect(await pairAB(ws)).toEqual({
      a: 'a',
      b: 'b',
      conflict: false,
      paths: [],
      overlaps: [{ path: 'src/a.txt', kind: 'file', clean: true }],
    });
  });

  it('(d) a committed new file against an untracked one of the same name: add/add conflict', async () => {
    const { repo, a, b, ws } = await twoSessions();
    repo.write('src/new.txt', 'from a\n', a);
    repo.commitAll('a: new file', a);
    repo.write('src/new.txt', 'from b\n', b);
    expect(await pairAB(ws)).toEqual({
      a: 'a',
      b: 'b',
      conflict: true,
      paths: ['src/new.txt'],
      overlaps: [{ path: 'src/new.txt', kind: 'hunk', clean: false }],
    });
  });

  it('(e) delete against modify: a modify/delete conflict', async () => {
    const { a, b, ws } = await twoSessions();
    fs.rmSync(path.join(a, 'src/b.txt'));
    editLine(b, 'src/b.txt', 10, 'B10');
    expect(await pairAB(ws)).toEqual({
      a: 'a',
      b: 'b',
      conflict: true,
      paths: ['src/b.txt'],
      overlaps: [{ path: 'src/b.txt', kind: 'hunk', clean: false }],
    });
  });

  it('(e) rename against modify: git follows the rename, a clean file overlap', async () => {
    const { a, b, ws } = await twoSessions();
    fs.renameSync(path.join(a, 'src/a.txt'), path.join(a, 'src/renamed.txt'));
    editLine(b, 'src/a.txt', 3, 'B3');
    expect(await pairAB(ws)).toEqual({
      a: 'a',
      b: 'b',
      conflict: false,
      paths: [],
      overlaps: [{ path: 'src/a.txt', kind: 'file', clean: true }],
    });
  });

  it('(e) rename with an edit against an edit of the same line: conflict at the new name', async () => {
    const { repo, a, b, ws } = await twoSessions();
    repo.git(['mv', 'src/a.txt', 'src/renamed.txt'], a);
    editLine(a, 'src/renamed.txt', 3, 'A3');
    editLine(b, 'src/a.txt', 3, 'B3');
    expect(await pairAB(ws)).toEqual({
      a: 'a',
      b: 'b',
      conflict: true,
      paths: ['src/renamed.txt'],
      overlaps: [{ path: 'src/a.txt', kind: 'hunk', clean: false }],
    });
  });

  it('(f) binary files changed differently: a file overlap that conflicts', async () => {
    const bin = Buffer.from([0, 1, 2, 3, 0, 255, 254, 10, 0]);
    const { repo, a, b, ws } = await twoSessions({
      files: { 'README.md': '# t\n', 'img/logo.bin': bin.toString('latin1') },
    });
    fs.writeFileSync(path.join(a, 'img/logo.bin'), Buffer.concat([bin, Buffer.from([1, 0, 1])]));
    fs.writeFileSync(path.join(b, 'img/logo.bin'), Buffer.concat([bin, Buffer.from([2, 0, 2])]));
    expect(await pairAB(ws)).toEqual({
      a: 'a',
      b: 'b',
      conflict: true,
      paths: ['img/logo.bin'],
      overlaps: [{ path: 'img/logo.bin', kind: 'file', clean: false }],
    });
    // the same new bytes on both sides merge cleanly
    fs.writeFileSync(path.join(b, 'img/logo.bin'), fs.readFileSync(path.join(a, 'img/logo.bin')));
    expect(await pairAB(ws)).toEqual({
      a: 'a',
      b: 'b',
      conflict: false,
      paths: [],
      overlaps: [{ path: 'img/logo.bin', kind: 'file', clean: true }],
    });
    void repo;
  });

  it('session against base: work that conflicts with a newer base commit', async () => {
    const { repo, a, b, ws } = await twoSessions();
    editLine(repo.root, 'src/a.txt', 5, 'MAIN5');
    repo.commitAll('main: line 5');
    editLine(a, 'src/a.txt', 5, 'A5');
    editLine(b, 'src/a.txt', 9, 'B9');
    const report = await predictConflicts(ws);
    expect(report.mergeTree).toBe(true);
    expect(report.pairs.filter((p) => p.b === 'main')).toEqual([
      {
        a: 'a',
        b: 'main',
        conflict: true,
        paths: ['src/a.txt'],
        overlaps: [{ path: 'src/a.txt', kind: 'hunk', clean: false }],
      },
      {
        a: 'b',
        b: 'main',
        conflict: false,
        paths: [],
        overlaps: [{ path: 'src/a.txt', kind: 'file', clean: true }],
      },
    ]);
  });
});
