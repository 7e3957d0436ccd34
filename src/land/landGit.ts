import { cleanGitEnv } from '../git/exec.js';
import { checkoutTrees } from '../git/merge.js';
import { commitTree as writeCommit, stashConflicts as stashConflictsIn } from '../git/objects.js';
import { moveRefIfAt } from '../git/refs.js';

/**
 * The git operations of a landing that move base or write on its behalf. Every move of base (the
 * ref, base's checkout) runs with QLOCK=0: qlock's own git hooks (pre-merge-commit's lock check,
 * post-merge's main-moved notice, any reference-transaction hook) stay out of it, because land
 * checked the locks itself under the registry mutex and records the main-moved events itself,
 * once. QLOCK_LANDING names the session being landed, for any other hook that wants to know. Other
 * hooks in the same chain still run. The git steps themselves are named in src/git/.
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

/** A commit object (no ref moves, no hooks): the merge or squash commit put on base. */
export function commitTree(
  cwd: string,
  tree: string,
  parents: readonly string[],
  message: string,
  session: string,
): Promise<string> {
  return writeCommit(cwd, tree, parents, message, landingEnv(session));
}

/** Moves base from `from` to `to` only if it is still at `from`: false when it moved meanwhile. */
export function moveBranch(
  cwd: string,
  branch: string,
  to: string,
  from: string,
  reason: string,
  session: string,
): Promise<boolean> {
  return moveRefIfAt(cwd, `refs/heads/${branch}`, to, from, reason, landingEnv(session));
}

/** Brings one of base's checkouts from `from` to `to` (see checkoutTrees); HEAD is not touched. */
export function moveCheckout(
  dir: string,
  from: string,
  to: string,
  session: string,
): Promise<{ ok: boolean; reason: string }> {
  return checkoutTrees(dir, from, to, landingEnv(session));
}

/** The files a stash made on `origHead` would conflict on if re-applied on `newHead`. */
export function stashConflicts(
  cwd: string,
  origHead: string,
  newHead: string,
  stash: string,
  session: string,
): Promise<string[] | undefined> {
  return stashConflictsIn(cwd, origHead, newHead, stash, landingEnv(session));
}
