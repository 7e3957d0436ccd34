import { hookMessages } from '../ui/messages/hooks.js';
import type { HookHandler } from './hookTypes.js';
import { checkedOutBranch } from './preMergeCommit.js';

/**
 * post-commit, post-merge, post-rewrite: base may have moved (the runner only starts node when
 * HEAD is a base branch). checkMainMoved records one main-moved event for every session whose
 * stored base tip is now behind, with the moved-in files that intersect its change set; it is
 * idempotent, so the watcher or `qlock status` seeing the same move later emits nothing more.
 * These hooks never fail: runGitHook turns any error into a warning.
 */
export const handle: HookHandler = async ({ ws, now }) => {
  const { checkMainMoved } = await import('../conflicts/mainMoved.js');
  const events = await checkMainMoved(ws, now);
  const told = [...new Set(events.flatMap((e) => e.to ?? []))].sort();
  if (!told.length) return { block: false, lines: [] };
  const base = checkedOutBranch(ws.project.gitDir) ?? 'base';
  return { block: false, lines: [hookMessages.mainMovedTold(base, told)] };
};
