import type { Context } from '../context.js';
import type { Workspace } from '../project/openWorkspace.js';
import type { Registry } from '../store/types.js';

/**
 * What a git hook handler receives and decides, and the two values the runner (hooks/run.sh)
 * and `qlock hook` agree on. Apart from ./hookTable.ts, which lists the handlers: a handler
 * imports this module, never the table that imports it.
 */

/** What a handler decided: block the git operation or not, and what to tell the user (stderr). */
export interface HookOutcome {
  block: boolean;
  lines: string[];
}

export interface HookInput {
  ws: Workspace;
  registry: Registry;
  /** The hook's own arguments (after the hook name). */
  args: string[];
  /** The hook's environment and cwd: GIT_INDEX_FILE and friends are in ctx.env. */
  ctx: Context;
  now: Date;
}

export type HookHandler = (input: HookInput) => Promise<HookOutcome>;

/**
 * Exit status of `qlock hook` when the runner called it (QLOCK_HOOK_RUNNER=1) and a handler
 * decided to block. Any other non-zero status is a crash, and the runner fails open on a crash
 * (node's own failures exit 1, so 1 cannot mean "blocked" there). Run directly, a block exits 1.
 */
export const BLOCK_EXIT = 97;

/**
 * The runner writes this after `git diff --cached` succeeded: staged paths read from stdin without
 * it (git failed, or was killed) are not trusted, and qlock asks git itself.
 */
export const STAGED_END = 'qlock-staged-end';

export interface HookSpec {
  /** A non-zero exit stops the git operation (pre-*); post-* hooks never fail. */
  mayBlock: boolean;
  /** The hook reads stdin (pre-push, post-rewrite); the runner gives the others /dev/null. */
  stdin: boolean;
  filter: HookFilter;
  /**
   * The runner pipes `git diff --cached --raw -z` (the hook's index) into qlock's stdin,
   * so that git runs while node starts instead of after (see stagedPaths.ts).
   */
  staged?: boolean;
  /**
   * Never blocks on qlock's own failure, even with failClosed (reference-transaction: a crash must
   * not stop every ref update of the repository).
   */
  failOpen?: boolean;
  /**
   * The file goes straight into the directory git runs hooks from, also with husky (whose runner
   * has no stub for this hook, and costs a shell start more on every ref update).
   */
  direct?: boolean;
  load: () => Promise<{ handle: HookHandler }>;
}

/**
 * Shell filters the runner applies before starting node (a node start costs ~60 ms):
 * - `base`: only when HEAD is a base branch (the refs cached in <state>/hooks/bases);
 * - `worktree-add`: only post-checkout of `git worktree add` (old sha all zeros, branch flag 1);
 * - `sessions`: only when the registry exists (something registered to check against);
 * - `refs`: the hook block itself passes on only a `prepared` transaction that updates a base ref
 *   (reference-transaction runs for every ref update: it must not even start the runner).
 */
export type HookFilter = 'base' | 'worktree-add' | 'sessions' | 'refs';
