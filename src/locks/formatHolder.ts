import type { Lock } from '../store/types.js';
import { lockMessages as messages } from '../ui/messages/locks.js';
import { formatAge } from '../util/duration.js';

/** "feature-b (reason: renaming the API, 5m ago, expires in 25m)": a lock's holder, for messages. */
export function formatHolder(lock: Lock, now: Date): string {
  const age = formatAge(now.getTime() - Date.parse(lock.acquiredAt));
  const left = lock.expiresAt ? Date.parse(lock.expiresAt) - now.getTime() : undefined;
  return messages.holder(
    lock.session,
    lock.reason,
    age,
    left !== undefined && left > 0 ? formatAge(left) : undefined,
  );
}
