import type { Lock, Registry } from '../store/types.js';
import { compareText } from '../util/compareText.js';
import { isLockHonoured, lockExpired } from './lockTable.js';

/** A lock as `qlock locks`, `who` and `status` show it. */
export interface LockView extends Lock {
  /** Not honoured any more: expired, or its session is removed or its directory gone. */
  stale: boolean;
  /** Why it is stale, when it is. */
  staleReason?: 'expired' | 'session-removed' | 'session-missing';
}

export function describeLock(lock: Lock, registry: Registry, now: Date): LockView {
  if (isLockHonoured(lock, registry, now)) return { ...lock, stale: false };
  const staleReason = lockExpired(lock, now)
    ? 'expired'
    : registry.sessions[lock.session]
      ? 'session-missing'
      : 'session-removed';
  return { ...lock, stale: true, staleReason };
}

/** The order locks are listed in, here and for shared mode's remote locks: path, then session. */
export function byPathThenSession(
  a: { path: string; session: string },
  b: { path: string; session: string },
): number {
  return compareText(a.path, b.path) || compareText(a.session, b.session);
}

/** Every lock, sorted by path then session, each marked honoured or stale. */
export function describeLocks(registry: Registry, now: Date, locks = registry.locks): LockView[] {
  return [...locks].sort(byPathThenSession).map((l) => describeLock(l, registry, now));
}
