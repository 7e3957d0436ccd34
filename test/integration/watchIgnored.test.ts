import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { acquireLocks } from '../../src/locks/acquireLocks.js';
import { edit, isOverlap, repoWithSessions, startTestWatcher } from '../helpers/watchHarness.js';

const stateDirOf = (root: string) => path.join(root, '.git', 'qlock');

/**
 * What the watcher never reports: files git ignores (also ones created while it runs, next to
 * tracked sources) and the config `ignore` globs. fb's lock on the whole tree makes any reported
 * file an overlap, so a path that slips through shows up as an event.
 */
describe('qlock watch: ignored paths', () => {
  it('reports no edit of a gitignored file created while it runs, nor of an ignore glob', async () => {
    const { repo, paths } = await repoWithSessions(['fa', 'fb']);
    fs.writeFileSync(path.join(repo.root, '.qsessionrc'), JSON.stringify({ ignore: ['gen/**'] }));
    // An existing config-ignored directory is not watched (fa: root, src, lib, lib/deep).
    fs.mkdirSync(path.join(paths.fa!, 'gen/deep'), { recursive: true });
    await acquireLocks(stateDirOf(repo.root), {
      session: 'fb',
      paths: ['src/', 'gen/', 'lib/'],
      reason: 'moving everything',
      now: new Date(),
    });
    const w = await startTestWatcher(repo.root);
    expect(w.watcher.watchCount).toBe(8);

    // *.log is in .gitignore: a build log next to the sources, created after the watcher started.
    fs.writeFileSync(path.join(paths.fa!, 'src/debug.log'), 'log\n');
    fs.writeFileSync(path.join(paths.fa!, 'gen/deep/out.txt'), 'generated\n');
    fs.mkdirSync(path.join(paths.fa!, 'gen2'));
    fs.writeFileSync(path.join(paths.fa!, 'lib/deep/trace.log'), 'log\n');
    edit(paths.fa!, 'src/a.txt');
    const event = await w.waitEvent(isOverlap('fb', 'src/a.txt'));
    expect(event.paths).toEqual(['src/a.txt']);
    // Written again after the first batch: still nothing for the ignored files.
    fs.appendFileSync(path.join(paths.fa!, 'src/debug.log'), 'more\n');
    edit(paths.fa!, 'lib/deep/d.txt');
    await w.waitEvent(isOverlap('fb', 'lib/deep/d.txt'));
    const reported = w.events.flatMap((e) => e.paths ?? []);
    expect(reported).not.toContain('src/debug.log');
    expect(reported).not.toContain('lib/deep/trace.log');
    expect(reported).not.toContain('gen/deep/out.txt');
  });

  it('reports a file again once a .gitignore change stops ignoring it', async () => {
    const { repo, paths } = await repoWithSessions(['fa', 'fb']);
    await acquireLocks(stateDirOf(repo.root), {
      session: 'fb',
      paths: ['src/'],
      reason: 'moving src',
      now: new Date(),
    });
    const w = await startTestWatcher(repo.root);
    fs.writeFileSync(path.join(paths.fa!, 'src/keep.log'), 'log\n');
    edit(paths.fa!, 'src/a.txt');
    await w.waitEvent(isOverlap('fb', 'src/a.txt'));
    fs.writeFileSync(path.join(paths.fa!, '.gitignore'), 'node_modules/\n');
    fs.appendFileSync(path.join(paths.fa!, 'src/keep.log'), 'now tracked material\n');
    await w.waitEvent(isOverlap('fb', 'src/keep.log'));
  });
});
