import fs from 'node:fs';
import path from 'node:path';

import type { Context } from '../context.js';
import { isAncestor, listWorktrees, resolveCommit } from '../git/repo.js';
import type { Project } from '../project/findProject.js';
import { sessionForPath } from '../sessions/resolveSession.js';
import type { Registry } from '../store/types.js';
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

/**
 * `git merge --squash` leaves no MERGE_HEAD, only SQUASH_MSG ("Squashed commit of the following:"
 * then a `commit <id>` line per squashed commit), until the `git commit` that concludes it. The
 * squashed commits, or none when no squash is being concluded.
 */
export function readSquashedCommits(gitDir: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(gitDir, 'SQUASH_MSG'), 'utf8');
  } catch {
    return [];
  }
  return [...text.matchAll(/^commit ([0-9a-f]{40,64})$/gm)].map((m) => m[1]!);
}

/**
 * The sessions whose work `commits` are: each registered worktree whose HEAD is one of them (as
 * for a merge, read from git's list of worktrees) or, with `orDescendants`, has them in its
 * history: a session that went on committing after the commits a squash takes is still their
 * author. One `merge-base --is-ancestor` per other session, only then (squashes are rare).
 */
export async function sessionsAtCommits(
  project: Project,
  registry: Registry,
  commits: readonly string[],
  { orDescendants = false } = {},
): Promise<Set<string>> {
  const owners = new Set<string>();
  if (!commits.length) return owners;
  const checks = (await listWorktrees(project.root)).map(async (w) => {
    if (!w.head) return;
    const session = sessionForPath(registry, w.path);
    if (!session || path.resolve(session.path) !== path.resolve(w.path)) return;
    if (commits.includes(w.head)) owners.add(session.name);
    // The newest squashed commit (SQUASH_MSG lists them newest first) in the session's history.
    else if (orDescendants && (await isAncestor(w.path, commits[0]!, w.head)))
      owners.add(session.name);
  });
  await Promise.all(checks);
  return owners;
}

/**
 * `git am` applying a patch written by `git format-patch`: the commit it was made from (the mail's
 * "From <id> <date>" line, read from `rebase-apply/<next>`), or none. Its session is the patch's
 * author, as a merged session is a merge's.
 */
export function readAppliedPatchCommits(gitDir: string): string[] {
  const dir = path.join(gitDir, 'rebase-apply');
  try {
    const next = Number(fs.readFileSync(path.join(dir, 'next'), 'utf8').trim());
    if (!Number.isInteger(next) || next < 1) return [];
    const mail = fs.readFileSync(path.join(dir, String(next).padStart(4, '0')), 'utf8');
    const from = /^From ([0-9a-f]{40,64}) /.exec(mail);
    return from ? [from[1]!] : [];
  } catch {
    return [];
  }
}
