import fs from 'node:fs';
import path from 'node:path';

import type { Context } from '../context.js';
import { resolveCommit } from '../git/repo.js';
import type { Project } from '../project/findProject.js';
import { readMergeHeads } from './stagedPaths.js';

/**
 * The commits a merge brings in, as seen from its pre-merge-commit hook. git has not written
 * MERGE_HEAD yet at that point (it only exists while a merge waits for `git commit`), so they are
 * read from GIT_REFLOG_ACTION, which git sets to "merge <rev>..." (or "pull ..." under `git pull`,
 * whose merged commits are the FETCH_HEAD lines not marked not-for-merge).
 */
export async function mergedCommits(ctx: Context, project: Project): Promise<string[]> {
  const { worktreeRoot, gitDir, commonDir } = project;
  if (!gitDir) return [];
  const pending = readMergeHeads(gitDir);
  if (pending.length) return pending;
  const words = (ctx.env.GIT_REFLOG_ACTION ?? '').trim().split(/\s+/);
  if (words[0] === 'pull') return fetchHeadsForMerge(commonDir ?? gitDir);
  if (words[0] !== 'merge') return [];
  const revs = words.slice(1).filter((w) => w && !w.startsWith('-'));
  // In the merging worktree (a clean environment, its cwd): `HEAD~1` means its HEAD.
  const shas = await Promise.all(revs.map((rev) => resolveCommit(worktreeRoot, rev)));
  return shas.filter((s): s is string => s !== undefined);
}

/** FETCH_HEAD (in the common dir): the fetched commits that `git pull` merges. */
function fetchHeadsForMerge(commonDir: string): string[] {
  try {
    return fs
      .readFileSync(path.join(commonDir, 'FETCH_HEAD'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.includes('\tnot-for-merge\t'))
      .map((l) => l.split('\t')[0]!)
      .filter((s) => /^[0-9a-f]{40,64}$/.test(s));
  } catch {
    return [];
  }
}
