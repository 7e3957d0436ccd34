import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { renderSync, sync } from '../../src/commands/sync.js';
import { QlockError } from '../../src/errors.js';
import { readRegistry } from '../../src/store/registry.js';
import { type Repo, testContext } from '../helpers/repo.js';
import { editLine, twoSessions } from './conflictsHelpers.js';

/** Everything a sync must leave exactly as it was when it gives up. */
function fullState(repo: Repo, dir: string): Record<string, string> {
  const gitDir = repo.git(['rev-parse', '--absolute-git-dir'], dir);
  return {
    branch: repo.git(['symbolic-ref', '--short', 'HEAD'], dir),
    head: repo.git(['rev-parse', 'HEAD'], dir),
    index: repo.git(['ls-files', '--stage'], dir),
    staged: repo.git(['diff', '--cached'], dir),
    unstaged: repo.git(['diff'], dir),
    status: repo.git(['status', '--porcelain=v1', '--untracked-files=all'], dir),
    untracked: fs.readFileSync(path.join(dir, 'scratch.txt'), 'utf8'),
    stash: repo.git(['stash', 'list', '--format=%H %s'], dir),
    operations: ['rebase-merge', 'rebase-apply', 'MERGE_HEAD']
      .filter((f) => fs.existsSync(path.join(gitDir, f)))
      .join(','),
  };
}

/**
 * Session "a" with committed work, a pre-existing stash entry, and staged, unstaged and untracked
 * changes; main then moves with a commit on the same line as a's committed work.
 */
async function conflictingSetup() {
  const s = await twoSessions();
  const { repo, a } = s;
  editLine(a, 'src/a.txt', 5, 'A5 committed');
  repo.commitAll('a: line 5', a);
  editLine(a, 'src/b.txt', 1, 'older stash');
  repo.git(['stash', 'push', '-q', '-m', 'an older stash of the user'], a);
  editLine(a, 'src/b.txt', 2, 'staged');
  repo.git(['add', 'src/b.txt'], a);
  editLine(a, 'src/b.txt', 3, 'unstaged on top');
  editLine(a, 'src/b.txt', 18, 'unstaged');
  repo.write('scratch.txt', 'untracked notes\n', a);
  editLine(repo.root, 'src/a.txt', 5, 'MAIN5');
  repo.commitAll('main: line 5');
  return s;
}

