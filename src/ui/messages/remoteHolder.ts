/**
 * How a lock of another machine (shared mode) names its holder. Apart from the shared area's
 * messages because `qlock unlock --force` words a broken remote lock with it, and the hot lock
 * path should not compile the whole shared area for that.
 */
import type { Participant, RemoteLock } from '../../shared/remoteDoc.js';
import { formatAge } from '../../util/duration.js';
import { MAX_REASON_SHOWN, safeText } from '../safeText.js';

/** "Alice <alice@example.com>" (or just the name). */
export const person = (p: Pick<Participant, 'user' | 'email'>) =>
  safeText(p.email ? `${p.user || p.email} <${p.email}>` : p.user || 'someone', 200);

/** "feature-b of Alice <alice@example.com> on laptop-2" */
export const who = (p: Pick<Participant, 'user' | 'email' | 'host'> & { session: string }) =>
  `${safeText(p.session, 100)} of ${person(p)} on ${safeText(p.host, 200)}`;

export const ago = (iso: string, now: Date) => formatAge(now.getTime() - Date.parse(iso));

/** A remote lock's holder: "feature-b of Alice <a@x> on laptop-2 (reason: …, 5m ago)". */
export function sharedHolder(lock: RemoteLock, now: Date): string {
  const left = lock.expiresAt ? Date.parse(lock.expiresAt) - now.getTime() : undefined;
  return (
    `${who(lock)} (${lock.reason ? `reason: ${safeText(lock.reason, MAX_REASON_SHOWN)}` : 'no reason given'}, ${ago(lock.acquiredAt, now)} ago` +
    `${left !== undefined && left > 0 ? `, expires in ${formatAge(left)}` : ''})`
  );
}
