import fs from 'node:fs';
import path from 'node:path';

import { afterEach, describe, expect, it, onTestFinished } from 'vitest';

import { init } from '../../src/commands/init.js';
import { newSession } from '../../src/commands/new.js';
import { predictConflicts } from '../../src/conflicts/predictConflicts.js';
import { predictTreeConflicts } from '../../src/conflicts/predictTreeConflicts.js';
import { snapshotTuning } from '../../src/conflicts/sessionSnapshot.js';
import { snapshotTree } from '../../src/conflicts/snapshotTree.js';
import { openWorkspace } from '../../src/project/openWorkspace.js';
import { collectStatus } from '../../src/status/collectStatus.js';
import { lines, makePlainDir, testContext, waitFor } from '../helpers/repo.js';
import { editLine, pairAB, twoSessions, worktreeState } from './conflictsHelpers.js';

afterEach(() => {
  delete process.env.QLOCK_MERGE_TREE;
});

describe('snapshotTree', () => {
  it('captures staged, unstaged and untracked-not-ignored files without touching the worktree', async () => {
    const { repo, a } = await twoSessions();
    repo.write('.gitignore', 'build/\n', a);
    repo.write('build/out.txt', 'ignored\n', a);
    repo.write('new.txt', 'untracked\n', a);
    editLine(a, 'src/a.txt', 1, 'staged');
    repo.git(['add', 'src/a.txt'], a);
    editLine(a, 'src/a.txt', 2, 'unstaged');
    fs.rmSync(path.join(a, 'src/b.txt'));
    const before = worktreeState(repo, a);
    const tree = await snapshotTree(a);
    expect(worktreeState(repo, a)).toEqual(before);
    const files = repo.git(['ls-tree', '-r', '--name-only', tree], a).split('\n');
    expect(files.sort()).toEqual(['.gitignore', 'README.md', 'new.txt', 'src/a.txt']);
    const content = repo.git(['cat-file', 'blob', `${tree}:src/a.txt`], a);
    expect(content.split('\n').slice(0, 3)).toEqual(['staged', 'unstaged', 'a3']);
  });

  it('sees a same-size edit made in the same second the index was written (racy git)', async () => {
    const { repo, a } = await twoSessions();
    const file = path.join(a, 'src/a.txt');
    const t0 = new Date('2025-06-01T00:00:00Z');
    fs.utimesSync(file, t0, t0);
    repo.git(['update-index', '--refresh'], a);
    const index = repo.git(['rev-parse', '--path-format=absolute', '--git-path', 'index'], a);
    fs.utimesSync(index, t0, t0); // the index "was written" in the same second as the file
    editLine(a, 'src/a.txt', 2, 'A2'); // same size as "a2"
    fs.utimesSync(file, t0, t0); // and the same mtime as recorded: only the racy check sees it
    const tree = await snapshotTree(a);
    expect(repo.git(['cat-file', 'blob', `${tree}:src/a.txt`], a).split('\n')[1]).toBe('A2');
  });
});