describe('qlock sync', () => {
  it('rebases a clean session onto base and records the new base tip', async () => {
    const { repo, a, ws } = await twoSessions();
    editLine(a, 'src/a.txt', 2, 'A2');
    repo.commitAll('a: line 2', a);
    editLine(repo.root, 'src/a.txt', 18, 'MAIN18');
    const tip = repo.commitAll('main: line 18');
    const result = await sync({}, testContext(a));
    expect(result).toMatchObject({
      session: 'a',
      mode: 'rebase',
      ok: true,
      upToDate: false,
      stashed: false,
    });
    expect(repo.git(['merge-base', '--is-ancestor', tip, 'HEAD'], a)).toBe('');
    expect(repo.read('src/a.txt', a).split('\n')[1]).toBe('A2');
    expect(repo.git(['rev-list', '--count', `${tip}..HEAD`], a)).toBe('1');
    expect(readRegistry(ws.project.stateDir).sessions.a!.baseTip).toBe(tip);
  });

  it('says when there is nothing to bring in', async () => {
    const { a } = await twoSessions();
    expect(await sync({}, testContext(a))).toMatchObject({ upToDate: true, ok: true });
  });

  it('refuses a dirty tree without --autostash, changing nothing', async () => {
    const { repo, a } = await twoSessions();
    editLine(repo.root, 'src/a.txt', 18, 'MAIN18');
    repo.commitAll('main moves');
    editLine(a, 'src/b.txt', 2, 'dirty');
    const before = repo.git(['status', '--porcelain=v1'], a) + repo.git(['rev-parse', 'HEAD'], a);
    const attempt = sync({}, testContext(a));
    await expect(attempt).rejects.toThrow(QlockError);
    await expect(attempt).rejects.toThrow(
      /Uncommitted changes.*src\/b\.txt[\s\S]*qlock sync --autostash/,
    );
    expect(repo.git(['status', '--porcelain=v1'], a) + repo.git(['rev-parse', 'HEAD'], a)).toBe(
      before,
    );
  });

  it('with --autostash, brings base in and puts staged, unstaged and untracked work back', async () => {
    const { repo, a } = await twoSessions();
    editLine(a, 'src/b.txt', 2, 'staged');
    repo.git(['add', 'src/b.txt'], a);
    editLine(a, 'src/b.txt', 3, 'unstaged');
    repo.write('scratch.txt', 'untracked\n', a);
    const staged = repo.git(['diff', '--cached'], a);
    const unstaged = repo.git(['diff'], a);
    editLine(repo.root, 'src/a.txt', 18, 'MAIN18');
    const tip = repo.commitAll('main moves');
    const result = await sync({ autostash: true }, testContext(a));
    expect(result).toMatchObject({ ok: true, stashed: true, to: tip });
    expect(repo.git(['diff', '--cached'], a)).toBe(staged);
    expect(repo.git(['diff'], a)).toBe(unstaged);
    expect(repo.read('scratch.txt', a)).toBe('untracked\n');
    expect(repo.git(['stash', 'list'], a)).toBe('');
  });

  for (const mode of ['rebase', 'merge'] as const) {
    it(`${mode}: a conflict leaves branch, HEAD, index, working tree and stash exactly as they were`, async () => {
      const { repo, a } = await conflictingSetup();
      const before = fullState(repo, a);
      const result = await sync({ autostash: true, [mode]: true }, testContext(a));
      expect(result).toMatchObject({
        ok: false,
        stage: 'sync',
        mode,
        conflicts: ['src/a.txt'],
        stashed: true,
        exitCode: 1,
      });
      expect(result.stash).toBeUndefined();
      expect(fullState(repo, a)).toEqual(before);
    });
  }

  for (const mode of ['rebase', 'merge'] as const) {
    it(`${mode}: an untracked file that base would overwrite is named, and nothing changes`, async () => {
      const { repo, a } = await twoSessions();
      editLine(a, 'src/a.txt', 2, 'A2 committed');
      repo.commitAll('a: line 2', a);
      editLine(a, 'src/b.txt', 4, 'unstaged');
      repo.write('scratch.txt', 'my untracked notes\n', a);
      repo.write('scratch.txt', 'base adds the same name\n');
      repo.commitAll('main: scratch.txt');
      const before = fullState(repo, a);
      const result = await sync({ autostash: true, [mode]: true }, testContext(a));
      expect(result).toMatchObject({ ok: false, conflicts: [], untracked: ['scratch.txt'] });
      expect(fullState(repo, a)).toEqual(before);
      expect(renderSync(result)).toBe(
        `The ${mode} of main into session "a" would overwrite untracked files: scratch.txt. Nothing was changed.\n` +
          'Move or remove them (or commit them), then run `qlock sync` again.',
      );
    });
  }

  it('uncommitted work that conflicts with base after the rebase: undone, work restored', async () => {
    const { repo, a } = await twoSessions();
    editLine(a, 'src/b.txt', 2, 'older stash');
    repo.git(['stash', 'push', '-q', '-m', 'an older stash of the user'], a);
    editLine(a, 'src/a.txt', 5, 'A5 uncommitted');
    repo.git(['add', 'src/a.txt'], a);
    editLine(a, 'src/b.txt', 9, 'B9 unstaged');
    repo.write('scratch.txt', 'untracked\n', a);
    editLine(repo.root, 'src/a.txt', 5, 'MAIN5');
    repo.commitAll('main: line 5');
    const before = fullState(repo, a);
    const result = await sync({ autostash: true }, testContext(a));
    expect(result).toMatchObject({ ok: false, stage: 'autostash', conflicts: ['src/a.txt'] });
    expect(fullState(repo, a)).toEqual(before);
    // git would refuse `git rebase main` on this dirty tree: the advice starts with a commit
    expect(renderSync(result)).toBe(
      'Your uncommitted changes conflict with main after the rebase in src/a.txt. Nothing was changed: branch, HEAD, index, working tree and stash are as before.\n' +
        'To resolve: commit your changes, then run `qlock sync` again and fix the files when git stops (`git rebase --continue`).',
    );
  });

  for (const mode of ['rebase', 'merge'] as const) {
    it(`${mode}: an ignored file base starts tracking is never overwritten nor deleted`, async () => {
      const { repo, a } = await twoSessions();
      repo.write('.gitignore', 'build/\n');
      repo.commitAll('main: ignore build/');
      repo.git(['merge', '-q', 'main'], a);
      editLine(a, 'src/a.txt', 5, 'A5 committed');
      repo.commitAll('a: line 5', a);
      repo.write('build/out.txt', 'my local build\n', a); // ignored in a
      repo.write('scratch.txt', 'untracked notes\n', a);
      repo.write('build/out.txt', 'tracked on main\n');
      repo.git(['add', '-f', 'build/out.txt']);
      editLine(repo.root, 'src/a.txt', 5, 'MAIN5'); // and a real conflict on top
      repo.commitAll('main: track build/out.txt');
      const before = fullState(repo, a);
      const result = await sync({ [mode]: true }, testContext(a));
      expect(result).toMatchObject({ ok: false, untracked: ['build/out.txt'], exitCode: 1 });
      expect(fullState(repo, a)).toEqual(before);
      expect(repo.read('build/out.txt', a)).toBe('my local build\n');
      // without the conflict too: a sync that would succeed must not clobber it silently
      repo.git(['reset', '-q', '--hard', 'HEAD~1'], a);
      const clean = await sync({ [mode]: true }, testContext(a));
      expect(clean).toMatchObject({ ok: false, untracked: ['build/out.txt'] });
      expect(repo.read('build/out.txt', a)).toBe('my local build\n');
    });
  }

  it('--autostash that git stash refuses (an intent-to-add file): a clear error, nothing changed', async () => {
    const { repo, a } = await twoSessions();
    editLine(repo.root, 'src/a.txt', 18, 'MAIN18');
    repo.commitAll('main moves');
    editLine(a, 'src/b.txt', 2, 'dirty');
    repo.write('scratch.txt', 'intent to add\n', a);
    repo.git(['add', '-N', 'scratch.txt'], a);
    const before = fullState(repo, a);
    const attempt = sync({ autostash: true }, testContext(a));
    await expect(attempt).rejects.toThrow(QlockError);
    await expect(attempt).rejects.toThrow(
      /Could not set the uncommitted changes in .* aside \(git stash: error: Entry 'scratch\.txt' not uptodate/,
    );
    expect(fullState(repo, a)).toEqual(before);
  });

  it('refuses while a rebase is already in progress', async () => {
    const { repo, a } = await conflictingSetup();
    repo.git(['stash', 'push', '-q'], a);
    const rebase = () => repo.git(['rebase', 'main'], a);
    expect(rebase).toThrow();
    await expect(sync({}, testContext(a))).rejects.toThrow(
      /rebase is in progress.*git rebase --abort/,
    );
    repo.git(['rebase', '--abort'], a);
  });
});
