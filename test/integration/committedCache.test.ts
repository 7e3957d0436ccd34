import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { gitChangeSet } from '../../src/changes/changeSet.js';
import { CommittedCache } from '../../src/changes/committedCache.js';
import { makeRepo } from '../helpers/repo.js';

/** A repository with one linked worktree on branch `s`, and a cache in its state dir. */
function setup() {
  const repo = makeRepo();
  const wt = repo.worktree('s');
  const commonDir = path.join(repo.root, '.git');
  const stateDir = path.join(commonDir, 'qlock');
  const fresh = () => new CommittedCache(stateDir, commonDir);
  return { repo, wt, stateDir, fresh };
}

const committedOf = async (wt: string, cache: CommittedCache) => {
  const set = await gitChangeSet(wt, 'main', cache);
  return { committed: set.committed, ahead: set.ahead, behind: set.behind };
};

describe('the committed part of a change set, cached by commit ids', () => {
  it('answers from the cache while HEAD and base stay, and follows every commit on either', async () => {
    const { repo, wt, stateDir, fresh } = setup();
    repo.write('src/one.txt', '1\n', wt);
    repo.commitAll('one', wt);
    const first = await committedOf(wt, fresh());
    expect(first).toEqual({ committed: ['src/one.txt'], ahead: 1, behind: 0 });
    const file = path.join(stateDir, 'cache', 'committed.json');
    const entries = () => Object.keys(JSON.parse(fs.readFileSync(file, 'utf8')).entries);
    expect(entries()).toHaveLength(1);

    // Proof that a hit spawns no git: poison the entry; the cache's answer comes back verbatim.
    const data = JSON.parse(fs.readFileSync(file, 'utf8'));
    const key = entries()[0]!;
    data.entries[key] = { committed: ['from-the-cache'], ahead: 7, behind: 7 };
    fs.writeFileSync(file, JSON.stringify(data));
    expect(await committedOf(wt, fresh())).toEqual({
      committed: ['from-the-cache'],
      ahead: 7,
      behind: 7,
    });

    // A commit in the session: a new key, a fresh answer.
    repo.write('src/two.txt', '2\n', wt);
    repo.commitAll('two', wt);
    expect(await committedOf(wt, fresh())).toEqual({
      committed: ['src/one.txt', 'src/two.txt'],
      ahead: 2,
      behind: 0,
    });

    // Base moves: behind follows, and so does the key.
    repo.write('main.txt', 'm\n');
    repo.commitAll('main moves');
    expect(await committedOf(wt, fresh())).toEqual({
      committed: ['src/one.txt', 'src/two.txt'],
      ahead: 2,
      behind: 1,
    });

    // Refs packed (git gc, a fetch): read from packed-refs, same answers, no stale key.
    repo.git(['pack-refs', '--all']);
    repo.write('main2.txt', 'm\n');
    repo.commitAll('main moves again');
    repo.git(['pack-refs', '--all']);
    expect(await committedOf(wt, fresh())).toEqual({
      committed: ['src/one.txt', 'src/two.txt'],
      ahead: 2,
      behind: 2,
    });
    expect(entries()).toHaveLength(4);
  });

  it('one cache object in a long-running process never keys by a tip it read earlier', async () => {
    const { repo, wt, fresh } = setup();
    const cache = fresh();
    expect((await committedOf(wt, cache)).behind).toBe(0);
    repo.git(['pack-refs', '--all']);
    repo.write('main.txt', 'm\n');
    repo.commitAll('main moves');
    repo.git(['pack-refs', '--all']);
    expect((await committedOf(wt, cache)).behind).toBe(1);
  });

  it('an unreadable cache file is ignored and replaced, never an error', async () => {
    const { repo, wt, stateDir, fresh } = setup();
    repo.write('src/one.txt', '1\n', wt);
    repo.commitAll('one', wt);
    fs.mkdirSync(path.join(stateDir, 'cache'), { recursive: true });
    fs.writeFileSync(path.join(stateDir, 'cache', 'committed.json'), '{"version":1,"entr');
    expect(await committedOf(wt, fresh())).toEqual({
      committed: ['src/one.txt'],
      ahead: 1,
      behind: 0,
    });
    expect(await committedOf(wt, fresh())).toEqual({
      committed: ['src/one.txt'],
      ahead: 1,
      behind: 0,
    });
  });

  it('a base git cannot find, or a HEAD with no commits in common, is not an error', async () => {
    const { repo, wt, stateDir, fresh } = setup();
    expect(await gitChangeSet(wt, 'no-such-base', fresh())).toMatchObject({
      committed: [],
      ahead: 0,
      behind: 0,
    });
    repo.git(['checkout', '-q', '--orphan', 'alone'], wt);
    repo.git(['rm', '-q', '-r', '--cached', '.'], wt);
    repo.write('only.txt', 'x\n', wt);
    repo.git(['add', 'only.txt'], wt);
    repo.git(['commit', '-q', '--no-verify', '-m', 'unrelated'], wt);
    const set = await gitChangeSet(wt, 'main', fresh());
    expect(set.committed).toEqual([]);
    // A failure is not an answer to keep: a shallow clone's missing merge-base may come later.
    expect(fs.existsSync(path.join(stateDir, 'cache', 'committed.json'))).toBe(false);
  });
});
