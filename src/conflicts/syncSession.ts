import fs from 'node:fs';
import path from 'node:path';

import { QlockError } from '../errors.js';
import { addedFiles, diffNames, trackedChanges, unmergedFiles } from '../git/diff.js';
import { cleanGitEnv } from '../git/exec.js';
import { abortMerge, abortRebase, mergeWith, rebaseOnto, resetHard } from '../git/merge.js';
import { attachHead, detachHead, setBranch } from '../git/refs.js';
import { currentBranch, inHistory, resolveCommit } from '../git/repo.js';
import { applyStash, dropStash, pushStash, stashTop } from '../git/stash.js';
import { worktreeGitDir } from '../git/worktreeGitDir.js';
import { createDebug } from '../ui/debug.js';
import { messages } from '../ui/messages.js';

const debug = createDebug('sync');

/**
 * Bringing base into a session's worktree, with a way back. Before anything moves we record the
 * branch and HEAD; uncommitted changes go into a stash commit (`--autostash`) that is dropped only
 * after they are back in place. On a conflict, in the rebase or merge or when the stash comes
 * back, everything is put back: the operation aborted, the branch at its old commit, the stash
 * re-applied with its index. If even that fails, the stash is kept and the message names it.
 */

export type SyncMode = 'rebase' | 'merge';

export interface SyncOutcome {
  mode: SyncMode;
  base: string;
  from: string;
  to: string;
  upToDate: boolean;
  stashed: boolean;
  ok: boolean;
  /** Where the conflict happened: the rebase/merge itself, or re-applying the stashed changes. */
  stage?: 'sync' | 'autostash';
  conflicts?: string[];
  /** Git's own first line, when it refused for a reason other than conflicting files. */
  reason?: string;
  /** Untracked files of the session that base's files would overwrite (git refused to start). */
  untracked?: string[];
  /** Set when the automatic restore of the stash failed: the stash commit that holds the work. */
  stash?: string;
}

const OPERATIONS: [string, string][] = [
  ['rebase-merge', 'rebase'],
  ['rebase-apply', 'rebase'],
  ['MERGE_HEAD', 'merge'],
  ['CHERRY_PICK_HEAD', 'cherry-pick'],
  ['REVERT_HEAD', 'revert'],
];

export function operationInProgress(gitDir: string | undefined): string | undefined {
  if (!gitDir) return undefined;
  for (const [file, what] of OPERATIONS) if (fs.existsSync(path.join(gitDir, file))) return what;
  return undefined;
}

/** Editors off: a sync must never wait for input. */
function syncEnv(): NodeJS.ProcessEnv {
  return { ...cleanGitEnv(), GIT_EDITOR: ':', GIT_SEQUENCE_EDITOR: ':', GIT_MERGE_AUTOEDIT: 'no' };
}

/** Applies our stash commit with its index, then drops exactly that entry. */
export async function restoreStash(
  dir: string,
  stash: string,
): Promise<{ ok: boolean; stderr: string }> {
  const applied = await applyStash(dir, stash, syncEnv());
  if (!applied.ok) return applied;
  await dropStash(dir, stash);
  return { ok: true, stderr: '' };
}

/** Aborts whatever operation is left and puts the branch (or detached HEAD) back at `head`. */
export async function restoreHead(
  dir: string,
  gitDir: string | undefined,
  branch: string | undefined,
  head: string,
): Promise<void> {
  const env = syncEnv();
  const left = operationInProgress(gitDir);
  if (left === 'rebase') await abortRebase(dir, env);
  else if (left === 'merge') await abortMerge(dir, env);
  const nowBranch = await currentBranch(dir);
  const nowHead = await resolveCommit(dir, 'HEAD');
  if (nowBranch === branch && nowHead === head && !(await trackedChanges(dir)).length) return;
  debug(`abort left ${nowBranch}@${nowHead}; resetting to ${branch}@${head}`);
  // Only our own sync's commits and leftovers are here: the user's changes are in the stash.
  if (branch) {
    await setBranch(dir, branch, head, 'qlock sync: restore');
    await attachHead(dir, branch);
  } else {
    await detachHead(dir, head);
  }
  await resetHard(dir, head, env);
}

export interface SyncInput {
  dir: string;
  base: string;
  mode: SyncMode;
  autostash: boolean;
}

