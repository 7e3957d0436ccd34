import { QlockError, RefusedError, UsageError } from '../errors.js';
import { readRegistry } from '../store/readRegistry.js';
import type { Lock, Registry } from '../store/types.js';
import { coreMessages } from '../ui/messages/core.js';
import { type BlockedPath, lockMessages as messages } from '../ui/messages/locks.js';
import { formatHolder } from './formatHolder.js';
import { findBlockingLocks, isLockHonoured, locksOverlap } from './lockTable.js';

export interface AcquireOptions {
  session: string;
  /** Normalised lock paths (see normalizeLockPath). */
  paths: string[];
  /** Why; '' keeps the reason of a lock being refreshed. */
  reason: string;
  /** Time to live; undefined = no expiry. */
  ttlMs?: number;
  now: Date;
  /** Runs inside the same critical section once the locks are taken (state kept beside them). */
  alsoLocked?: (result: AcquireResult) => void;
}

export interface AcquireResult {
  /** The locks now held for the requested paths (new or refreshed), as stored. */
  taken: Lock[];
  /** Paths of `taken` that were already held by this session and got refreshed. */
  refreshed: string[];
  /** Other sessions' locks that were in the way but no longer honoured, removed to make room. */
  replaced: Lock[];
}

/** What a RefusedError from acquireLocks carries in `details`. */
export interface LockRefusal {
  holders: Lock[];
  blocked: BlockedPath[];
  /** `--wait`: how long it waited before refusing. */
  waited?: string;
}

/** The refusal for `paths` blocked by `holders` (shared by acquireLocks and `lock --wait`). */
export function refusal(
  paths: string[],
  holders: Lock[],
  now: Date,
  waited?: string,
): RefusedError {
  const blocked: BlockedPath[] = [];
  for (const path of paths) {
    for (const lock of holders) {
      if (!locksOverlap(lock.path, path)) continue;
      blocked.push({
        path,
        lockPath: lock.path,
        session: lock.session,
        holder: formatHolder(lock, now),
      });
    }
  }
  const details: LockRefusal = { holders, blocked, ...(waited ? { waited } : {}) };
  return new RefusedError(messages.lockRefused(paths, blocked, waited), details);
}

/** The expiry of `own` renewed from `now` with the lease length it was taken with. */
function renewedExpiry(own: Lock | undefined, now: Date): string | undefined {
  if (!own?.expiresAt) return undefined;
  const lease = Date.parse(own.expiresAt) - Date.parse(own.acquiredAt);
  return lease > 0 ? new Date(now.getTime() + lease).toISOString() : undefined;
}

/**
 * Applies a lock request to a registry in memory (the body of the critical section, pure apart
 * from the session directories' existence checks). Throws RefusedError, changing nothing, when
 * another session holds an honoured lock in the way.
 */
export function applyAcquire(registry: Registry, options: AcquireOptions): AcquireResult {
  const { session, reason, ttlMs, now } = options;
  const paths = [...new Set(options.paths)];
  const holders = findBlockingLocks(registry, paths, session, now);
  if (holders.length) throw refusal(paths, holders, now);

  // Locks of others that overlap but are not honoured (expired, session gone) go, so the
  // registry never holds two overlapping records of different sessions.
  const stale = registry.locks.filter(
    (l) =>
      l.session !== session &&
      paths.some((p) => locksOverlap(l.path, p)) &&
      !isLockHonoured(l, registry, now),
  );
  if (stale.length) registry.locks = registry.locks.filter((l) => !stale.includes(l));

  const acquiredAt = now.toISOString();
  const expiresAt = ttlMs !== undefined ? new Date(now.getTime() + ttlMs).toISOString() : undefined;
  const taken: Lock[] = [];
  const refreshed: string[] = [];
  for (const path of paths) {
    const own = registry.locks.find((l) => l.session === session && l.path === path);
    // A refresh without a new TTL keeps the lease it had (renewed from now), as it keeps the
    // reason: re-locking must not turn a lease into a lock that never expires.
    const until = expiresAt ?? renewedExpiry(own, now);
    const lock: Lock = {
      path,
      session,
      reason: reason || own?.reason || '',
      acquiredAt,
      ...(until ? { expiresAt: until } : {}),
    };
    if (own) {
      registry.locks[registry.locks.indexOf(own)] = lock;
      refreshed.push(path);
    } else {
      registry.locks.push(lock);
    }
    taken.push(lock);
  }
  return { taken, refreshed, replaced: stale };
}

/**
 * Takes locks on `paths` for `session`, all or nothing, in one critical section of the registry
 * mutex. Re-locking one's own lock refreshes it (new acquiredAt/expiresAt). Refuses with
 * RefusedError (exit 3; details: {holders, blocked}) when another session's honoured lock equals,
 * covers or lies below a requested path. Also records that the session is alive (lastSeen), in
 * the same write.
 */
export async function acquireLocks(
  stateDir: string,
  options: AcquireOptions,
): Promise<AcquireResult> {
  if (!options.paths.length) throw new UsageError(messages.lockNoPaths());
  // A refusal needs no mutex: the lock-free read is a complete registry as it was at one instant,
  // and a lock in the way then is a correct answer now. Only taking a lock needs the mutex (where
  // the check is made again), so refused attempts do not queue behind writers.
  const snapshot = readRegistry(stateDir);
  if (snapshot.sessions[options.session]) {
    const paths = [...new Set(options.paths)];
    const holders = findBlockingLocks(snapshot, paths, options.session, options.now);
    if (holders.length) throw refusal(paths, holders, options.now);
  }
  // Loaded only now: the writer brings proper-lockfile (~10 ms), which a refusal does not need.
  const { updateRegistry } = await import('../store/registry.js');
  return updateRegistry(stateDir, ({ registry, emit }) => {
    const self = registry.sessions[options.session];
    if (!self)
      throw new QlockError(
        coreMessages.unknownSession(options.session, Object.keys(registry.sessions)),
      );
    const { taken, refreshed, replaced } = applyAcquire(registry, options);
    if (Date.parse(self.lastSeen) < options.now.getTime())
      self.lastSeen = options.now.toISOString();

    for (const lock of replaced) {
      if (!registry.sessions[lock.session]) continue;
      emit({
        kind: 'lock-broken',
        from: options.session,
        to: [lock.session],
        message: messages.lockReplacedEvent(options.session, lock.path),
        paths: [lock.path],
        data: { reason: lock.reason, acquiredAt: lock.acquiredAt, replaced: true },
      });
    }
    const fresh = taken.filter((l) => !refreshed.includes(l.path));
    if (fresh.length) {
      // Every other session hears that these paths are now taken (a heads-up at its next prompt).
      emit({
        kind: 'lock-taken',
        from: options.session,
        message: messages.lockTakenEvent(
          options.session,
          fresh.map((l) => l.path),
          options.reason,
        ),
        paths: fresh.map((l) => l.path),
        data: {
          reason: options.reason,
          ...(fresh[0]!.expiresAt ? { expiresAt: fresh[0]!.expiresAt } : {}),
        },
      });
    }
    options.alsoLocked?.({ taken, refreshed, replaced });
    return { taken, refreshed, replaced };
  });
}
