import { git, splitZ } from './exec.js';

/** A worktree's uncommitted work, its branch and its HEAD, from one `git status`. */
export interface WorktreeStatus {
  staged: string[];
  unstaged: string[];
  untracked: string[];
  /** HEAD's commit (absent when unborn). */
  head?: string;
  /** The checked-out branch (absent when detached). */
  branch?: string;
}

// A worktree's `git status --porcelain=v2 -z --branch`, parsed.
export async function worktreeStatus(cwd: string): Promise<WorktreeStatus> {
  const { stdout } = await git(
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
    { cwd },
  );
  return parseStatusV2Z(stdout);
}

// What `head` committed since its merge-base with `base`: the files (diff base...head) and
// ahead/behind (rev-list), run together; each absent when git cannot tell (no merge-base, an
// unborn HEAD, a missing base). (Line comments: the hot bundles keep only JSDoc ones.)
export async function committedSinceFork(
  cwd: string,
  base: string,
  head: string,
): Promise<{ files?: string[]; counts?: { ahead: number; behind: number } }> {
  const [diff, counts] = await Promise.all([
    git(['diff', '--name-only', '-z', '--no-renames', '--no-ext-diff', `${base}...${head}`, '--'], {
      cwd,
      okCodes: [0, 128],
    }),
    git(['rev-list', '--left-right', '--count', `${base}...${head}`, '--'], {
      cwd,
      okCodes: [0, 128],
    }),
  ]);
  const [behind, ahead] = counts.stdout.trim().split(/\s+/).map(Number);
  return {
    ...(diff.code === 0 ? { files: splitZ(diff.stdout) } : {}),
    ...(counts.code === 0 ? { counts: { ahead: ahead ?? 0, behind: behind ?? 0 } } : {}),
  };
}

/**
 * Parses `git status --porcelain=v2 -z --branch --no-renames`: the branch and HEAD from the
 * headers, and the entries into staged / unstaged / untracked (unmerged paths count as both).
 */
export function parseStatusV2Z(output: string): WorktreeStatus {
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
