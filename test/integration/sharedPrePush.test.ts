import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { pushedFiles } from '../../src/shared/prePush.js';
import { makeSharedWorld } from '../helpers/sharedFixture.js';

const ZERO = '0'.repeat(40);

describe('pre-push: the files a push would change', () => {
  it('counts only commits the remote does not have: new branch, update, nothing new', async () => {
    const world = makeSharedWorld();
    const alice = world.clone('alice');
    const commit = (file: string) => {
      fs.writeFileSync(path.join(alice.root, file), `${file} ${Math.random()}\n`);
      alice.git(['add', file]);
      alice.git(['commit', '-q', '-m', file]);
      return alice.git(['rev-parse', 'HEAD']);
    };
    const base = alice.git(['rev-parse', 'HEAD']);
    commit('src/a.txt');
    const tip = commit('src/new.txt');

    // A new branch: everything not on origin's tracking refs.
    const fresh = await pushedFiles(alice.root, 'origin', [
      { localRef: 'refs/heads/main', localSha: tip, remoteRef: 'refs/heads/f', remoteSha: ZERO },
    ]);
    expect(fresh.sort()).toEqual(['src/a.txt', 'src/new.txt']);

    // An update of a branch the remote has at `base`.
    const update = await pushedFiles(alice.root, 'origin', [
      { localRef: 'refs/heads/main', localSha: tip, remoteRef: 'refs/heads/main', remoteSha: base },
    ]);
    expect(update.sort()).toEqual(['src/a.txt', 'src/new.txt']);

    // Pushed to a URL (no remote name): what any remote already has is left out as well.
    const byUrl = await pushedFiles(alice.root, world.fileUrl, [
      { localRef: 'refs/heads/main', localSha: tip, remoteRef: 'refs/heads/g', remoteSha: ZERO },
    ]);
    expect(byUrl.sort()).toEqual(['src/a.txt', 'src/new.txt']);

    // A merge of what the remote has lists only the merge's own edits (a resolved conflict).
    alice.git(['checkout', '-q', '-b', 'other', base]);
    const other = commit('src/b.txt');
    alice.git(['push', '-q', 'origin', 'other']);
    alice.git(['checkout', '-q', 'main']);
    alice.git(['merge', '-q', '--no-commit', 'other']);
    fs.appendFileSync(path.join(alice.root, 'README.md'), 'edited in the merge\n');
    alice.git(['commit', '-qam', 'merge other']);
    const merge = alice.git(['rev-parse', 'HEAD']);
    const merged = await pushedFiles(alice.root, 'origin', [
      {
        localRef: 'refs/heads/main',
        localSha: merge,
        remoteRef: 'refs/heads/main',
        remoteSha: tip,
      },
    ]);
    expect(merged).toEqual(['README.md']);
    // ...and it really is a merge of `other` (whose src/b.txt is not the merge's own edit).
    expect(alice.git(['rev-parse', `${merge}^2`])).toBe(other);

    // A deletion changes no file.
    const deletion = await pushedFiles(alice.root, 'origin', [
      { localRef: '(delete)', localSha: ZERO, remoteRef: 'refs/heads/f', remoteSha: tip },
    ]);
    expect(deletion).toEqual([]);
  });
});
