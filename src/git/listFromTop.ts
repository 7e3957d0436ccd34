import { git, splitZ } from './exec.js';

/**
 * The top of the worktree that holds `cwd`, and the names a listing git command prints there,
 * relative to that top: `args` is a whole command with NUL-separated output (`diff --name-only
 * -z HEAD`, `stash show --name-only -z stash@{0}`; agents/shellGit.ts builds them), whose names
 * git gives relative to the top whatever the cwd, so the caller joins them to `top`.
 * `rev-parse --show-toplevel` because `cwd` is where the agent's shell command runs (after its
 * `cd`), not necessarily the top. Either exiting non-zero throws (a GitError: only 0 is an
 * answer), and the caller treats that as "could be any file". A module of its own: the agent
 * tool hook's shell chunk (scripts/bundle.mjs) holds it, not repo.ts.
 */
export async function listFromTop(
  cwd: string,
  args: readonly string[],
): Promise<{ top: string; names: string[] } | undefined> {
  const top = await git(['rev-parse', '--show-toplevel'], { cwd });
  const listed = await git(args, { cwd });
  if (top.code !== 0 || listed.code !== 0) return undefined;
  return { top: top.stdout.trim(), names: splitZ(listed.stdout) };
}
