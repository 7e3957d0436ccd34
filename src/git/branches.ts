import { git } from './exec.js';

/**
 * Named branch, worktree and history questions (and the two removals) that sessions, landing and
 * shared mode ask. Like src/git/repo.ts: every one takes the cwd explicitly; the answer is a
 * plain value, and a git that says "no" is an answer, not an error.
 */

/** Whether `name` may be a branch name (`git check-ref-format --branch`). */
export async function isValidBranchName(cwd: string, name: string): Promise<boolean> {
  const { code } = await git(['check-ref-format', '--branch', name], {
    cwd,
    okCodes: [0, 1, 128],
  });
  return code === 0;
}

/** Deletes a local branch, merged or not; false when git refused (it does not exist, it is out). */
export async function deleteBranch(cwd: string, branch: string): Promise<boolean> {
  const { code } = await git(['branch', '-D', branch], { cwd, okCodes: [0, 1] });
  return code === 0;
}

/**
 * Removes a worktree through git; without `force`, git refuses one with changes. False when git
 * refused (changes, or not a worktree); with `throwRefusal`, git's refusal is thrown instead (a
 * GitError with git's words, for a command that reports it).
 */
export async function removeWorktree(
  cwd: string,
  dir: string,
  { force = false, throwRefusal = false }: { force?: boolean; throwRefusal?: boolean } = {},
): Promise<boolean> {
  const args = ['worktree', 'remove', ...(force ? ['--force'] : []), dir];
  const { code } = await git(args, { cwd, okCodes: throwRefusal ? [0] : [0, 128] });
  return code === 0;
}

/**
 * `git worktree add`: `dir` checked out on `branch`, which is created at `from` when given
 * (`-b <branch> <dir> <from>`; git creates the branch before it checks out, and leaves it behind
 * when the checkout fails). `env` is the caller's: `qlock new` turns its own post-checkout hook
 * off (QLOCK=0). Throws git's refusal (a GitError).
 */
export async function addWorktree(
  cwd: string,
  dir: string,
  branch: string,
  { from, env }: { from?: string; env: NodeJS.ProcessEnv },
): Promise<void> {
  const args =
    from === undefined
      ? ['worktree', 'add', dir, branch]
      : ['worktree', 'add', '-b', branch, dir, from];
  await git(args, { cwd, env });
}

/**
 * How many commits `to` has that `from` has not (`git rev-list --count from..to`), or undefined
 * when either does not name a commit (a base renamed or deleted).
 */
export async function commitsAhead(
  cwd: string,
  from: string,
  to = 'HEAD',
  { noMerges = false }: { noMerges?: boolean } = {},
): Promise<number | undefined> {
  const args = [
    'rev-list',
    '--count',
    ...(noMerges ? ['--no-merges'] : []),
    `${from}..${to}`,
    '--',
  ];
  const { stdout, code } = await git(args, { cwd, okCodes: [0, 128] });
  return code === 0 ? Number(stdout.trim() || 0) : undefined;
}

/** Whether `remote` is configured (it has a URL). */
export async function remoteExists(cwd: string, remote: string): Promise<boolean> {
  const { code } = await git(['remote', 'get-url', remote], { cwd, okCodes: [0, 2, 128] });
  return code === 0;
}
