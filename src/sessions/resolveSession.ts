import path from 'node:path';

import type { Context } from '../context.js';
import { QlockError } from '../errors.js';
import { realpathOrSelf } from '../project/findProject.js';
import type { Registry, Session } from '../store/types.js';
import { messages } from '../ui/messages.js';

/** Whether `child` is `parent` or lies below it. */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The session whose path contains `dir` (the deepest, when sessions nest). */
export function sessionForPath(registry: Registry, dir: string): Session | undefined {
  const real = realpathOrSelf(dir);
  let best: Session | undefined;
  for (const session of Object.values(registry.sessions)) {
    if (isInside(session.path, real) && (!best || session.path.length > best.path.length))
      best = session;
  }
  return best;
}

/**
 * The current session: --session NAME, else QLOCK_SESSION, else the registered session whose
 * path contains the cwd. Undefined when none applies.
 */
export function currentSession(ctx: Context, registry: Registry): Session | undefined {
  const named = ctx.session ?? ctx.env.QLOCK_SESSION;
  if (named) {
    const session = registry.sessions[named];
    if (!session)
      throw new QlockError(messages.unknownSession(named, Object.keys(registry.sessions)));
    return session;
  }
  return sessionForPath(registry, ctx.cwd);
}

export function requireCurrentSession(ctx: Context, registry: Registry): Session {
  const session = currentSession(ctx, registry);
  if (!session)
    throw new QlockError(messages.noCurrentSession(ctx.cwd, Object.keys(registry.sessions)));
  return session;
}

export function requireSession(registry: Registry, name: string): Session {
  const session = registry.sessions[name];
  if (!session) throw new QlockError(messages.unknownSession(name, Object.keys(registry.sessions)));
  return session;
}
