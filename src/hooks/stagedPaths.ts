import fs from 'node:fs';
import path from 'node:path';

import type { Context } from '../context.js';
import { splitZ } from '../git/exec.js';
import { stagedDiff } from '../git/stagedDiff.js';
import { STAGED_END } from './hookTypes.js';

/**
 * The paths a commit (or a merge) is about to record, read with the hook's own environment on
 * purpose: `git commit -a` and `git commit <path>` stage into a temporary index named by
 * GIT_INDEX_FILE (`index.lock`, `next-index-<pid>.lock`), and a linked worktree's hook gets its
 * GIT_DIR. One `git diff --cached` answers; its paths are repo-relative whatever the cwd (a commit
 * from a subdirectory sets GIT_PREFIX, but hooks run at the worktree root anyway).
 */

export interface StagedChange {
  /** A = added, M = modified, D = deleted, T = type change, … (`git diff --raw`). */
  status: string;
  path: string;
  /** The path's blob before this commit (all zeros when it is new). */
  oldOid: string;
}

/** The hook's environment for git calls about *this* worktree and its index. */
export function hookGitEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, LC_ALL: 'C', GIT_OPTIONAL_LOCKS: '0' };
}

/** Parses `git diff --raw -z --no-abbrev`: `:<mode> <mode> <old> <new> <status>\0<path>\0`. */
export function parseRawZ(output: string): StagedChange[] {
  const fields = splitZ(output);
  const out: StagedChange[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const meta = fields[i]!.split(' ');
    out.push({ status: (meta[4] ?? '').charAt(0), path: fields[i + 1]!, oldOid: meta[2] ?? '' });
  }
  return out;
}

/**
 * What the index (the hook's GIT_INDEX_FILE) changes against `against`; without it, against HEAD
 * (or against nothing, before the first commit: git diffs an unborn HEAD with the empty tree).
 */
export async function stagedChanges(ctx: Context, against?: string): Promise<StagedChange[]> {
  if (!against) {
    const piped = readPipedStaged(ctx.env);
    if (piped !== undefined) return parseRawZ(piped);
  }
  return parseRawZ(await stagedDiff(ctx.cwd, hookGitEnv(ctx.env), against));
}

let pipedRead = false;
let pipedText: string | undefined;

/**
 * The runner's `git diff --cached --raw -z` on stdin (QLOCK_HOOK_STAGED=stdin): git ran in
 * the hook's environment while node started. Undefined when absent or incomplete (no end marker).
 */
function readPipedStaged(env: NodeJS.ProcessEnv): string | undefined {
  if (env.QLOCK_HOOK_STAGED !== 'stdin') return undefined;
  if (pipedRead) return pipedText;
  pipedRead = true;
  let text: string;
  try {
    text = fs.readFileSync(0, 'utf8');
  } catch {
    return undefined;
  }
  const end = `${STAGED_END}\0`;
  if (text.endsWith(end)) pipedText = text.slice(0, -end.length);
  return pipedText;
}

/**
 * The staged changes of a commit. While a merge is being concluded (`git merge --no-commit`, then
 * `git commit`), the index also holds everything the merge brings in; only paths that differ from
 * every merged parent are this session's own edits (conflict resolutions, changes on top).
 */
export async function commitChanges(
  ctx: Context,
  gitDir: string | undefined,
): Promise<StagedChange[]> {
  const mergeHeads = gitDir ? readMergeHeads(gitDir) : [];
  if (!mergeHeads.length) return stagedChanges(ctx);
  const lists = await Promise.all([undefined, ...mergeHeads].map((c) => stagedChanges(ctx, c)));
  const [first, ...rest] = lists;
  const inAll = (p: string) => rest.every((l) => l.some((c) => c.path === p));
  return first!.filter((c) => inAll(c.path));
}

/** MERGE_HEAD's commits (several for an octopus merge), or none when no merge is in progress. */
export function readMergeHeads(gitDir: string): string[] {
  try {
    return fs
      .readFileSync(path.join(gitDir, 'MERGE_HEAD'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  } catch {
    return [];
  }
}
