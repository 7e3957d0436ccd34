import { locksOverlap } from '../locks/lockTable.js';
import type { Lock } from '../store/types.js';
import type { LockedPath } from '../ui/messages/hooks.js';

/** Each path with the lock in its way, in the order of `paths`. */
export async function lockedPaths(
  locks: Lock[],
  paths: readonly string[],
  now: Date,
): Promise<LockedPath[]> {
  if (!locks.length) return [];
  // Loaded only when something is locked: it brings every area's messages with it.
  const { formatHolder } = await import('../locks/formatHolder.js');
  const out: LockedPath[] = [];
  for (const p of paths) {
    const lock = locks.find((l) => locksOverlap(l.path, p));
    if (lock)
      out.push({
        path: p,
        lockPath: lock.path,
        session: lock.session,
        holder: formatHolder(lock, now),
      });
  }
  return out;
}
