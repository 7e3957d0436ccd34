import fs from 'node:fs';

import type { Config } from '../project/configSchema.js';
import type { Session } from '../store/types.js';
import { parseDuration } from '../util/duration.js';

export type SessionState = 'active' | 'idle' | 'stale' | 'missing';

/** missing: its directory is gone; stale: not seen for `staleAfter`; idle: for `idleAfter`. */
export function sessionState(
  session: Session,
  now: Date,
  config: Pick<Config, 'staleAfter' | 'idleAfter'>,
): SessionState {
  if (!fs.existsSync(session.path)) return 'missing';
  const age = now.getTime() - Date.parse(session.lastSeen);
  if (age > parseDuration(config.staleAfter)) return 'stale';
  if (age > parseDuration(config.idleAfter)) return 'idle';
  return 'active';
}

/** Live sessions are the ones whose work still counts against others (not missing, not stale). */
export function isLive(state: SessionState): boolean {
  return state === 'active' || state === 'idle';
}

/**
 * A session whose directory is absent counts as gone for good only once it has not been seen for
 * `staleAfter`: before that, it may be on an unmounted disk or in the middle of a `mv`, and
 * releasing its locks (or forgetting its worktree) would hurt it when it comes back.
 */
export function goneForGood(session: Session, now: Date, staleAfter: string): boolean {
  if (fs.existsSync(session.path)) return false;
  return now.getTime() - Date.parse(session.lastSeen) > parseDuration(staleAfter);
}
