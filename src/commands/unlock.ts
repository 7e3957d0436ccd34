import type { Context } from '../context.js';
import { formatHolder } from '../locks/formatHolder.js';
import { resolveLockTarget } from '../locks/resolveLockTarget.js';
import type { RemoteLock } from '../shared/remoteDoc.js';
import { giveUpLocks } from '../shared/sharedMode.js';
import type { Lock } from '../store/types.js';
import { lockMessages as messages } from '../ui/messages/locks.js';
import { sharedHolder } from '../ui/messages/remoteHolder.js';

export interface UnlockOptions {
  paths: string[];
  all?: boolean;
  force?: boolean;
}

export interface UnlockResult {
  session: string;
  /** Your own locks that were released. */
  released: Lock[];
  /** Other sessions' locks broken with --force (each holder was told through its inbox). */
  broken: Lock[];
  /** Shared mode: the remote, and whether it was reached. */
  shared?: { remote: string; online: boolean; reason?: string };
}

/**
 * `qlock unlock [<path...>] [--all] [--force]`: releases the current session's locks; --force
 * breaks another session's lock and records a lock-broken event in that session's inbox.
 * All or nothing: a path you do not hold (without --force) fails (exit 1) naming its holder.
 */
export async function unlock(options: UnlockOptions, ctx: Context): Promise<UnlockResult> {
  const { project, config, session, paths } = await resolveLockTarget(ctx, options.paths ?? []);
  const request = {
    session: session.name,
    paths,
    ...(options.all ? { all: true } : {}),
    ...(options.force ? { force: true } : {}),
    now: ctx.now(),
  };
  const result = await giveUpLocks({ project, config }, request, (w) => ctx.err(w));
  return { session: session.name, ...result };
}

export function renderUnlock(result: UnlockResult, ctx?: Pick<Context, 'now'>): string {
  const now = ctx?.now() ?? new Date();
  const lines: string[] = [];
  if (result.released.length) lines.push(messages.unlocked(result.released.map((l) => l.path)));
  for (const l of result.broken)
    lines.push(
      messages.broke(
        l.path,
        // A lock of another machine (shared mode) names the person and the host too.
        'host' in l ? sharedHolder(l as RemoteLock, now) : formatHolder(l, now),
        l.session,
      ),
    );
  if (!lines.length) lines.push(messages.nothingHeld());
  return lines.join('\n');
}
