import { updateRegistry } from '../store/registry.js';
import type { NewEvent, Registry } from '../store/types.js';
import { messages } from '../ui/messages.js';
import type { Notice } from './remoteDoc.js';
import { readPending, type SharedPending, writePendingLocked } from './sharedFiles.js';

/**
 * Turns notices addressed to this clone into inbox events and warnings, exactly once each (their
 * ids are remembered in the pending file: a read-only hook may see a notice several times before
 * a push takes it off the remote). A lock-broken notice also ends the broken lock here, so the
 * holder's registry agrees with the remote and the lock is not published again.
 *
 * `also` runs in the same critical section, for callers that update the pending file anyway.
 */
export async function deliverNotices(
  stateDir: string,
  notices: Notice[],
  now: Date,
  also?: (pending: SharedPending, registry: Registry, emit: (e: NewEvent) => void) => void,
): Promise<string[]> {
  const lines: string[] = [];
  if (!also) {
    const delivered = new Set(readPending(stateDir).delivered);
    if (notices.every((n) => delivered.has(n.id))) return lines;
  }
  await updateRegistry(stateDir, ({ registry, emit }) => {
    const pending = readPending(stateDir);
    const seen = new Set(pending.delivered);
    for (const n of notices) {
      if (seen.has(n.id)) continue;
      pending.delivered.push(n.id);
      const text = noticeText(n, now);
      lines.push(text);
      if (n.kind === 'lock-broken' && n.lockAcquiredAt) {
        registry.locks = registry.locks.filter(
          (l) =>
            !(
              l.session === n.to.session &&
              n.paths.includes(l.path) &&
              l.acquiredAt === n.lockAcquiredAt
            ),
        );
      }
      if (!registry.sessions[n.to.session]) continue;
      emit({
        kind: n.kind === 'conflict' ? 'conflict' : 'lock-broken',
        from: `${n.from.session}@${n.from.host}`,
        to: [n.to.session],
        message: text,
        paths: n.paths,
        data: { shared: true, by: n.from, at: n.at, ...(n.since ? { since: n.since } : {}) },
      });
    }
    also?.(pending, registry, emit);
    writePendingLocked(stateDir, pending);
  });
  return lines;
}

export function noticeText(n: Notice, now: Date): string {
  return n.kind === 'conflict'
    ? messages.sharedNoticeConflict(n, now)
    : messages.sharedNoticeBroken(n, now);
}
