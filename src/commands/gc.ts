import { collectGarbage, type GcResult } from '../sessions/collectGarbage.js';

export type { GcAction, GcOptions, GcResult } from '../sessions/collectGarbage.js';

/** `qlock gc [--dry-run]`: the cleanup itself is src/sessions/collectGarbage.ts. */
export const gc = collectGarbage;

export function renderGc(result: GcResult): string {
  if (!result.actions.length) return 'Nothing to clean up.';
  const verb = result.dryRun ? 'Would remove' : 'Removed';
  const lines = result.actions.map((a) =>
    a.kind === 'worktree-prune'
      ? `Pruned git's worktree entry ${a.target}.`
      : a.kind === 'absent'
        ? `Kept session ${a.target}: ${a.reason}`
        : a.kind === 'interrupted-new'
          ? a.reason
          : `${verb} ${a.kind} ${a.target}: ${a.reason}.`,
  );
  if (result.dryRun) lines.push('Run `qlock gc` without --dry-run to do it.');
  return lines.join('\n');
}
