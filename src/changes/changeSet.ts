import { git, splitZ } from '../git/exec.js';
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
 * Parses `git status --porcelain=v2 -z --branch --no-renames`: the branch and HEAD from the
 * headers, and the entries into staged / unstaged / untracked (unmerged paths count as both).
 */
export function parseStatusV2Z(
  output: string,
): Pick<ChangeSet, 'staged' | 'unstaged' | 'untracked' | 'head' | 'branch'> {
  const staged: string[] = [];
  const unstaged: string[] = [];
  const untracked: string[] = [];
  let head: string | undefined;
  let branch: string | undefined;
  const entries = splitZ(output);
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const kind = entry[0];
    if (kind === '#') {
      const [, key, value] = /^# (\S+) (.*)$/.exec(entry) ?? [];
      if (key === 'branch.oid' && value !== '(initial)') head = value;
      if (key === 'branch.head' && value !== '(detached)') branch = value;
    } else if (kind === '?') {
      untracked.push(entry.slice(2));
    } else if (kind === '1' || kind === '2' || kind === 'u') {
      // Fields before the path: 8 for ordinary entries, 9 for renames, 10 for unmerged.
      const fields = kind === '1' ? 8 : kind === '2' ? 9 : 10;
      let at = 0;
      for (let f = 0; f < fields; f++) at = entry.indexOf(' ', at) + 1;
      const file = entry.slice(at);
      const xy = entry.slice(2, 4);
      if (kind === 'u' || xy[0] !== '.') staged.push(file);
      if (kind === 'u' || xy[1] !== '.') unstaged.push(file);
      if (kind === '2') i++; // a rename's original path follows as its own field
    }
  }
  return {
    staged,
    unstaged,
    untracked,
    ...(head ? { head } : {}),
    ...(branch ? { branch } : {}),
  };
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
  const scan =
    reused ??
    git(
      [
        'status',
        '--porcelain=v2',
        '-z',
        '--branch',
        // The branch header must not walk history towards an upstream.
        '--no-ahead-behind',
        '--no-renames',
        '--untracked-files=all',
      ],
      { cwd: worktree },
    );
  const known = cache?.keyFor(worktree, base);
  const hit = known ? cache!.get(known.key) : undefined;
  const [status, fresh] = await Promise.all([
    scan,
    // With the ids known, ask about exactly those commits, so the answer can be cached by them.
    hit ? undefined : committedWork(worktree, known?.tip ?? base, known?.head ?? 'HEAD'),
  ]);
  const parsed = 'stdout' in status ? parseStatusV2Z(status.stdout) : status;
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
  const [diff, counts] = await Promise.all([
    // No merge-base (unrelated histories), an unborn HEAD or a missing base: nothing committed.
    git(['diff', '--name-only', '-z', '--no-renames', '--no-ext-diff', `${base}...${head}`, '--'], {
      cwd: worktree,
      okCodes: [0, 128],
    }),
    git(['rev-list', '--left-right', '--count', `${base}...${head}`, '--'], {
      cwd: worktree,
      okCodes: [0, 128],
    }),
  ]);
  const [behind, ahead] = counts.code === 0 ? counts.stdout.trim().split(/\s+/).map(Number) : [];
  return {
    committed: diff.code === 0 ? splitZ(diff.stdout) : [],
    ahead: ahead ?? 0,
    behind: behind ?? 0,
    answered: diff.code === 0 && counts.code === 0,
  };
}
