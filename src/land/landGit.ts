import { cleanGitEnv, git, gitOut, splitZ } from '../git/exec.js';

/**
 * The git operations of a landing. Every move of base (the ref, base's checkout) runs with
 * QLOCK=0: qlock's own git hooks (pre-merge-commit's lock check, post-merge's main-moved notice,
 * any reference-transaction hook) stay out of it, because land checked the locks itself under the
 * registry mutex and records the main-moved events itself, once. QLOCK_LANDING names the session
 * being landed, for any other hook that wants to know. Other hooks in the same chain still run.
 */
export function landingEnv(session: string): NodeJS.ProcessEnv {
  return {
    ...cleanGitEnv(),
    QLOCK: '0',
    QLOCK_LANDING: session,
    GIT_EDITOR: ':',
    GIT_MERGE_AUTOEDIT: 'no',
  };
}

/** Files that differ between two commits (no rename detection: both paths count). */
export async function changedPaths(cwd: string, from: string, to: string): Promise<string[]> {
  const { stdout } = await git(['diff', '--name-only', '-z', '--no-renames', from, to, '--'], {
    cwd,
  });
  return splitZ(stdout).sort();
}

/** What `head` changed since it forked from `base` (three dots: from the merge-base). */
export async function workSince(cwd: string, base: string, head: string): Promise<string[]> {
  const { stdout } = await git(
    ['diff', '--name-only', '-z', '--no-renames', `${base}...${head}`, '--'],
    { cwd },
  );
  return splitZ(stdout).sort();
}

export async function isAncestor(cwd: string, a: string, b: string): Promise<boolean> {
  const { code } = await git(['merge-base', '--is-ancestor', a, b], { cwd, okCodes: [0, 1] });
  return code === 0;
}

/** Untracked files that are not ignored (they stay in the session; they are not landed). */
export async function untrackedFiles(dir: string): Promise<string[]> {
  const { stdout } = await git(['ls-files', '-z', '--others', '--exclude-standard'], { cwd: dir });
  return splitZ(stdout).sort();
}

/** Subjects of the commits in from..to, oldest first. */
export async function commitSubjects(cwd: string, from: string, to: string): Promise<string[]> {
  const { stdout } = await git(['log', '--reverse', '--format=%s', `${from}..${to}`], { cwd });
  return stdout.split('\n').filter(Boolean);
}

/** A commit object (no ref moves, no hooks): the merge or squash commit put on base. */
export async function commitTree(
  cwd: string,
  tree: string,
  parents: readonly string[],
  message: string,
  session: string,
): Promise<string> {
  return gitOut(['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-F', '-'], {
    cwd,
    env: landingEnv(session),
    input: message,
  });
}

export async function treeOf(cwd: string, commit: string): Promise<string> {
  return gitOut(['rev-parse', '--verify', `${commit}^{tree}`], { cwd });
}

/**
 * Moves a branch from `from` to `to` only if it is still at `from` (compare-and-set): false when
 * it moved meanwhile, and then nothing was changed.
 */
export async function moveBranch(
  cwd: string,
  branch: string,
  to: string,
  from: string,
  reason: string,
  session: string,
): Promise<boolean> {
  const { code } = await git(['update-ref', '-m', reason, `refs/heads/${branch}`, to, from], {
    cwd,
    env: landingEnv(session),
    okCodes: [0, 1, 128],
  });
  return code === 0;
}

/**
 * Brings a checkout from commit `from` to `to` (index and files), keeping local changes to other
 * files as `git checkout` does; git refuses, changing nothing, when a local change or an untracked
 * file is in the way. HEAD is not touched (the branch ref is moved separately).
 */
export async function moveCheckout(
  dir: string,
  from: string,
  to: string,
  session: string,
): Promise<{ ok: boolean; reason: string }> {
  const { code, stderr } = await git(['read-tree', '-m', '-u', from, to], {
    cwd: dir,
    env: landingEnv(session),
    okCodes: [0, 1, 128],
  });
  return { ok: code === 0, reason: stderr.trim().split('\n')[0] ?? '' };
}

/** Tracked files with staged or unstaged changes in a checkout. */
export async function localChanges(dir: string): Promise<string[]> {
  const { stdout } = await git(
    ['status', '--porcelain=v1', '-z', '--untracked-files=no', '--no-renames'],
    { cwd: dir },
  );
  return splitZ(stdout).map((e) => e.slice(3));
}

/** Files present on disk, tracked or not (untracked and ignored included), among `paths`. */
export async function presentUntracked(dir: string, paths: readonly string[]): Promise<string[]> {
  if (!paths.length) return [];
  const { stdout } = await git(['ls-files', '-z', '--others', '--', ...paths], { cwd: dir });
  return splitZ(stdout).sort();
}

/**
 * Sets the tracked changes of a tree aside as a stash entry (kept in `git stash list`), or
 * undefined when there were none. The working tree is left at HEAD.
 */
export async function stashPush(dir: string, message: string): Promise<string | undefined> {
  const top = async () =>
    (
      await git(['rev-parse', '--verify', '--quiet', 'refs/stash'], { cwd: dir, okCodes: [0, 1] })
    ).stdout.trim() || undefined;
  const before = await top();
  const pushed = await git(['stash', 'push', '--quiet', '-m', message], {
    cwd: dir,
    env: { ...cleanGitEnv(), GIT_EDITOR: ':' },
    okCodes: [0, 1, 128],
  });
  const after = await top();
  if (after && after !== before) return after;
  if (pushed.code !== 0) throw new Error(pushed.stderr.trim().split('\n')[0] || 'git stash failed');
  return undefined;
}

/**
 * Whether a stash made on `origHead` re-applies cleanly on `newHead`, decided without touching any
 * tree: a real merge (merge-tree, rename detection included) of the two over a synthetic common
 * ancestor that holds origHead's tree. Returns the conflicting files (empty: it applies).
 */
export async function stashConflicts(
  cwd: string,
  origHead: string,
  newHead: string,
  stash: string,
  session: string,
): Promise<string[] | undefined> {
  const env = landingEnv(session);
  const base = await gitOut(['commit-tree', `${origHead}^{tree}`, '-m', 'qlock land: base'], {
    cwd,
    env,
  });
  const ours = await gitOut(['commit-tree', `${newHead}^{tree}`, '-p', base, '-m', 'ours'], {
    cwd,
    env,
  });
  const theirs = await gitOut(['commit-tree', `${stash}^{tree}`, '-p', base, '-m', 'theirs'], {
    cwd,
    env,
  });
  const run = await git(
    ['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', ours, theirs],
    { cwd, env, okCodes: [0, 1, 128, 129] },
  );
  if (run.code === 0) return [];
  if (run.code !== 1) return undefined; // no merge-tree --write-tree: cannot tell
  return [...new Set(splitZ(run.stdout).slice(1).filter(Boolean))].sort();
}
