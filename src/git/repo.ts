import { git, gitOut, splitZ } from './exec.js';

/** One function per question about a repository; every one takes the cwd explicitly. */

export async function currentBranch(cwd: string): Promise<string | undefined> {
  const { stdout, code } = await git(['symbolic-ref', '--quiet', '--short', 'HEAD'], {
    cwd,
    okCodes: [0, 1],
  });
  return code === 0 ? stdout.trim() : undefined;
}

/** The commit a ref names, or undefined when it does not exist. */
export async function resolveCommit(cwd: string, ref: string): Promise<string | undefined> {
  const { stdout, code } = await git(
    ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`],
    {
      cwd,
      okCodes: [0, 1, 128],
    },
  );
  return code === 0 ? stdout.trim() : undefined;
}

export async function branchExists(cwd: string, branch: string): Promise<boolean> {
  const { code } = await git(['show-ref', '--verify', '--quiet', `refs/heads/${branch}`], {
    cwd,
    okCodes: [0, 1],
  });
  return code === 0;
}

/** The repository's default branch: origin's HEAD, else main, else master, else the current one. */
export async function defaultBranch(cwd: string): Promise<string> {
  // One process for the usual answer (each command that resolves its base asks): origin's HEAD
  // as a symbolic ref, and whether main and master exist. Patterns match below a slash as well
  // (refs/heads/main/x), hence the exact comparisons. A dangling origin/HEAD (its target pruned)
  // is not listed, and counts as none.
  const originHead = 'refs/remotes/origin/HEAD';
  const { stdout } = await git(
    [
      'for-each-ref',
      '--format=%(refname)%00%(symref)',
      originHead,
      'refs/heads/main',
      'refs/heads/master',
    ],
    { cwd },
  );
  const refs = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const [ref, symref = ''] = line.split('\0');
    if (ref) refs.set(ref, symref);
  }
  const target = refs.get(originHead);
  if (target) {
    const name = target.startsWith('refs/remotes/origin/')
      ? target.slice('refs/remotes/origin/'.length)
      : await originHeadShort(cwd);
    if (name && (refs.has(`refs/heads/${name}`) || (await branchExists(cwd, name)))) return name;
  }
  for (const name of ['main', 'master']) if (refs.has(`refs/heads/${name}`)) return name;
  return (await currentBranch(cwd)) ?? 'main';
}

/** origin's HEAD as `git symbolic-ref --short` names it, less a leading "origin/". */
async function originHeadShort(cwd: string): Promise<string | undefined> {
  const { stdout, code } = await git(
    ['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD'],
    { cwd, okCodes: [0, 1, 128] },
  );
  return code === 0 && stdout.trim() ? stdout.trim().replace(/^origin\//, '') : undefined;
}

export interface WorktreeEntry {
  path: string;
  head?: string;
  branch?: string;
  bare: boolean;
  detached: boolean;
  locked?: string;
  prunable?: string;
}

/** `git worktree list --porcelain -z`: paths may contain newlines, so -z. */
export async function listWorktrees(cwd: string): Promise<WorktreeEntry[]> {
  const { stdout } = await git(['worktree', 'list', '--porcelain', '-z'], { cwd });
  const entries: WorktreeEntry[] = [];
  let current: WorktreeEntry | undefined;
  for (const field of splitZ(stdout)) {
    if (field === '') {
      current = undefined;
      continue;
    }
    const space = field.indexOf(' ');
    const key = space < 0 ? field : field.slice(0, space);
    const value = space < 0 ? '' : field.slice(space + 1);
    if (key === 'worktree') {
      current = { path: value, bare: false, detached: false };
      entries.push(current);
    } else if (current) {
      if (key === 'HEAD') current.head = value;
      else if (key === 'branch') current.branch = value.replace(/^refs\/heads\//, '');
      else if (key === 'bare') current.bare = true;
      else if (key === 'detached') current.detached = true;
      else if (key === 'locked') current.locked = value;
      else if (key === 'prunable') current.prunable = value;
    }
  }
  return entries;
}

export async function mergeBase(cwd: string, a: string, b: string): Promise<string | undefined> {
  const { stdout, code } = await git(['merge-base', a, b], { cwd, okCodes: [0, 1, 128] });
  return code === 0 ? stdout.trim() : undefined;
}

// The merge-base of two commits known to exist (undefined: none); git failing is an error.
export async function mergeBaseOfCommits(
  cwd: string,
  a: string,
  b: string,
): Promise<string | undefined> {
  const { stdout, code } = await git(['merge-base', a, b], { cwd, okCodes: [0, 1] });
  return code === 0 ? stdout.trim() : undefined;
}

/** Whether `commit` is in the history of `head`; undefined when git cannot tell (an unknown id). */
export async function isAncestor(
  cwd: string,
  commit: string,
  head = 'HEAD',
): Promise<boolean | undefined> {
  const { code } = await git(['merge-base', '--is-ancestor', commit, head], {
    cwd,
    okCodes: [0, 1, 128],
  });
  return code === 0 ? true : code === 1 ? false : undefined;
}

/**
 * Whether `commit` is in the history of `head`, for callers that know both exist: unlike
 * isAncestor, a git that cannot tell (an unknown id) is an error (GitError), not an answer.
 */
export async function inHistory(cwd: string, commit: string, head: string): Promise<boolean> {
  const { code } = await git(['merge-base', '--is-ancestor', commit, head], {
    cwd,
    okCodes: [0, 1],
  });
  return code === 0;
}

/**
 * `git status --porcelain=v1 -z` of these paths only (taken literally, untracked files listed one
 * by one, no rename detection): the raw output, for parseStatusZ.
 */
export async function statusOfPaths(cwd: string, paths: readonly string[]): Promise<string> {
  const { stdout } = await git(
    [
      '--literal-pathspecs',
      'status',
      '--porcelain=v1',
      '-z',
      '--untracked-files=all',
      '--no-renames',
      '--',
      ...paths,
    ],
    { cwd },
  );
  return stdout;
}

/** Commits HEAD has that base lacks (ahead) and the reverse (behind). */
export async function aheadBehind(
  cwd: string,
  base: string,
  head = 'HEAD',
): Promise<{ ahead: number; behind: number }> {
  const { stdout, code } = await git(['rev-list', '--left-right', '--count', `${base}...${head}`], {
    cwd,
    okCodes: [0, 128],
  });
  if (code !== 0) return { ahead: 0, behind: 0 };
  const [behind, ahead] = stdout.trim().split(/\s+/).map(Number);
  return { ahead: ahead ?? 0, behind: behind ?? 0 };
}

// How many commits from..to holds, or undefined when either does not name a commit (here, not in
// history.ts: main-moved, which asks it from the git hooks, loads this module anyway).
export async function countCommitsIfKnown(
  cwd: string,
  from: string,
  to: string,
): Promise<number | undefined> {
  const { stdout, code } = await git(['rev-list', '--count', `${from}..${to}`], {
    cwd,
    okCodes: [0, 128],
  });
  return code === 0 ? Number(stdout.trim()) : undefined;
}

/*
 * Below: questions the reference-transaction hook asks of a base branch's move. They live here,
 * in a module the hook loads anyway, rather than in history.ts or diff.ts: a module more is a
 * file more to load on every ref update of a hooked repository.
 */

/** The parents of a commit, first parent first (none for a root commit). */
export async function parentsOf(cwd: string, commit: string): Promise<string[]> {
  const { stdout } = await git(['rev-list', '--parents', '-n', '1', commit], { cwd });
  return stdout.trim().split(/\s+/).slice(1);
}

/** The commits in from..to (newest first). */
export async function commitsBetween(cwd: string, from: string, to: string): Promise<string[]> {
  const { stdout } = await git(['rev-list', `${from}..${to}`], { cwd });
  return stdout.split('\n').filter(Boolean);
}

/** Files that differ between two commits (`git diff-tree -r`, no rename detection). */
export async function changedBetween(cwd: string, from: string, to: string): Promise<string[]> {
  const { stdout } = await git(['diff-tree', '-r', '-z', '--name-only', '--no-renames', from, to], {
    cwd,
  });
  return splitZ(stdout);
}

// HEAD's commit (`rev-parse --verify --quiet HEAD`) with the caller's environment (a hook's
// index and git dir); undefined before the first commit. (A line comment: see writeTree.)
export async function headCommit(cwd: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const { stdout, code } = await git(['rev-parse', '--verify', '--quiet', 'HEAD'], {
    cwd,
    env,
    okCodes: [0, 1, 128],
  });
  return code === 0 ? stdout.trim() : undefined;
}

// The absolute path git uses for `name` in this worktree's git dir (`rev-parse --git-path`).
export async function gitPath(cwd: string, name: string): Promise<string> {
  return gitOut(['rev-parse', '--path-format=absolute', '--git-path', name], { cwd });
}

/** A config value and git's name for the scope that sets it (global, local, …), or undefined. */
export async function configWithScope(
  cwd: string,
  key: string,
): Promise<{ scope: string; value: string } | undefined> {
  const { stdout, code } = await git(['config', '--show-scope', '--get', key], {
    cwd,
    okCodes: [0, 1],
  });
  // "<scope>\t<value>"
  const found = code === 0 ? /^([a-z]+)\t(.*)$/s.exec(stdout.trim()) : null;
  return found ? { scope: found[1]!, value: found[2]! } : undefined;
}

/** The full ref a name stands for (`rev-parse --symbolic-full-name`); '' when it is no ref. */
export async function fullRefName(cwd: string, name: string): Promise<string> {
  return gitOut(['rev-parse', '--symbolic-full-name', name], { cwd });
}

// The files among `paths` (all files past a limit: pass []) changed since the merge-base with
// `base` (committed, staged, unstaged; pathspecs literal), or git's first line when it could not
// tell. (A line comment: see objects.ts writeTree.)
export async function changedSinceMergeBase(
  cwd: string,
  base: string,
  paths: readonly string[],
): Promise<{ files: Set<string> } | { error: string }> {
  const { stdout, code, stderr } = await git(
    [
      '--literal-pathspecs',
      'diff',
      '--merge-base',
      '--name-only',
      '-z',
      '--no-renames',
      base,
      '--',
      ...paths,
    ],
    { cwd, okCodes: [0, 128, 129] },
  ).catch((error: Error) => ({ stdout: '', code: -1, stderr: error.message }));
  return code === 0
    ? { files: new Set(splitZ(stdout)) }
    : { error: stderr.trim().split('\n')[0] ?? '' };
}

// `cat-file --batch-check` lines for `specs` (no newline in one), one per spec, in order. Here
// rather than in objects.ts: the pre-merge-commit hook, which asks it, loads this module anyway.
export async function batchCheck(cwd: string, specs: readonly string[]): Promise<string[]> {
  const { stdout } = await git(['cat-file', '--batch-check'], {
    cwd,
    input: specs.join('\n') + '\n',
  });
  return stdout.split('\n');
}

export async function gitVersion(cwd: string): Promise<[number, number, number]> {
  const out = await gitOut(['version'], { cwd });
  const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(out);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : [0, 0, 0];
}
