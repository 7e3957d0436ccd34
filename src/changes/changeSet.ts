import { splitZ } from '../git/exec.js';
import { committedSinceFork, worktreeStatus } from '../git/status.js';
import type { CommittedCache, CommittedEntry } from './committedCache.js';

/**
 * A session's change set: what it changed relative to its merge-base with base. Committed but not
 * merged, staged, unstaged, and untracked files that are not ignored. Paths are repo-relative with
 * '/' separators.
 */
export interface ChangeSet {
  committed: string[];
  staged: string[];
  unstaged: string[];
  untracked: string[];
  /** Sorted union of the four. */
  all: string[];
  /** Plain directories: the paths among `unstaged` that the session deleted (sorted). */
  deleted?: string[];
  head?: string;
  /** Git: the checked-out branch (absent when detached), read with the same `git status`. */
  branch?: string;
  /** Git: commits HEAD has that base lacks, and the reverse. */
  ahead?: number;
  behind?: number;
}

export function unionSorted(...lists: string[][]): string[] {
  return [...new Set(lists.flat())].sort();
}

/** Parses `git status --porcelain=v1 -z --no-renames` into staged / unstaged / untracked. */
export function parseStatusZ(output: string): Pick<ChangeSet, 'staged' | 'unstaged' | 'untracked'> {
  const staged: string[] = [];
  const unstaged: string[] = [];
  const untracked: string[] = [];
  for (const entry of splitZ(output)) {
    if (entry.length < 4) continue;
    const x = entry[0];
    const y = entry[1];
    const file = entry.slice(3);
    if (x === '?' && y === '?') {
      untracked.push(file);
      continue;
    }
    if (x === '!') continue;
    if (x !== ' ') staged.push(file);
    if (y !== ' ') unstaged.push(file);
  }
  return { staged, unstaged, untracked };
}

/**
 * Reads a git worktree's change set: `status` (the uncommitted work, the branch and HEAD), and the
 * committed work since the merge-base with its ahead/behind counts, from `cache` when HEAD and
 * base's tip are unchanged, else from `diff base...HEAD` and `rev-list`, run alongside the status.
 * Every process counts: spawning one blocks node's thread for ~3 ms here, and `qlock status` does
 * this for every session. Runs with a clean git environment (never the caller's GIT_DIR /
 * GIT_INDEX_FILE).
 */
/** What one `git status` scan of a worktree says (what a ScanMemo keeps). */
export type Scan = Pick<ChangeSet, 'staged' | 'unstaged' | 'untracked' | 'head' | 'branch'>;

/** Scans that may be reused while the tree is quiet (quietScans.ts implements it). */
export interface ScanMemo {
  key(worktree: string): string | undefined;
  reuse(name: string, worktree: string): Scan | undefined;
  record(
    name: string,
    worktree: string,
    at: number,
    keyBefore: string | undefined,
    scan: Scan,
  ): void;
}

export async function gitChangeSet(
  worktree: string,
  base: string,
  cache?: CommittedCache,
  quiet?: { scans: ScanMemo; name: string },
): Promise<ChangeSet> {
  // A tree `qlock watch` vouches for is not scanned again (quietScans.ts says when).
  const reused = quiet?.scans.reuse(quiet.name, worktree);
  const keyBefore = reused ? undefined : quiet?.scans.key(worktree);
  const scannedAt = Date.now();
  // The scan first: it is the long part, and the ref files can be read while it runs.
  const scan = reused ?? worktreeStatus(worktree);
  const known = cache?.keyFor(worktree, base);
  const hit = known ? cache!.get(known.key) : undefined;
  const [parsed, fresh] = await Promise.all([
    scan,
    // With the ids known, ask about exactly those commits, so the answer can be cached by them.
    hit ? undefined : committedWork(worktree, known?.tip ?? base, known?.head ?? 'HEAD'),
  ]);
  if (quiet && !reused) quiet.scans.record(quiet.name, worktree, scannedAt, keyBefore, parsed);
  let committed = fresh ?? hit!;
  if (known && parsed.head !== known.head) {
    // HEAD moved between the ref read and the status: what the status saw is the truth.
    committed = await committedWork(worktree, base, 'HEAD');
  } else if (known && fresh?.answered) {
    // Only answers: a failure (a shallow clone's missing merge-base) may not last.
    cache!.set(known.key, {
      committed: fresh.committed,
      ahead: fresh.ahead,
      behind: fresh.behind,
    });
  }
  return {
    committed: committed.committed,
    ...parsed,
    all: unionSorted(committed.committed, parsed.staged, parsed.unstaged, parsed.untracked),
    ahead: committed.ahead,
    behind: committed.behind,
  };
}

/** Files committed on `head` since its merge-base with `base`, and ahead/behind, from git. */
async function committedWork(
  worktree: string,
  base: string,
  head: string,
): Promise<CommittedEntry & { answered: boolean }> {
  // No merge-base (unrelated histories), an unborn HEAD or a missing base: nothing committed.
  const { files, counts } = await committedSinceFork(worktree, base, head);
  return {
    committed: files ?? [],
    ahead: counts?.ahead ?? 0,
    behind: counts?.behind ?? 0,
    answered: files !== undefined && counts !== undefined,
  };
}
