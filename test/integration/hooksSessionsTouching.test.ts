import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { RefReader } from '../../src/git/refReader.js';
import { installHooks } from '../../src/hooks/installHooks.js';
import { sessionsTouching } from '../../src/hooks/sessionsTouching.js';
import { findProject, type Project } from '../../src/project/findProject.js';
import type { Session } from '../../src/store/types.js';
import { lines, makeRepo, type Repo } from '../helpers/repo.js';

/**
 * Which staged paths other sessions also change: the pre-commit hook's fast route (refs read from
 * files, cached merge-bases, one `cat-file --batch-check`, working files hashed in node) must give
 * the same answer as asking git in every worktree.
 */

function session(name: string, dir: string, base = 'main'): Session {
  const now = new Date().toISOString();
  return { name, path: dir, kind: 'worktree', base, createdAt: now, lastSeen: now, cursor: 0 };
}

/** The plain route for everyone: a project without commonDir makes sessionsTouching ask git. */
function slowProject(project: Project): Project {
  const { commonDir: _commonDir, ...rest } = project;
  return rest;
}

function scenario(): { repo: Repo; project: Project; sessions: Session[]; paths: string[] } {
  const repo = makeRepo({
    files: {
      'a.txt': lines('a', 5),
      'b.txt': lines('b', 5),
      'c.txt': lines('c', 5),
      'd.txt': lines('d', 5),
      'e.txt': lines('e', 5),
      link: 'placeholder\n',
    },
  });
  const s1 = repo.worktree('s1');
  const s2 = repo.worktree('s2');
  const s3 = repo.worktree('s3');
  // s1: committed a, staged b, unstaged c, untracked new.txt
  repo.write('a.txt', 'committed by s1\n', s1);
  repo.commitAll('s1 a', s1);
  repo.write('b.txt', 'staged by s1\n', s1);
  repo.git(['add', 'b.txt'], s1);
  repo.write('c.txt', 'unstaged by s1\n', s1);
  repo.write('new.txt', 'untracked in s1\n', s1);
  // s2: deleted d, a symlink replaced, e edited then reverted (no change)
  fs.rmSync(path.join(s2, 'd.txt'));
  fs.rmSync(path.join(s2, 'link'));
  fs.symlinkSync('a.txt', path.join(s2, 'link'));
  repo.write('e.txt', 'temporary\n', s2);
  repo.write('e.txt', lines('e', 5), s2);
  // s3: nothing at all; main moves on after the sessions forked (not their change).
  repo.write('c.txt', 'main moved c\n');
  repo.commitAll('main c');
  const project = findProject(repo.root)!;
  return {
    repo,
    project,
    sessions: [session('s1', s1), session('s2', s2), session('s3', s3)],
    paths: ['a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt', 'link', 'new.txt', 'absent.txt'],
  };
}

describe('sessionsTouching', () => {
  it('finds committed, staged, unstaged, untracked and deleted work, and agrees with git', async () => {
    const { project, sessions, paths } = scenario();
    await installHooks(project); // gives the merge-base cache a home
    const added = new Set(['new.txt', 'absent.txt']);
    const expected = [
      { session: 's1', paths: ['a.txt', 'b.txt', 'c.txt', 'new.txt'] },
      { session: 's2', paths: ['d.txt', 'link'] },
    ];
    expect(await sessionsTouching(project, sessions, paths, added)).toEqual(expected);
    expect(await sessionsTouching(slowProject(project), sessions, paths, added)).toEqual(expected);
    // Again, from the merge-base cache.
    expect(fs.existsSync(path.join(project.stateDir, 'hooks', 'merge-bases.json'))).toBe(true);
    expect(await sessionsTouching(project, sessions, paths, added)).toEqual(expected);
  });

  it("gives the same answer when told the committing HEAD's blobs (the shortcut past cat-file)", async () => {
    const { repo, project, sessions, paths } = scenario();
    await installHooks(project); // where looked-up tree entries are remembered
    const zero = '0'.repeat(40);
    const heads = new Map(
      paths.map((p) => {
        const r = spawnSync('git', ['rev-parse', '--verify', '--quiet', `HEAD:${p}`], {
          cwd: repo.root,
          encoding: 'utf8',
        });
        return [p, r.status === 0 ? r.stdout.trim() : zero] as const;
      }),
    );
    const added = new Set(['new.txt', 'absent.txt']);
    expect(await sessionsTouching(project, sessions, paths, added, heads)).toEqual([
      { session: 's1', paths: ['a.txt', 'b.txt', 'c.txt', 'new.txt'] },
      { session: 's2', paths: ['d.txt', 'link'] },
    ]);
    // Only files that differ from HEAD somewhere were looked up: e.txt and absent.txt never
    // were; c.txt (main moved it) was.
    const learned = Object.keys(
      JSON.parse(
        fs.readFileSync(path.join(project.stateDir, 'hooks', 'tree-entries.json'), 'utf8'),
      ),
    ).map((spec) => spec.slice(spec.indexOf(':') + 1));
    expect(learned).toContain('c.txt');
    expect(learned).not.toContain('e.txt');
    expect(learned).not.toContain('absent.txt');
  });

  it('asks git when the bytes differ only through a filter (eol conversion)', async () => {
    const repo = makeRepo({
      files: { '.gitattributes': '*.txt text eol=crlf\n', 'x.txt': 'one\ntwo\n' },
    });
    const s1 = repo.worktree('s1');
    // Checked out with CRLF: the file's bytes differ from the blob, git calls it unchanged.
    expect(fs.readFileSync(path.join(s1, 'x.txt'), 'utf8')).toBe('one\r\ntwo\r\n');
    const project = findProject(repo.root)!;
    expect(await sessionsTouching(project, [session('s1', s1)], ['x.txt'])).toEqual([]);
    repo.write('x.txt', 'one\r\nchanged\r\n', s1);
    expect(await sessionsTouching(project, [session('s1', s1)], ['x.txt'])).toEqual([
      { session: 's1', paths: ['x.txt'] },
    ]);
  });

  it('takes the plain route for a base it cannot read from the ref files', async () => {
    const { project, sessions } = scenario();
    const odd = sessions.map((s) => ({ ...s, base: 'main~0' }));
    expect(await sessionsTouching(project, odd, ['a.txt', 'c.txt'])).toEqual([
      { session: 's1', paths: ['a.txt', 'c.txt'] },
    ]);
  });
});

describe('RefReader', () => {
  it('reads loose and packed refs, symbolic HEADs and detached ones, like git', async () => {
    const repo = makeRepo();
    const wt = repo.worktree('wt', 'feature/x');
    const project = findProject(repo.root)!;
    const reader = () => new RefReader(project.commonDir!);
    const sha = (ref: string, cwd = repo.root) => repo.git(['rev-parse', ref], cwd);
    expect(reader().branchTip('main')).toBe(sha('main'));
    expect(reader().headOf(wt)).toBe(sha('HEAD', wt));
    repo.git(['pack-refs', '--all']);
    expect(fs.existsSync(path.join(project.commonDir!, 'refs/heads/main'))).toBe(false);
    expect(reader().branchTip('feature/x')).toBe(sha('feature/x'));
    expect(reader().headOf(repo.root)).toBe(sha('HEAD'));
    repo.git(['checkout', '-q', '--detach', 'HEAD'], wt);
    expect(reader().headOf(wt)).toBe(sha('HEAD', wt));
    expect(reader().branchTip('nope')).toBeUndefined();
  });
});
