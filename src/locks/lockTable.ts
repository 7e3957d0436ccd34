import fs from 'node:fs';

import { DEFAULT_CONFIG } from '../project/defaultConfig.js';
import type { Lock, Registry } from '../store/types.js';
import { parseDuration } from '../util/duration.js';

/**
 * Pure questions about lock paths and lock records. A lock path is repo-relative and
 * '/'-separated; one ending in '/' is a directory prefix that covers everything below it.
 */

/** Whether a lock on `lockPath` covers `path` (the same path, or `path` lies below a directory lock). */
export function lockCovers(lockPath: string, path: string): boolean {
  return lockPath === path || (lockPath.endsWith('/') && path.startsWith(lockPath));
}

/** Whether two lock paths may not be held by different sessions at once. */
export function locksOverlap(a: string, b: string): boolean {
  return lockCovers(a, b) || lockCovers(b, a);
}

/** Whether a lock has expired at `now`. */
export function lockExpired(lock: Lock, now: Date): boolean {
  return lock.expiresAt !== undefined && Date.parse(lock.expiresAt) <= now.getTime();
}

/** Default `staleAfter` (2h), in ms: how long an absent session's locks keep counting. */
const ABSENT_GRACE_MS = parseDuration(DEFAULT_CONFIG.staleAfter);

/**
 * Whether a lock still counts: not expired, and its session is registered and its directory
 * exists, or is absent but was active within `staleAfter` (an unmounted disk, a `mv` in progress:
 * its locks must not lapse silently while it is away). Locks that are not honoured block nobody;
 * `qlock gc` removes them.
 */
export function isLockHonoured(
  lock: Lock,
  registry: Registry,
  now: Date,
  graceMs = ABSENT_GRACE_MS,
): boolean {
  if (lockExpired(lock, now)) return false;
  const session = registry.sessions[lock.session];
  if (!session) return false;
  if (fs.existsSync(session.path)) return true;
  return now.getTime() - Date.parse(session.lastSeen) <= graceMs;
}

/**
 * The honoured locks of sessions other than `session` that equal, cover, or are covered by any
 * of `paths`. With `session` undefined, every honoured lock counts (a caller with no session).
 */
export function findBlockingLocks(
  registry: Registry,
  paths: string[],
  session: string | undefined,
  now: Date,
): Lock[] {
  const honoured = new Map<string, boolean>();
  const blocking: Lock[] = [];
  for (const lock of registry.locks) {
    if (lock.session === session) continue;
    if (!paths.some((p) => locksOverlap(lock.path, p))) continue;
    // One existsSync per session, not per lock: hooks call this with many paths.
    const key = `${lock.session}\0${lock.expiresAt ?? ''}`;
    let ok = honoured.get(key);
    if (ok === undefined) {
      ok = isLockHonoured(lock, registry, now);
      honoured.set(key, ok);
    }
    if (ok) blocking.push(lock);
  }
  return blocking;
}