describe('the results cache', () => {
  it('reuses a pair while nothing changed and recomputes once a worktree changes', async () => {
    const { a, b, ws } = await twoSessions();
    editLine(a, 'src/a.txt', 5, 'A5');
    editLine(b, 'src/a.txt', 5, 'B5');
    const first = await pairAB(ws);
    expect(first.conflict).toBe(true);
    // Plant a marker in every cached pair: a run that reads the cache returns it.
    const file = path.join(ws.project.stateDir, 'cache', 'conflicts.json');
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      pairs: Record<string, { paths: string[] }>;
    };
    for (const pair of Object.values(data.pairs)) pair.paths = ['from-the-cache'];
    fs.writeFileSync(file, JSON.stringify(data));
    expect((await pairAB(ws)).paths).toEqual(['from-the-cache']);
    // An edit in one worktree changes its snapshot, so the pair is decided again.
    editLine(b, 'src/a.txt', 15, 'B15');
    expect((await pairAB(ws)).paths).toEqual(['src/a.txt']);
    // An edit that is undone gives the same tree again: the fresh result is reused.
    editLine(b, 'src/a.txt', 15, 'a15');
    editLine(b, 'src/a.txt', 15, 'B15');
    expect(await pairAB(ws)).toEqual({ ...first, overlaps: first.overlaps });
  });

  it('recomputes the merge-base when HEAD moves without the index changing', async () => {
    const { repo, a, b, ws } = await twoSessions();
    editLine(repo.root, 'src/b.txt', 1, 'MAIN1');
    repo.commitAll('main: b line 1');
    editLine(a, 'src/a.txt', 3, 'A3');
    editLine(b, 'src/b.txt', 1, 'B1');
    // Edits older than the index writes: no racily-clean entries, so the private index of a is
    // left alone by the next scan and its cached entry is reused (the case under test).
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(a, 'src/a.txt'), past, past);
    expect((await pairAB(ws)).overlaps).toEqual([]);
    // HEAD jumps to main; index and files stay: a's tree now undoes main's line 1 of src/b.txt.
    repo.git(['reset', '-q', '--soft', 'main'], a);
    expect((await pairAB(ws)).overlaps.map((o) => o.path)).toEqual(['src/b.txt']);
  });

  it('survives a corrupt cache file', async () => {
    const { a, b, ws } = await twoSessions();
    editLine(a, 'src/a.txt', 5, 'A5');
    editLine(b, 'src/a.txt', 5, 'B5');
    fs.mkdirSync(path.join(ws.project.stateDir, 'cache'), { recursive: true });
    fs.writeFileSync(
      path.join(ws.project.stateDir, 'cache', 'conflicts.json'),
      '{"version": 2, "pai',
    );
    expect((await pairAB(ws)).conflict).toBe(true);
  });
});

describe('progress (what `qlock conflicts` and `status` show on a terminal for a long scan)', () => {
  it('counts each session snapshot and each computed pair, up to the total', async () => {
    const { a, b, ws } = await twoSessions();
    editLine(a, 'src/a.txt', 5, 'A5');
    editLine(b, 'src/a.txt', 5, 'B5');
    const calls: [number, number][] = [];
    const onProgress = (done: number, total: number) => void calls.push([done, total]);
    await predictConflicts(ws, { onProgress });
    // Two snapshots, then three pairs (a↔b, a↔main, b↔main): one step each, none skipped.
    expect(calls.map(([done]) => done)).toEqual([1, 2, 3, 4, 5]);
    expect(calls.at(-1)).toEqual([5, 5]);
    for (const [done, total] of calls) expect(done).toBeLessThanOrEqual(total);

    // Nothing changed: the pairs come from the cache, so only the snapshots are counted.
    calls.length = 0;
    await predictConflicts(ws, { onProgress });
    expect(calls).toEqual([
      [1, 2],
      [2, 2],
    ]);
  });
});

describe('without merge-tree --write-tree (QLOCK_MERGE_TREE=0 stands in for git < 2.38)', () => {
  it('falls back to file and hunk overlap and says so', async () => {
    process.env.QLOCK_MERGE_TREE = '0';
    const { a, b, ws } = await twoSessions();
    editLine(a, 'src/a.txt', 5, 'A5');
    editLine(b, 'src/a.txt', 5, 'B5');
    editLine(a, 'src/b.txt', 2, 'A2');
    editLine(b, 'src/b.txt', 18, 'B18');
    const report = await predictConflicts(ws, { includeBase: false });
    expect(report.mergeTree).toBe(false);
    expect(report.note).toMatch(/merge-tree --write-tree.*overlapping lines/);
    expect(report.pairs).toEqual([
      {
        a: 'a',
        b: 'b',
        conflict: true,
        paths: ['src/a.txt'],
        overlaps: [
          { path: 'src/a.txt', kind: 'hunk', clean: false },
          { path: 'src/b.txt', kind: 'file', clean: true },
        ],
      },
    ]);
  });
});

