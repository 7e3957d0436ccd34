import path from 'node:path';

import { describe, expect, it } from 'vitest';

import type { QlockEvent } from '../../src/store/types.js';
import { gitSyncIn } from '../helpers/repo.js';
import { edit, repoWithSessions, startTestWatcher } from '../helpers/watchHarness.js';

/**
 * Base's ref moves in more ways than a commit on it (that one, and pack-refs, are in
 * watch.test.ts): a fast-forward merge renames a new loose ref over the packed one, and a
 * fetch moves the remote-tracking ref before a merge moves main.
 */
const movedTo =
  (session: string, tip: string) =>
  (e: QlockEvent): boolean =>
    e.kind === 'main-moved' && e.to?.[0] === session && e.data?.to === tip;

describe('qlock watch: base moving', () => {
  it('notices a fast-forward merge into main, also after pack-refs, and a fetch then merge', async () => {
    const { repo, paths } = await repoWithSessions(['fa', 'fb']);
    edit(paths.fb!, 'src/a.txt');
    const w = await startTestWatcher(repo.root);

    // Fast-forward merge of a topic branch, with main only in packed-refs beforehand.
    const topic = repo.worktree('topic');
    repo.write('src/a.txt', 'changed on topic\n', topic);
    const topicTip = repo.commitAll('topic: change a', topic);
    repo.git(['pack-refs', '--all']);
    repo.git(['merge', '-q', '--ff-only', 'topic']);
    const merged = await w.waitEvent(movedTo('fb', topicTip));
    expect(merged.paths).toEqual(['src/a.txt']);
    await w.waitEvent(movedTo('fa', topicTip));

    // Someone else pushes to the shared remote; here it arrives by fetch, then a merge.
    const origin = path.join(repo.parent, 'origin.git');
    gitSyncIn(repo.parent, ['clone', '-q', '--bare', repo.root, origin]);
    repo.git(['remote', 'add', 'origin', origin]);
    const other = path.join(repo.parent, 'other');
    gitSyncIn(repo.parent, ['clone', '-q', origin, other]);
    repo.write('src/c.txt', 'changed upstream\n', other);
    const upstreamTip = repo.commitAll('upstream: change c', other);
    gitSyncIn(other, ['push', '-q', 'origin', 'main']);
    repo.git(['fetch', '-q', 'origin']);
    repo.git(['merge', '-q', '--ff-only', 'origin/main']);
    const fetched = await w.waitEvent(movedTo('fb', upstreamTip));
    // Only this move's files that fb changed too: src/c.txt is not fb's, and src/a.txt was told
    // at the move before (a notice never repeats an earlier move's files).
    expect(fetched.paths).toEqual([]);
    expect(fetched.data).toMatchObject({ from: topicTip, commits: 1 });

    // `git update-ref` (what scripts and some tools do), again straight after packing.
    repo.write('src/b.txt', 'from a script\n', other);
    const scriptTip = repo.commitAll('script: change b', other);
    gitSyncIn(other, ['push', '-q', 'origin', 'main']);
    repo.git(['fetch', '-q', 'origin']);
    repo.git(['pack-refs', '--all']);
    repo.git(['update-ref', 'refs/heads/main', scriptTip]);
    await w.waitEvent(movedTo('fb', scriptTip));
  });
});
