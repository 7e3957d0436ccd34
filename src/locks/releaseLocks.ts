import { QlockError, UsageError } from '../errors.js';
import { updateRegistry } from '../store/registry.js';
import type { Lock, Registry } from '../store/types.js';
import { lockMessages as messages } from '../ui/messages/locks.js';
import { formatHolder } from './formatHolder.js';
import { lockCovers } from './lockTable.js';

export interface ReleaseOptions {
  session: string;
  /** Normalised lock paths (see normalizeLockPath). */
  paths?: string[];
  /** Release every lock of `session`. */
  all?: boolean;
  /** Break other sessions' locks on `paths` (each holder gets a lock-broken event). */
  force?: boolean;
  now: Date;
}

export interface ReleaseResult {
  /** This session's own locks that were released. */
  released: Lock[];
  /** Other sessions' locks that were broken (--force). */
  broken: Lock[];
}

/**
 * Applies a release to a registry in memory. All or nothing: the first path that cannot be
 * released throws (exit 1, or 2 for no paths) and the caller writes nothing.
 *
 * For each path: your own lock on exactly that path is released; a directory path also releases
 * your locks below it. Another session's lock on exactly that path (or, for a directory path,
 * below it) is broken only with `force`. A path inside someone's directory lock is refused: a
 * directory lock is released or broken as a whole, by its own path.
 */
export function applyRelease(registry: Registry, options: ReleaseOptions): ReleaseResult {
  const { session, force, now } = options;
  const paths = [...new Set(options.paths ?? [])];
  if (!paths.length && !options.all) throw new UsageError(messages.unlockNoPaths());
  const drop = new Set<Lock>();
  const broken: Lock[] = [];
  if (options.all) for (const l of registry.locks) if (l.session === session) drop.add(l);

  for (const path of paths) {
    // Locks the path names: the same path, or below it when it is a directory.
    const named = registry.locks.filter((l) => lockCovers(path, l.path));
    const own = named.filter((l) => l.session === session);
    const others = named.filter((l) => l.session !== session);
    if (others.length && force) {
      for (const l of others) {
        if (!drop.has(l)) broken.push(l);
        drop.add(l);
      }
    } else if (others.length && !own.length) {
      const l = others[0]!;
      throw new QlockError(
        messages.unlockHeldByOther(path, formatHolder(l, now), l.session, l.path),
      );
    }
    for (const l of own) drop.add(l);
    if (named.length) continue;

    // Nothing named by the path: is it inside a directory lock?
    const around = registry.locks.find((l) => lockCovers(l.path, path));
    if (!around) throw new QlockError(messages.unlockNotLocked(path));
    if (around.session === session)
      throw new QlockError(messages.unlockCoveredByOwn(path, around.path));
    throw new QlockError(
      messages.unlockCoveredByOther(path, around.path, formatHolder(around, now)),
    );
  }
  registry.locks = registry.locks.filter((l) => !drop.has(l));
  const released = [...drop].filter((l) => l.session === session);
  return { released, broken };
}

/**
 * Releases locks of `session` (its own paths, or --all), and with `force` breaks other sessions'
 * locks on the given paths, telling each holder through a lock-broken event in its inbox.
 * Records that the session is alive (lastSeen) in the same write.
 */
export async function releaseLocks(
  stateDir: string,
  options: ReleaseOptions,
): Promise<ReleaseResult> {
  if (!options.paths?.length && !options.all) throw new UsageError(messages.unlockNoPaths());
  return updateRegistry(stateDir, ({ registry, emit }) => {
    const result = applyRelease(registry, options);
    const self = registry.sessions[options.session];
    if (self && Date.parse(self.lastSeen) < options.now.getTime())
      self.lastSeen = options.now.toISOString();
    for (const lock of result.broken) {
      emit({
        kind: 'lock-broken',
        from: options.session,
        to: [lock.session],
        message: messages.lockBrokenEvent(options.session, lock.path),
        paths: [lock.path],
        data: { reason: lock.reason, acquiredAt: lock.acquiredAt },
      });
    }
    return result;
  });
}
