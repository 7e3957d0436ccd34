import fs from 'node:fs';
import path from 'node:path';

import { listWorktrees } from '../git/repo.js';
import { findBlockingLocks } from '../locks/lockTable.js';
import { baseBranches } from '../project/baseRefs.js';
import { sessionForPath } from '../sessions/resolveSession.js';
import { hookMessages } from '../ui/messages/hooks.js';
import type { HookHandler, HookInput, HookOutcome } from './hookTypes.js';
import { lockedPaths } from './lockedPaths.js';
import { mergedCommits } from './mergeHeads.js';
import { otherLiveSessions } from './otherSessions.js';
import { sessionsTouching } from './sessionsTouching.js';
import { stagedChanges } from './stagedPaths.js';

/**
 * pre-merge-commit (an automatic, non-fast-forward `git merge`), when merging into a base branch:
 * - merged paths locked by a session other than the one being merged (and other than this one):
 *   block or warn per onLocked;
 * - the other live sessions whose work touches the merged files: told that they will need
 *   `qlock sync` (base is about to move under them).
 */

/** The branch checked out in a worktree, read from its git dir (no git process). */
export function checkedOutBranch(gitDir: string | undefined): string | undefined {
  if (!gitDir) return undefined;
  try {
    const head = fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
    const match = /^ref:\s*refs\/heads\/(.+)$/.exec(head);
    return match ? match[1] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The checks of a merge into a base branch, or undefined when HEAD is not a base. `hook` names who
 * asks: pre-merge-commit, or pre-commit concluding a merge (`git merge --no-commit`, or a merge
 * that pre-merge-commit stopped, then `git commit`), since pre-merge-commit does not run then.
 */
export async function checkMergeIntoBase(
  { ws, registry, ctx, now }: HookInput,
  hook: 'pre-merge-commit' | 'merge-commit',
): Promise<HookOutcome | undefined> {
  const { project, config } = ws;
  const outcome: HookOutcome = { block: false, lines: [] };
  const branch = checkedOutBranch(project.gitDir);
  if (!branch || !(await baseBranches(ws, registry)).includes(branch)) return undefined;
  const mergeHeads = await mergedCommits(ctx, project);

  // The merge result is in the index: what it changes on base.
  const changes = await stagedChanges(ctx);
  const merged = changes.map((c) => c.path);
  if (!merged.length) return outcome;

  // The sessions being merged: a worktree whose HEAD is one of the merged commits (when git does
  // not say what it merges, none: their locks then count like anyone else's).
  const mergedSessions = new Set<string>();
  for (const w of await listWorktrees(project.root)) {
    if (!w.head || !mergeHeads.includes(w.head)) continue;
    const session = sessionForPath(registry, w.path);
    if (session && path.resolve(session.path) === path.resolve(w.path))
      mergedSessions.add(session.name);
  }
  const current = sessionForPath(registry, project.worktreeRoot)?.name;
  const bystanders = new Set(mergedSessions);
  if (current) bystanders.add(current);

  if (config.onLocked !== 'off') {
    const locks = findBlockingLocks(registry, merged, undefined, now).filter(
      (l) => !bystanders.has(l.session),
    );
    const locked = await lockedPaths(locks, merged, now);
    if (locked.length) {
      if (config.onLocked === 'block') outcome.block = true;
      outcome.lines.push(
        config.onLocked === 'block'
          ? hookMessages.lockedBlock(locked, hook)
          : hookMessages.lockedWarn(locked),
      );
    }
  }

  const others = otherLiveSessions(registry, project.worktreeRoot, now, config, bystanders);
  const heads = new Map(changes.map((c) => [c.path, c.oldOid]));
  for (const t of await sessionsTouching(project, others, merged, new Set(), heads))
    outcome.lines.push(hookMessages.mergeTouches(branch, t.session, t.paths));
  return outcome;
}

export const handle: HookHandler = async (input) =>
  (await checkMergeIntoBase(input, 'pre-merge-commit')) ?? { block: false, lines: [] };
