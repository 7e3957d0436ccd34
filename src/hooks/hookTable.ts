import type { HookSpec } from './hookTypes.js';

/**
 * The git hooks qlock installs and handles, one row each. The installer writes a marked block
 * into every hook named here, the runner (hooks/run.sh) is rendered from the same rows (which
 * hooks may block, which read stdin, which cheap shell filter runs before node starts), and
 * `qlock hook <name>` dispatches through `load`. A new hook (the shared-remote pre-push, say) is
 * one more row plus its handler module. The handlers' own types live in ./hookTypes.ts, so that
 * no handler imports this table (which imports every handler).
 */

export type { HookFilter, HookSpec } from './hookTypes.js';

export const GIT_HOOKS: Readonly<Record<string, HookSpec>> = {
  'pre-commit': {
    mayBlock: true,
    stdin: false,
    filter: 'sessions',
    staged: true,
    load: () => import('./preCommit.js'),
  },
  // `git am`: the patch is applied to the index and tree, not yet committed (am runs no
  // pre-commit): the same checks as a commit; `git am --no-verify` skips it, as for commit.
  'pre-applypatch': {
    mayBlock: true,
    stdin: false,
    filter: 'sessions',
    staged: true,
    load: () => import('./preCommit.js'),
  },
  'pre-merge-commit': {
    mayBlock: true,
    stdin: false,
    filter: 'base',
    load: () => import('./preMergeCommit.js'),
  },
  'post-commit': {
    mayBlock: false,
    stdin: false,
    filter: 'base',
    load: () => import('./postBaseMoved.js'),
  },
  'post-merge': {
    mayBlock: false,
    stdin: false,
    filter: 'base',
    load: () => import('./postBaseMoved.js'),
  },
  // post-rewrite gets "<old> <new>" lines on stdin; checkMainMoved does not need them.
  'post-rewrite': {
    mayBlock: false,
    stdin: false,
    filter: 'base',
    load: () => import('./postBaseMoved.js'),
  },
  // Every move of base, including those no other hook can refuse (fast-forward merge, pull,
  // reset, cherry-pick, rebase, am, update-ref); `<old> <new> <ref>` lines on stdin.
  'reference-transaction': {
    mayBlock: true,
    stdin: true,
    filter: 'refs',
    failOpen: true,
    direct: true,
    load: () => import('./referenceTransaction.js'),
  },
  'post-checkout': {
    mayBlock: false,
    stdin: false,
    filter: 'worktree-add',
    load: () => import('./postCheckout.js'),
  },
  // Shared mode (config shared): pushed commits that change files locked on another machine or
  // by another session; also where changes made while the remote was unreachable get shared.
  'pre-push': {
    mayBlock: true,
    stdin: true,
    filter: 'sessions',
    load: () => import('../shared/prePush.js'),
  },
};

export function hookNames(table: Readonly<Record<string, HookSpec>> = GIT_HOOKS): string[] {
  return Object.keys(table);
}
