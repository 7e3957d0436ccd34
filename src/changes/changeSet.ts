import { git, splitZ } from '../git/exec.js';
import { mergeBase } from '../git/repo.js';

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
  mergeBase?: string;
  head?: string;
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
 * Reads a git worktree's change set with three git calls: merge-base, diff of committed work,
 * status. Runs with a clean git environment (never the caller's GIT_DIR / GIT_INDEX_FILE).
 */
export async function gitChangeSet(worktree: string, base: string): Promise<ChangeSet> {
  const [mb, status, head] = await Promise.all([
    mergeBase(worktree, base, 'HEAD'),
    git(['status', '--porcelain=v1', '-z', '--no-renames', '--untracked-files=all'], {
      cwd: worktree,
    }),
    git(['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd: worktree, okCodes: [0, 1, 128] }),
  ]);
  let committed: string[] = [];
  if (mb) {
    const diff = await git(
      ['diff', '--name-only', '-z', '--no-renames', '--no-ext-diff', mb, 'HEAD', '--'],
      {
        cwd: worktree,
      },
    );
    committed = splitZ(diff.stdout);
  }
  const parsed = parseStatusZ(status.stdout);
  const headSha = head.code === 0 ? head.stdout.trim() : undefined;
  return {
    committed,
    ...parsed,
    all: unionSorted(committed, parsed.staged, parsed.unstaged, parsed.untracked),
    ...(mb ? { mergeBase: mb } : {}),
    ...(headSha ? { head: headSha } : {}),
  };
}
