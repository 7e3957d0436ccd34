import { git } from './exec.js';

/** Moving refs directly (no checkout, no merge): a branch, or HEAD attached or detached. */

/** Points `refs/heads/<branch>` at `commit`, whatever it was at, with a reflog reason. */
export async function setBranch(
  cwd: string,
  branch: string,
  commit: string,
  reason: string,
): Promise<void> {
  await git(['update-ref', '-m', reason, `refs/heads/${branch}`, commit], { cwd });
}

/**
 * Moves `ref` from `from` (null: it must not exist) to `to` only if it is still there
 * (compare-and-set): false when it moved meanwhile (or git refused), and then nothing changed.
 */
export async function moveRefIfAt(
  cwd: string,
  ref: string,
  to: string,
  from: string | null,
  reason: string,
  env?: NodeJS.ProcessEnv,
): Promise<boolean> {
  const { code } = await git(['update-ref', '-m', reason, ref, to, from ?? ''], {
    cwd,
    ...(env ? { env } : {}),
    okCodes: [0, 1, 128],
  });
  return code === 0;
}

/** Attaches HEAD to a branch (`git symbolic-ref HEAD refs/heads/<branch>`), files untouched. */
export async function attachHead(cwd: string, branch: string): Promise<void> {
  await git(['symbolic-ref', 'HEAD', `refs/heads/${branch}`], { cwd });
}

/** Detaches HEAD at a commit (`git update-ref --no-deref HEAD <commit>`), files untouched. */
export async function detachHead(cwd: string, commit: string): Promise<void> {
  await git(['update-ref', '--no-deref', 'HEAD', commit], { cwd });
}
