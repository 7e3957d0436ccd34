import type { Context } from '../context.js';
import { describeLocks, type LockView } from '../locks/describeLocks.js';
import { openWorkspace } from '../project/openWorkspace.js';
import type { RemoteListing } from '../shared/remoteListing.js';
import { otherMachinesLocks } from '../shared/sharedMode.js';
import { readRegistry } from '../store/readRegistry.js';
import { c } from '../ui/color.js';
import { messages } from '../ui/messages.js';
import { sharedHolder } from '../ui/messages/remoteHolder.js';
import { MAX_REASON_SHOWN, safeText } from '../ui/safeText.js';
import { formatAge } from '../util/duration.js';

export interface LocksResult {
  locks: LockView[];
  /** Shared mode: other machines' locks on the remote (src/shared/remoteListing.ts). */
  remote?: RemoteListing;
}

/**
 * `qlock locks`: every lock of the project, honoured or stale (a lock-free read); in shared mode
 * also the locks other machines hold on the remote, with a warning when it is unreachable.
 */
export async function locks(_options: object, ctx: Context): Promise<LocksResult> {
  const ws = await openWorkspace(ctx);
  const now = ctx.now();
  const local = describeLocks(readRegistry(ws.project.stateDir), now);
  const remote = await otherMachinesLocks(ws, now, (line) => ctx.err(line));
  return { locks: local, ...(remote ? { remote } : {}) };
}

/** Other machines' locks under their heading (shared mode), one line each. */
export function renderRemoteLocks(
  remote: RemoteListing | undefined,
  now: Date,
  indent = '',
): string[] {
  if (!remote?.locks.length) return [];
  const width = Math.max(...remote.locks.map((l) => l.path.length));
  const age = remote.asOf ? formatAge(now.getTime() - Date.parse(remote.asOf)) : undefined;
  return [
    `${indent}${messages.sharedOtherMachines(remote.remote, age)}`,
    ...remote.locks.map(
      (l) => `${indent}  ${safeText(l.path).padEnd(width)}  ${sharedHolder(l, now)}`,
    ),
  ];
}

const STALE_TEXT = {
  expired: 'stale: expired',
  'session-removed': 'stale: session removed',
  'session-missing': 'stale: session directory gone',
} as const;

/** One line per lock: path, session, age, expiry, reason; stale ones marked (run `qlock gc`). */
export function renderLockTable(list: LockView[], now: Date, indent = ''): string[] {
  const pathWidth = Math.max(...list.map((l) => l.path.length));
  const sessionWidth = Math.max(...list.map((l) => l.session.length));
  return list.map((l) => {
    const age = formatAge(now.getTime() - Date.parse(l.acquiredAt));
    const left = l.expiresAt ? Date.parse(l.expiresAt) - now.getTime() : undefined;
    const expiry = left !== undefined && left > 0 ? `  expires in ${formatAge(left)}` : '';
    const reason = l.reason ? `  ${safeText(l.reason, MAX_REASON_SHOWN)}` : '';
    const stale = l.staleReason ? `  ${c.yellow(`(${STALE_TEXT[l.staleReason]})`)}` : '';
    return `${indent}${safeText(l.path).padEnd(pathWidth)}  ${l.session.padEnd(sessionWidth)}  ${c.dim(`${age} ago`)}${expiry}${reason}${stale}`;
  });
}

export function renderLocks(result: LocksResult, ctx?: Pick<Context, 'now'>): string {
  const now = ctx?.now() ?? new Date();
  const remote = renderRemoteLocks(result.remote, now);
  if (!result.locks.length && !remote.length) return messages.noLocks();
  const lines = result.locks.length ? renderLockTable(result.locks, now) : [];
  if (result.locks.some((l) => l.stale)) lines.push(c.dim(messages.staleHint()));
  lines.push(...remote);
  return lines.join('\n');
}
