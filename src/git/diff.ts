import { git, splitZ } from './exec.js';

/**
 * Which files differ: between two commits, in a worktree against its index and HEAD, or on disk
 * untracked. Every answer is a list of paths (from -z output, so any byte in a name survives).
 */

/** Tracked files with staged or unstaged changes (untracked files are not listed). */
export async function trackedChanges(cwd: string): Promise<string[]> {
  const { stdout } = await git(
    ['status', '--porcelain=v1', '-z', '--untracked-files=no', '--no-renames'],
    { cwd },
  );
  return splitZ(stdout).map((e) => e.slice(3));
}

/** Files left unmerged by a stopped rebase, merge or stash apply, sorted, each once. */
export async function unmergedFiles(cwd: string): Promise<string[]> {
  const { stdout } = await git(['diff', '--name-only', '-z', '--diff-filter=U'], {
    cwd,
    okCodes: [0, 1, 128],
  });
  return [...new Set(splitZ(stdout))].sort();
}

/** Files that differ between two commits, as git's diff settings detect them (renames: new path). */
export async function diffNames(cwd: string, from: string, to: string): Promise<string[]> {
  const { stdout } = await git(['diff', '--name-only', '-z', from, to], { cwd });
  return splitZ(stdout);
}

/** Files that differ between two commits (no rename detection: both paths count), sorted. */
export async function changedPaths(cwd: string, from: string, to: string): Promise<string[]> {
  const { stdout } = await git(['diff', '--name-only', '-z', '--no-renames', from, to, '--'], {
    cwd,
  });
  return splitZ(stdout).sort();
}

/** Files `to` adds relative to `from` (no rename detection: a renamed file's new path counts). */
export async function addedFiles(cwd: string, from: string, to: string): Promise<string[]> {
  const { stdout } = await git(
    ['diff', '--name-only', '-z', '--no-renames', '--diff-filter=A', from, to],
    { cwd },
  );
  return splitZ(stdout);
}

/** What `head` changed since it forked from `base` (three dots: from the merge-base), sorted. */
export async function changedSinceFork(cwd: string, base: string, head: string): Promise<string[]> {
  const { stdout } = await git(
    ['diff', '--name-only', '-z', '--no-renames', `${base}...${head}`, '--'],
    { cwd },
  );
  return splitZ(stdout).sort();
}

/** Untracked files that are not ignored, sorted. */
export async function untrackedFiles(cwd: string): Promise<string[]> {
  const { stdout } = await git(['ls-files', '-z', '--others', '--exclude-standard'], { cwd });
  return splitZ(stdout).sort();
}

/** Which of `paths` are on disk but not tracked (ignored ones included), sorted. */
export async function untrackedAmong(cwd: string, paths: readonly string[]): Promise<string[]> {
  if (!paths.length) return [];
  const { stdout } = await git(['ls-files', '-z', '--others', '--', ...paths], { cwd });
  return splitZ(stdout).sort();
}

/** Whether any tracked file has a staged or unstaged change (git's rename settings apply). */
export async function hasTrackedChanges(cwd: string): Promise<boolean> {
  const { stdout } = await git(['status', '--porcelain=v1', '-z', '--untracked-files=no'], { cwd });
  return stdout.length > 0;
}

/**
 * Untracked entries (`ls-files --others --directory`, .gitignore honoured): a directory that is
 * wholly untracked (or a nested repository) is one `dir/` entry. With `ignored`: the ignored ones
 * instead.
 */
export async function untrackedEntries(
  cwd: string,
  { ignored = false }: { ignored?: boolean } = {},
): Promise<string[]> {
  const { stdout } = await git(
    [
      'ls-files',
      '-z',
      '--others',
      '--directory',
      '--exclude-standard',
      ...(ignored ? ['--ignored'] : []),
    ],
    { cwd },
  );
  return stdout.split('\0').filter(Boolean);
}

/**
 * Which of `paths` (repo-relative, no NUL) git ignores: one `check-ignore --stdin`. None when git
 * says none (exit 1) or the worktree is no repository any more (128).
 */
export async function ignoredAmong(cwd: string, paths: readonly string[]): Promise<Set<string>> {
  const { stdout } = await git(['check-ignore', '-z', '--stdin'], {
    cwd,
    input: paths.join('\0') + '\0',
    okCodes: [0, 1, 128],
  });
  return new Set(splitZ(stdout));
}

/**
 * Whether git ignores the one path `rel` (repo-relative) in the worktree `cwd`: `check-ignore -q`
 * answers by its exit code alone, 0 ignored, 1 not (both answers, so okCodes [0, 1]); any other
 * exit (no repository, a bad path) throws. `--` so that a path starting with `-` is a path.
 */
export async function isIgnored(cwd: string, rel: string): Promise<boolean> {
  const { code } = await git(['check-ignore', '-q', '--', rel], { cwd, okCodes: [0, 1] });
  return code === 0;
}

/**
 * Whether git tracks the one path `rel` (repo-relative) in the worktree `cwd`, in its index:
 * `ls-files --error-unmatch` exits 1 for a path the index does not have (okCodes [0, 1], the two
 * answers); any other exit throws. `--` so that a path starting with `-` is a path.
 */
export async function isTracked(cwd: string, rel: string): Promise<boolean> {
  const { code } = await git(['ls-files', '--error-unmatch', '--', rel], { cwd, okCodes: [0, 1] });
  return code === 0;
}
