import { git } from './exec.js';

/**
 * The steps that move a worktree's branch and files, used by sync and land: rebase or merge onto
 * a commit, abort either, reset, and a two-tree checkout. Each takes the environment from its
 * caller (editors off, qlock's own hooks off), since these steps run hooks and may open editors.
 * A step git refused is an answer (`ok: false` with git's output), not an exception.
 */

export interface StepResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  /** Untracked files git refused to overwrite, from its message (see untrackedInTheWay). */
  untracked: string[];
}

async function step(
  cwd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<StepResult> {
  const { code, stdout, stderr } = await git(args, { cwd, env, okCodes: [0, 1, 2, 128] });
  return { ok: code === 0, stdout, stderr, untracked: code === 0 ? [] : untrackedInTheWay(stderr) };
}

/** `git rebase --no-autostash <onto>` (the caller stashes). */
export function rebaseOnto(cwd: string, onto: string, env: NodeJS.ProcessEnv): Promise<StepResult> {
  return step(cwd, ['rebase', '--no-autostash', onto], env);
}

/** `git merge --no-edit --no-autostash -m <message> <commit>` (the caller stashes). */
export function mergeWith(
  cwd: string,
  commit: string,
  message: string,
  env: NodeJS.ProcessEnv,
): Promise<StepResult> {
  return step(cwd, ['merge', '--no-edit', '--no-autostash', '-m', message, commit], env);
}

/** Aborts a rebase in progress; none in progress (or git refusing) is not an error. */
export async function abortRebase(cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  await git(['rebase', '--abort'], { cwd, env, okCodes: [0, 1, 128] });
}

/** Aborts a merge in progress; none in progress (or git refusing) is not an error. */
export async function abortMerge(cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  await git(['merge', '--abort'], { cwd, env, okCodes: [0, 1, 128] });
}

/** `git reset --hard --quiet <commit>`: the index and the tracked files at `commit`. */
export async function resetHard(
  cwd: string,
  commit: string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  await git(['reset', '--hard', '--quiet', commit], { cwd, env });
}

/**
 * Brings a checkout from commit `from` to `to` (index and files, `git read-tree -m -u`), keeping
 * local changes to other files as `git checkout` does; git refuses, changing nothing, when a local
 * change or an untracked file is in the way (`reason`: git's first line). HEAD is not touched.
 */
export async function checkoutTrees(
  cwd: string,
  from: string,
  to: string,
  env: NodeJS.ProcessEnv,
): Promise<{ ok: boolean; reason: string }> {
  const { code, stderr } = await git(['read-tree', '-m', '-u', from, to], {
    cwd,
    env,
    okCodes: [0, 1, 128],
  });
  return { ok: code === 0, reason: stderr.trim().split('\n')[0] ?? '' };
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