describe('plain directories', () => {
  it('predicts from each copy against its snapshot: hunk overlap is the conflict', async () => {
    const root = makePlainDir({ 'notes.txt': lines('n', 20), 'other.txt': lines('o', 20) });
    await init({}, testContext(root));
    const ctx = testContext(root);
    const one = (
      await newSession({ name: 'one', copy: true, dir: path.join(root, '..', 'one') }, ctx)
    ).session.path;
    const two = (
      await newSession({ name: 'two', copy: true, dir: path.join(root, '..', 'two') }, ctx)
    ).session.path;
    editLine(one, 'notes.txt', 4, 'ONE');
    editLine(two, 'notes.txt', 4, 'TWO');
    editLine(one, 'other.txt', 2, 'ONE');
    editLine(two, 'other.txt', 19, 'TWO');
    const ws = await openWorkspace(testContext(root));
    const report = await predictConflicts(ws);
    expect(report.mergeTree).toBe(false);
    expect(report.note).toMatch(/Plain directories/);
    expect(report.pairs).toEqual([
      {
        a: 'one',
        b: 'two',
        conflict: true,
        paths: ['notes.txt'],
        overlaps: [
          { path: 'notes.txt', kind: 'hunk', clean: false },
          { path: 'other.txt', kind: 'file', clean: true },
        ],
      },
    ]);
  });
});

describe('predictTreeConflicts (the pre-commit engine)', () => {
  it('finds the sessions a staged tree conflicts with, uncommitted work included', async () => {
    const { repo, a, b, ws } = await twoSessions();
    const c = repo.worktree('c');
    const { join } = await import('../../src/commands/join.js');
    await join({ name: 'c' }, testContext(c));
    editLine(a, 'src/a.txt', 5, 'A5');
    repo.git(['add', 'src/a.txt'], a);
    editLine(b, 'src/a.txt', 5, 'B5'); // uncommitted in b: conflicts
    editLine(c, 'src/a.txt', 15, 'C15'); // c: same file, other lines: clean
    const tree = repo.git(['write-tree'], a);
    const head = repo.git(['rev-parse', 'HEAD'], a);
    expect(await predictTreeConflicts(ws, tree, head, ['b', 'c'])).toEqual([
      { session: 'b', paths: ['src/a.txt'] },
    ]);
    // the cached variant answers from the last snapshots (taken just now)
    expect(
      await predictTreeConflicts(ws, tree, head, ['b', 'c'], { cachedSnapshots: true }),
    ).toEqual([{ session: 'b', paths: ['src/a.txt'] }]);
  });
});

