import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { CACHE_VERSION, type CacheData, cacheDir } from '../../src/conflicts/conflictCache.js';
import { snapshotSession } from '../../src/conflicts/sessionSnapshot.js';
import { lines } from '../helpers/repo.js';
import { editLine, twoSessions } from './conflictsHelpers.js';

/**
 * Issue 21 point 9: several qlock processes (agent hooks, git hooks, status, watch) snapshot the
 * same session at once. Each must see the whole working tree, never only HEAD and the staged
 * changes, and what one of them caches must be right for the next run.
 */

function emptyCache(): CacheData {
  return { version: CACHE_VERSION, sessions: {}, pairs: {}, bases: {} };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('concurrent snapshots of one session', () => {
  it('every snapshot taken at the same time holds the unstaged edit, and so does what it caches', async () => {
    const { repo, a, ws } = await twoSessions();
    editLine(a, 'src/a.txt', 3, 'unstaged edit by a');
    repo.write('new-in-a.txt', 'untracked\n', a);
    const wanted = repo.git(['hash-object', 'src/a.txt'], a);
    const input = (cache: CacheData) => ({
      stateDir: ws.project.stateDir,
      name: 'a',
      worktree: a,
      head: async () => repo.git(['rev-parse', 'HEAD'], a),
      baseTip: async () => repo.git(['rev-parse', 'main']),
      ignore: [],
      cache,
    });
    const wrong: string[] = [];
    const ROUNDS = 10;
    const PROCESSES = 4;
    for (let round = 0; round < ROUNDS; round++) {
      // Every racer starts from a cache that does not know this index yet: each one seeds.
      const caches = Array.from({ length: PROCESSES }, emptyCache);
      const snaps = await Promise.all(
        caches.map(async (cache, i) => {
          await sleep((i * 7 + round * 3) % 23);
          return snapshotSession(input(cache));
        }),
      );
      snaps.forEach((snap, i) => {
        const blob = repo.git(['rev-parse', `${snap.tree}:src/a.txt`], a);
        const untracked = repo.git(['ls-tree', '--name-only', snap.tree, 'new-in-a.txt'], a);
        if (blob !== wanted || untracked !== 'new-in-a.txt')
          wrong.push(`round ${round} racer ${i}: snapshot without the working tree's work`);
        const cached = caches[i]!.sessions.a;
        if (cached && cached.tree !== snap.tree)
          wrong.push(`round ${round} racer ${i}: cached a tree it did not return`);
      });
      // Then a later run reuses one racer's cache (the one saved last): still the whole tree.
      const reused = await snapshotSession(input(caches[round % PROCESSES]!));
      if (repo.git(['rev-parse', `${reused.tree}:src/a.txt`], a) !== wanted)
        wrong.push(`round ${round}: the cached snapshot lost the unstaged edit`);
    }
    expect(wrong).toEqual([]);
    // Per-process index files are removed; only the shared private index stays.
    const left = fs.readdirSync(path.join(cacheDir(ws.project.stateDir), 'index'));
    expect(left).toEqual(['a']);
  });

  it('a later snapshot reuses the cached tree while nothing changed, and sees a change', async () => {
    const { repo, a, ws } = await twoSessions({
      files: { 'f.txt': lines('f', 5) },
    });
    editLine(a, 'f.txt', 2, 'edit');
    const cache = emptyCache();
    const input = {
      stateDir: ws.project.stateDir,
      name: 'a',
      worktree: a,
      head: async () => repo.git(['rev-parse', 'HEAD'], a),
      baseTip: async () => repo.git(['rev-parse', 'main']),
      ignore: [],
      cache,
    };
    const first = await snapshotSession(input);
    const second = await snapshotSession(input);
    expect(second.tree).toBe(first.tree);
    // A real change after that is seen.
    editLine(a, 'f.txt', 4, 'another edit');
    const third = await snapshotSession(input);
    expect(third.tree).not.toBe(first.tree);
  });
});
