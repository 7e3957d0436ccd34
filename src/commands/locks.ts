import type { Context } from '../context.js';
import { describeLocks, type LockView } from '../locks/describeLocks.js';
import { requireProject } from '../project/findProject.js';
import { readRegistry } from '../store/readRegistry.js';
import { c } from '../ui/color.js';
import { messages } from '../ui/messages.js';
import { formatAge } from '../util/duration.js';

export interface LocksResult {
  locks: LockView[];
}

/** `qlock locks`: every lock of the project, honoured or stale (a lock-free read). */
export async function locks(_options: object, ctx: Context): Promise<LocksResult> {
  const project = requireProject(ctx.cwd);
  return { locks: describeLocks(readRegistry(project.stateDir), ctx.now()) };
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
    const reason = l.reason ? `  ${l.reason}` : '';
    const stale = l.staleReason ? `  ${c.yellow(`(${STALE_TEXT[l.staleReason]})`)}` : '';
    return `${indent}${l.path.padEnd(pathWidth)}  ${l.session.padEnd(sessionWidth)}  ${c.dim(`${age} ago`)}${expiry}${reason}${stale}`;
  });
}

export function renderLocks(result: LocksResult, ctx?: Pick<Context, 'now'>): string {
  if (!result.locks.length) return messages.noLocks();
  const lines = renderLockTable(result.locks, ctx?.now() ?? new Date());
  if (result.locks.some((l) => l.stale)) lines.push(c.dim(messages.staleHint()));
  return lines.join('\n');
}
