import { git, splitZ } from '../git/exec.js';

/**
 * What git ignores in a session's tree, so the watcher never spends inotify watches on build
 * output or node_modules. Asked once per session when it starts being watched (one walk by git,
 * ~the cost of `git status`), then once per batch of directories created while it runs.
 */
export interface IgnoredPaths {
  /** Repo-relative directories ignored as a whole (no trailing '/'). */
  dirs: Set<string>;
  /** Repo-relative ignored files outside those directories. */
  files: Set<string>;
}

export async function listGitIgnored(worktree: string): Promise<IgnoredPaths> {
  const { stdout } = await git(
    ['ls-files', '--others', '--ignored', '--exclude-standard', '--directory', '-z'],
    { cwd: worktree },
  );
  const dirs = new Set<string>();
  const files = new Set<string>();
  for (const entry of splitZ(stdout)) {
    if (entry.endsWith('/')) dirs.add(entry.slice(0, -1));
    else files.add(entry);
  }
  return { dirs, files };
}

/** The subset of `paths` (repo-relative) that git ignores; one git call for the whole batch. */
export async function checkGitIgnored(worktree: string, paths: string[]): Promise<Set<string>> {
  if (!paths.length) return new Set();
  // Exit 1 = none ignored; 128 = not a repository any more (deleted worktree): nothing ignored.
  const { stdout } = await git(['check-ignore', '-z', '--stdin'], {
    cwd: worktree,
    input: paths.join('\0') + '\0',
    okCodes: [0, 1, 128],
  });
  return new Set(splitZ(stdout));
}
