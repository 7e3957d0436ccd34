import { cleanGitEnv, git, splitZ } from './exec.js';
import { resolveCommit } from './repo.js';

/**
 * Stash steps for sync and land: set tracked changes aside, put them back with their index, drop
 * exactly the entry we made. A stash is named by its commit id, never by its position, since other
 * stashes may be pushed meanwhile.
 */

/** The newest stash entry's commit, or undefined when the stash is empty. */
export async function stashTop(cwd: string): Promise<string | undefined> {
  return resolveCommit(cwd, 'refs/stash');
}

/** `git stash push`: git's exit status is not enough (compare stashTop before and after). */
export async function pushStash(
  cwd: string,
  message: string,
  env: NodeJS.ProcessEnv,
): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await git(['stash', 'push', '--quiet', '-m', message], {
    cwd,
    env,
    okCodes: [0, 1, 128],
  });
  return { ok: code === 0, stdout, stderr };
}

/** Applies a stash commit with its index; on failure git's message (stderr, else stdout). */
export async function applyStash(
  cwd: string,
  stash: string,
  env: NodeJS.ProcessEnv,
): Promise<{ ok: boolean; stderr: string }> {
  const applied = await git(['stash', 'apply', '--index', stash], {
    cwd,
    env,
    okCodes: [0, 1, 128],
  });
  return applied.code === 0
    ? { ok: true, stderr: '' }
    : { ok: false, stderr: applied.stderr || applied.stdout };
}

/** Drops the stash entry whose commit is `stash`, wherever it is in the list (none: nothing). */
export async function dropStash(cwd: string, stash: string): Promise<void> {
  const list = splitZ((await git(['stash', 'list', '-z', '--format=%H'], { cwd })).stdout);
  const index = list.indexOf(stash);
  if (index >= 0) await git(['stash', 'drop', '--quiet', `stash@{${index}}`], { cwd });
}

/**
 * Sets the tracked changes of a tree aside as a stash entry (kept in `git stash list`), or
 * undefined when there were none. The working tree is left at HEAD. Throws git's first line when
 * it refused and made no entry.
 */
export async function stashChanges(cwd: string, message: string): Promise<string | undefined> {
  const top = async () =>
    (
      await git(['rev-parse', '--verify', '--quiet', 'refs/stash'], { cwd, okCodes: [0, 1] })
    ).stdout.trim() || undefined;
  const before = await top();
  const pushed = await git(['stash', 'push', '--quiet', '-m', message], {
    cwd,
    env: { ...cleanGitEnv(), GIT_EDITOR: ':' },
    okCodes: [0, 1, 128],
  });
  const after = await top();
  if (after && after !== before) return after;
  if (pushed.code !== 0) throw new Error(pushed.stderr.trim().split('\n')[0] || 'git stash failed');
  return undefined;
}
