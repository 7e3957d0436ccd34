import fs from 'node:fs';
import path from 'node:path';

import { QlockError } from '../errors.js';
import { cleanGitEnv, git, splitZ } from '../git/exec.js';
import { currentBranch, resolveCommit } from '../git/repo.js';
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

/** Tracked files with staged or unstaged changes (untracked files are left alone by both). */
export async function trackedChanges(dir: string): Promise<string[]> {
  const { stdout } = await git(
    ['status', '--porcelain=v1', '-z', '--untracked-files=no', '--no-renames'],
    { cwd: dir },
  );
  return splitZ(stdout).map((e) => e.slice(3));
}

async function unmergedFiles(dir: string): Promise<string[]> {
  const { stdout } = await git(['diff', '--name-only', '-z', '--diff-filter=U'], {
    cwd: dir,
    okCodes: [0, 1, 128],
  });
  return [...new Set(splitZ(stdout))].sort();
}

async function stashTop(dir: string): Promise<string | undefined> {
  return resolveCommit(dir, 'refs/stash');
}

/** Applies our stash commit with its index, then drops exactly that entry. */
export async function restoreStash(
  dir: string,
  stash: string,
): Promise<{ ok: boolean; stderr: string }> {
  const applied = await git(['stash', 'apply', '--index', stash], {
    cwd: dir,
    env: syncEnv(),
    okCodes: [0, 1, 128],
  });
  if (applied.code !== 0) return { ok: false, stderr: applied.stderr || applied.stdout };
  const list = splitZ((await git(['stash', 'list', '-z', '--format=%H'], { cwd: dir })).stdout);
  const index = list.indexOf(stash);
  if (index >= 0) await git(['stash', 'drop', '--quiet', `stash@{${index}}`], { cwd: dir });
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
  if (left === 'rebase') await git(['rebase', '--abort'], { cwd: dir, env, okCodes: [0, 1, 128] });
  else if (left === 'merge')
    await git(['merge', '--abort'], { cwd: dir, env, okCodes: [0, 1, 128] });
  const nowBranch = await currentBranch(dir);
  const nowHead = await resolveCommit(dir, 'HEAD');
  if (nowBranch === branch && nowHead === head && !(await trackedChanges(dir)).length) return;
  debug(`abort left ${nowBranch}@${nowHead}; resetting to ${branch}@${head}`);
  // Only our own sync's commits and leftovers are here: the user's changes are in the stash.
  if (branch) {
    await git(['update-ref', '-m', 'qlock sync: restore', `refs/heads/${branch}`, head], {
      cwd: dir,
    });
    await git(['symbolic-ref', 'HEAD', `refs/heads/${branch}`], { cwd: dir });
  } else {
    await git(['update-ref', '--no-deref', 'HEAD', head], { cwd: dir });
  }
  await git(['reset', '--hard', '--quiet', head], { cwd: dir, env });
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

  const contained = await git(['merge-base', '--is-ancestor', tip, head], {
    cwd: dir,
    okCodes: [0, 1],
  });
  if (contained.code === 0) return { ...outcome, upToDate: true };

  const dirty = await trackedChanges(dir);
  if (dirty.length && !input.autostash) throw new QlockError(messages.syncDirty(dir, dirty));
  const untracked = await inTheWayOfBase(dir, head, tip, dirty);
  if (untracked.length) return { ...outcome, ok: false, stage: 'sync', conflicts: [], untracked };
  let stash: string | undefined;
  if (dirty.length) {
    const before = await stashTop(dir);
    const pushed = await git(
      ['stash', 'push', '--quiet', '-m', `qlock sync: autostash before ${mode} of ${base}`],
      { cwd: dir, env: syncEnv(), okCodes: [0, 1, 128] },
    );
    const after = await stashTop(dir);
    // git stash refused (an intent-to-add file, say) before it changed anything.
    if (pushed.code !== 0 && after === before)
      throw new QlockError(
        messages.syncStashFailed(dir, firstLine(pushed.stderr || pushed.stdout)),
      );
    if (after && after !== before) stash = after;
    outcome.stashed = stash !== undefined;
  }

  const args =
    mode === 'rebase'
      ? ['rebase', '--no-autostash', tip]
      : [
          'merge',
          '--no-edit',
          '--no-autostash',
          '-m',
          `Merge ${base} into ${branch ?? 'HEAD'} (qlock sync)`,
          tip,
        ];
  const run = await git(args, { cwd: dir, env: syncEnv(), okCodes: [0, 1, 2, 128] });
  if (run.code !== 0) {
    const conflicts = await unmergedFiles(dir);
    await restoreHead(dir, gitDir, branch, head);
    const restored = stash ? await restoreStash(dir, stash) : { ok: true, stderr: '' };
    const untracked = conflicts.length ? [] : untrackedInTheWay(run.stderr);
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
  await git(['reset', '--hard', '--quiet', 'HEAD'], { cwd: dir, env: syncEnv() });
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
    git(['diff', '--name-only', '-z', `${stash}^1`, stash], { cwd: dir }),
    git(['diff', '--name-only', '-z', from, to], { cwd: dir }),
  ]);
  const changed = new Set(splitZ(theirs.stdout));
  return splitZ(mine.stdout)
    .filter((p) => changed.has(p))
    .sort();
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
  const { stdout } = await git(
    ['diff', '--name-only', '-z', '--no-renames', '--diff-filter=A', head, tip],
    { cwd: dir },
  );
  const staged = new Set(dirty);
  return splitZ(stdout)
    .filter((p) => !staged.has(p) && present(path.join(dir, p)))
    .sort();
}

/**
 * The files git names when it refuses to overwrite untracked files ("The following untracked
 * working tree files would be overwritten by checkout:", then one tab-indented path a line).
 */
export function untrackedInTheWay(stderr: string): string[] {
  const lines = stderr.split('\n');
  const start = lines.findIndex((l) => /untracked working tree files would be/.test(l));
  if (start < 0) return [];
  const files: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('\t')) break;
    files.push(line.slice(1));
  }
  return files;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
