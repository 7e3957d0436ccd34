import path from 'node:path';

import type { Config } from '../project/configSchema.js';
import { sessionState, workCounts } from '../sessions/sessionState.js';
import type { Registry, Session } from '../store/types.js';

/**
 * The sessions whose work counts against a commit or merge in `worktree`: every one whose directory
 * is there (a quiet, stale session's work conflicts all the same: see workCounts), not the
 * worktree itself, and not the `exclude`d ones (a merge's own sessions).
 */
export function otherLiveSessions(
  registry: Registry,
  worktree: string,
  now: Date,
  config: Pick<Config, 'staleAfter' | 'idleAfter'>,
  exclude: ReadonlySet<string> = new Set(),
): Session[] {
  const here = path.resolve(worktree);
  return Object.values(registry.sessions).filter(
    (s) =>
      !exclude.has(s.name) &&
      path.resolve(s.path) !== here &&
      workCounts(sessionState(s, now, config)),
  );
}