describe('status integration', () => {
  it('shows conflict counts, conflict pairs and hunk overlaps', async () => {
    const { a, b, repo } = await twoSessions();
    editLine(a, 'src/a.txt', 5, 'A5');
    editLine(b, 'src/a.txt', 5, 'B5');
    const ctx = testContext(repo.root);
    const status = await collectStatus(await openWorkspace(ctx), ctx);
    expect(status.conflicts).toEqual([{ a: 'a', b: 'b', paths: ['src/a.txt'] }]);
    expect(status.sessions.map((s) => [s.name, s.conflicts])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
    expect(status.overlaps).toEqual([
      { path: 'src/a.txt', sessions: ['a', 'b'], kind: 'hunk', clean: false },
    ]);
    expect(status.sessions[0]!.attention).toContainEqual({
      kind: 'conflict',
      message: 'predicted conflict with b in src/a.txt: `qlock conflicts b`',
    });
    expect(status.notes).toEqual([]);
  });

  it('says when the prediction is limited, instead of counting conflicts as if it were not', async () => {
    process.env.QLOCK_MERGE_TREE = '0';
    const { a, b, repo } = await twoSessions();
    editLine(a, 'src/a.txt', 5, 'A5');
    editLine(b, 'src/a.txt', 5, 'B5');
    const ctx = testContext(repo.root);
    const status = await collectStatus(await openWorkspace(ctx), ctx);
    expect(status.notes).toHaveLength(1);
    expect(status.notes[0]).toMatch(/merge-tree --write-tree.*overlapping lines/);
    const { renderStatus } = await import('../../src/commands/status.js');
    expect(renderStatus(status, {}, new Date()).split('\n').at(-1)).toBe(status.notes[0]);
  });
});

describe('fresh git status lists spare unchanged trees a scan (qlock status)', () => {
  it('trusts a tree whose uncommitted list and files did not change, rescans otherwise', async () => {
    const { gitChangeSet } = await import('../../src/changes/changeSet.js');
    const { a, b, ws } = await twoSessions();
    editLine(a, 'src/a.txt', 5, 'A5');
    editLine(b, 'src/a.txt', 9, 'B9');
    const lists = async () => {
      const map = new Map<string, string[]>();
      for (const [name, dir] of [
        ['a', a],
        ['b', b],
      ] as const) {
        const set = await gitChangeSet(dir, 'main');
        map.set(name, [...set.staged, ...set.unstaged, ...set.untracked]);
      }
      return map;
    };
    const predict = async () =>
      (await predictConflicts(ws, { includeBase: false, uncommitted: await lists() })).pairs[0]!;
    snapshotTuning.timestampSlackMs = 0;
    onTestFinished(() => void (snapshotTuning.timestampSlackMs = 2000));
    const edited = Date.now();
    await waitFor(() => Date.now() > edited + 20);
    expect((await predict()).conflict).toBe(false);
    const scanned = Date.now();
    await waitFor(() => Date.now() > scanned + 20);
    // No timestamp slack in this test (it is for coarse file systems); wait until the clock
    // has moved past the scan, then plant a marker: a run that trusts the trees returns it.
    const file = path.join(ws.project.stateDir, 'cache', 'conflicts.json');
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      sessions: Record<string, { scannedAt: number; uncommitted?: string[] }>;
      pairs: Record<string, { paths: string[] }>;
    };
    for (const s of Object.values(data.sessions)) {
      expect(s.uncommitted).toEqual(['src/a.txt']);
    }
    for (const p of Object.values(data.pairs)) p.paths = ['from-the-cache'];
    fs.writeFileSync(file, JSON.stringify(data));
    expect((await predict()).paths).toEqual(['from-the-cache']);

    // A listed file written again: its ctime moves, that tree is scanned again.
    editLine(b, 'src/a.txt', 5, 'B5');
    expect(await predict()).toMatchObject({ conflict: true, paths: ['src/a.txt'] });
    // An unlisted file edited: the list changes, so does the verdict.
    editLine(a, 'src/a.txt', 5, 'a5');
    editLine(a, 'src/b.txt', 1, 'A1');
    expect(await predict()).toMatchObject({ conflict: false });
  });
});

