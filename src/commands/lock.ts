import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { resolveLockTarget } from '../locks/resolveLockTarget.js';
import { takeLocks } from '../shared/sharedMode.js';
import type { Lock } from '../store/types.js';
import { lockMessages as messages } from '../ui/messages/locks.js';
import { MAX_REASON_SHOWN } from '../ui/safeText.js';
import { formatAge, parseDuration } from '../util/duration.js';

export interface LockOptions {
  paths: string[];
  reason?: string;
  ttl?: string;
  wait?: string;
  /** The longest wait accepted, in ms (MCP: a tool call is not a place to wait for hours). */
  maxWaitMs?: number;
  /** Ends a wait early (MCP: the client went away). */
  signal?: AbortSignal;
}

export interface LockResult {
  session: string;
  /** The locks held now for the requested paths (new or refreshed). */
  locks: Lock[];
  /** Paths that were already this session's and got refreshed. */
  refreshed: string[];
  /** Other sessions' locks in the way that were no longer honoured, removed to make room. */
  replaced: Lock[];
  /** How long `--wait` waited, in ms. */
  waitedMs: number;
  /** Shared mode: the remote, and whether it was reached (else the lock is local only for now). */
  shared?: { remote: string; online: boolean; reason?: string };
}

/**
 * `qlock lock <path...>`: all or nothing, for the current session. Exit 3 (RefusedError) naming
 * holder, reason and age when another session's lock is in the way; with --wait, retries until
 * free or the time is up.
 */
export async function lock(options: LockOptions, ctx: Context): Promise<LockResult> {
  // Bad durations are usage errors before anything is read or changed.
  const ttlOption = options.ttl !== undefined ? parseDuration(options.ttl, '--ttl') : undefined;
  const waitMs = options.wait !== undefined ? parseDuration(options.wait, '--wait') : 0;
  if (options.maxWaitMs !== undefined && waitMs > options.maxWaitMs)
    throw new UsageError(messages.waitTooLong(options.wait!, formatAge(options.maxWaitMs)));
  // A reason rides along in every refusal, hook message and agent context: a sentence, not 5 MB.
  if (options.reason !== undefined && options.reason.length > MAX_REASON_SHOWN)
    throw new UsageError(messages.reasonTooLong(options.reason.length, MAX_REASON_SHOWN));
  const { project, config, session, paths } = await resolveLockTarget(ctx, options.paths);
  const ttlMs =
    ttlOption ?? (config.lockTtl ? parseDuration(config.lockTtl, 'lockTtl') : undefined);
  const request = {
    session: session.name,
    paths,
    reason: options.reason ?? '',
    ...(ttlMs !== undefined ? { ttlMs } : {}),
    now: () => ctx.now(),
    waitMs,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const result = await takeLocks({ project, config }, request, (w) => ctx.err(w));
  return {
    session: session.name,
    locks: result.taken,
    refreshed: result.refreshed,
    replaced: result.replaced,
    waitedMs: result.waitedMs,
    ...('shared' in result ? { shared: result.shared as NonNullable<LockResult['shared']> } : {}),
  };
}

export function renderLock(result: LockResult, ctx?: Pick<Context, 'now'>): string {
  const now = ctx?.now() ?? new Date();
  const expires = (l: Lock) =>
    l.expiresAt ? formatAge(Date.parse(l.expiresAt) - now.getTime()) : undefined;
  const lines = result.replaced.map((l) => messages.replacedStale(l.path, l.session));
  const fresh = result.locks.filter((l) => !result.refreshed.includes(l.path));
  const again = result.locks.filter((l) => result.refreshed.includes(l.path));
  const first = result.locks[0];
  if (fresh.length)
    lines.push(
      messages.locked(
        fresh.map((l) => l.path),
        first && expires(first),
      ),
    );
  if (again.length)
    lines.push(
      messages.refreshed(
        again.map((l) => l.path),
        first && expires(first),
      ),
    );
  return lines.join('\n');
}