export async function syncWorktree(input: SyncInput): Promise<SyncOutcome> {
  const { dir, base, mode } = input;
  const gitDir = worktreeGitDir(dir);
  const tip = await resolveCommit(dir, base);
  if (!tip) throw new QlockError(messages.syncUnknownBase(base));
  const busy = operationInProgress(gitDir);
  if (busy) throw new QlockError(messages.syncInProgress(busy, dir));
  const branch = await currentBranch(dir);
  const head = await resolveCommit(dir, 'HEAD');
  if (!head) throw new QlockError(messages.syncUnknownBase('HEAD'));
  const outcome: SyncOutcome = {
    mode,
    base,
    from: head,
    to: head,
    upToDate: false,
    stashed: false,
    ok: true,
  };

  if (await inHistory(dir, tip, head)) return { ...outcome, upToDate: true };

  const dirty = await trackedChanges(dir);
  if (dirty.length && !input.autostash) throw new QlockError(messages.syncDirty(dir, dirty));
  const untracked = await inTheWayOfBase(dir, head, tip, dirty);
  if (untracked.length) return { ...outcome, ok: false, stage: 'sync', conflicts: [], untracked };
  let stash: string | undefined;
  if (dirty.length) {
    const before = await stashTop(dir);
    const pushed = await pushStash(
      dir,
      `qlock sync: autostash before ${mode} of ${base}`,
      syncEnv(),
    );
    const after = await stashTop(dir);
    // git stash refused (an intent-to-add file, say) before it changed anything.
    if (!pushed.ok && after === before)
      throw new QlockError(
        messages.syncStashFailed(dir, firstLine(pushed.stderr || pushed.stdout)),
      );
    if (after && after !== before) stash = after;
    outcome.stashed = stash !== undefined;
  }

  const run =
    mode === 'rebase'
      ? await rebaseOnto(dir, tip, syncEnv())
      : await mergeWith(dir, tip, `Merge ${base} into ${branch ?? 'HEAD'} (qlock sync)`, syncEnv());
  if (!run.ok) {
    const conflicts = await unmergedFiles(dir);
    await restoreHead(dir, gitDir, branch, head);
    const restored = stash ? await restoreStash(dir, stash) : { ok: true, stderr: '' };
    const untracked = conflicts.length ? [] : run.untracked;
    return {
      ...outcome,
      ok: false,
      stage: 'sync',
      conflicts,
      ...(untracked.length ? { untracked } : {}),
      ...(conflicts.length ? {} : { reason: firstLine(run.stderr || run.stdout) }),
      ...(restored.ok ? {} : { stash: stash!, reason: firstLine(restored.stderr) }),
    };
  }
  const newHead = (await resolveCommit(dir, 'HEAD')) ?? head;
  if (!stash) return { ...outcome, to: newHead };

  const back = await restoreStash(dir, stash);
  if (back.ok) return { ...outcome, to: newHead };
  // The stashed changes do not apply on top of base: undo the sync, then put them back where
  // they were made (which always applies).
  let conflicts = await unmergedFiles(dir);
  if (!conflicts.length) conflicts = await stashVsSync(dir, stash, head, newHead);
  await resetHard(dir, 'HEAD', syncEnv());
  await restoreHead(dir, gitDir, branch, head);
  const again = await restoreStash(dir, stash);
  return {
    ...outcome,
    ok: false,
    stage: 'autostash',
    conflicts,
    ...(again.ok ? {} : { stash, reason: firstLine(again.stderr) }),
  };
}

/** Files the stash changes that the sync also changed (when git did not leave them unmerged). */
async function stashVsSync(
  dir: string,
  stash: string,
  from: string,
  to: string,
): Promise<string[]> {
  const [mine, theirs] = await Promise.all([
    diffNames(dir, `${stash}^1`, stash),
    diffNames(dir, from, to),
  ]);
  const changed = new Set(theirs);
  return mine.filter((p) => changed.has(p)).sort();
}

/** Whether anything (a file, a directory, a dangling symlink) is at `file`. */
function present(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Files base adds (relative to HEAD) that already exist in the worktree, untracked or ignored.
 * Git refuses to overwrite an untracked file, but an ignored one it overwrites silently, and an
 * aborted sync would then delete it: so a sync does not start while any is in the way. Files
 * staged as new (`dirty`) travel with the autostash instead.
 */
async function inTheWayOfBase(
  dir: string,
  head: string,
  tip: string,
  dirty: readonly string[],
): Promise<string[]> {
  const staged = new Set(dirty);
  return (await addedFiles(dir, head, tip))
    .filter((p) => !staged.has(p) && present(path.join(dir, p)))
    .sort();
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