describe('a run without lists (qlock conflicts) keeps the lists of unchanged trees', () => {
  it('so the next qlock status still spares them a scan; a changed tree drops its list', async () => {
    const { gitChangeSet } = await import('../../src/changes/changeSet.js');
    const { a, b, ws } = await twoSessions();
    editLine(a, 'src/a.txt', 5, 'A5');
    editLine(b, 'src/a.txt', 9, 'B9');
    const lists = async () => {
      const map = new Map<string, string[]>();
      for (const [name, dir] of [
        ['a', a],
        ['b', b],
      ] as const) {
        const set = await gitChangeSet(dir, 'main');
        map.set(name, [...set.staged, ...set.unstaged, ...set.untracked]);
      }
      return map;
    };
    const withLists = async () =>
      (await predictConflicts(ws, { includeBase: false, uncommitted: await lists() })).pairs[0]!;
    // What `qlock conflicts` does: no git status lists, every tree scanned with `add -A`.
    const withoutLists = async () => (await predictConflicts(ws, { includeBase: false })).pairs[0]!;
    const file = path.join(ws.project.stateDir, 'cache', 'conflicts.json');
    type Cache = {
      sessions: Record<string, { scannedAt: number; uncommitted?: string[] }>;
      pairs: Record<string, { paths: string[] }>;
    };
    const cache = () => JSON.parse(fs.readFileSync(file, 'utf8')) as Cache;
    snapshotTuning.timestampSlackMs = 0;
    onTestFinished(() => void (snapshotTuning.timestampSlackMs = 2000));
    // Edits older than the index git writes (more than its 1 s timestamps): a racily clean entry
    // is re-hashed and the index rewritten at each `add -A`, which is no change of the tree but
    // does change the index's checksum, and so drops the list (correct, only slower).
    const edited = Date.now();
    await waitFor(() => Date.now() > edited + 1100, 3000);
    expect((await withLists()).conflict).toBe(false);
    expect((await withoutLists()).conflict).toBe(false);
    for (const s of Object.values(cache().sessions)) expect(s.uncommitted).toEqual(['src/a.txt']);

    // The next run with lists trusts both trees: a marker planted in the cache comes back.
    const scanned = Date.now();
    await waitFor(() => Date.now() > scanned + 20);
    const data = cache();
    for (const p of Object.values(data.pairs)) p.paths = ['from-the-cache'];
    fs.writeFileSync(file, JSON.stringify(data));
    expect((await withLists()).paths).toEqual(['from-the-cache']);

    // A tree that changed: the run without lists writes a new tree and keeps no list for it,
    // so the next run with lists scans it and sees the conflict.
    editLine(b, 'src/a.txt', 5, 'B5');
    expect(await withoutLists()).toMatchObject({ conflict: true, paths: ['src/a.txt'] });
    expect(cache().sessions.b!.uncommitted).toBeUndefined();
    expect(cache().sessions.a!.uncommitted).toEqual(['src/a.txt']);
    expect(await withLists()).toMatchObject({ conflict: true, paths: ['src/a.txt'] });
  });
});

describe('doctor check', () => {
  it('reports merge-tree support and removes leftovers of the conflicts cache', async () => {
    const { checkConflicts } = await import('../../src/doctor/checkConflicts.js');
    const { a, b, ws } = await twoSessions();
    editLine(a, 'src/a.txt', 5, 'A5');
    editLine(b, 'src/a.txt', 5, 'B5');
    await pairAB(ws); // creates the private indexes of a and b
    const dir = path.join(ws.project.stateDir, 'cache', 'index');
    fs.writeFileSync(path.join(dir, 'gone-session'), 'x');
    fs.writeFileSync(path.join(dir, 'a.lock'), '');
    const old = new Date(Date.now() - 3600_000);
    fs.utimesSync(path.join(dir, 'a.lock'), old, old);
    const ctx = testContext(ws.project.root);
    const findings = await checkConflicts(ws, ctx);
    expect(findings[0]).toMatchObject({ check: 'conflicts', ok: true });
    expect(findings[1]).toMatchObject({
      ok: false,
      message: expect.stringContaining('gone-session'),
    });
    await findings[1]!.apply!();
    expect(fs.readdirSync(dir).sort()).toEqual(['a', 'b']);
    expect(await checkConflicts(ws, ctx)).toHaveLength(1);
  });
});

describe('config `ignore`', () => {
  it('keeps ignored files out of conflicts and overlaps, at any depth for a glob without a slash', async () => {
    const { repo, a, b } = await twoSessions({
      files: {
        '.qsessionrc': "ignore: ['*.log']\n",
        'src/trace.log': lines('t', 10),
        'src/a.txt': lines('a', 10),
      },
    });
    editLine(a, 'src/trace.log', 3, 'A3');
    editLine(b, 'src/trace.log', 3, 'B3');
    editLine(a, 'src/a.txt', 3, 'A3');
    editLine(b, 'src/a.txt', 3, 'B3');
    const ws = await openWorkspace(testContext(repo.root));
    const pair = await pairAB(ws);
    expect(pair).toMatchObject({ conflict: true, paths: ['src/a.txt'] });
    expect(pair.overlaps.map((o) => o.path)).toEqual(['src/a.txt']);
  });
});
