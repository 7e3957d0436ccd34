import path from 'node:path';

import type { Context } from '../context.js';
import { QlockError, UsageError } from '../errors.js';
import { realpathOrSelf } from '../project/findProject.js';
import type { Registry, Session } from '../store/types.js';
// The core area's messages, not the aggregator: git hooks start here and need no other area's.
import { coreMessages as messages } from '../ui/messages/core.js';

/** Whether `child` is `parent` or lies below it. */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  // "..b" is a child named "..b"; only ".." itself or "../…" leaves the parent.
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
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
    // A session name that is not registered is a bad argument (exit 2), like any other.
    if (!session)
      throw new UsageError(messages.unknownSession(named, Object.keys(registry.sessions)));
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
  if (!session) throw new UsageError(messages.unknownSession(name, Object.keys(registry.sessions)));
  return session;
}
