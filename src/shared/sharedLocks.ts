import { QlockError, RefusedError } from '../errors.js';
import type { AcquireResult } from '../locks/acquireLocks.js';
import { acquireLocksWaiting, type WaitingOptions } from '../locks/acquireLocksWaiting.js';
import { isLockHonoured, lockCovers } from '../locks/lockTable.js';
import { releaseLocks, type ReleaseOptions, type ReleaseResult } from '../locks/releaseLocks.js';
import type { Config } from '../project/configSchema.js';
import type { Project } from '../project/findProject.js';
import { readRegistry } from '../store/registry.js';
import type { Lock } from '../store/types.js';
import { messages } from '../ui/messages.js';
import { formatAge } from '../util/duration.js';
import { backoffMs } from './casUpdate.js';
import type { Refusal } from './reconcile.js';
import type { RemoteLock } from './remoteDoc.js';
import { fetchState, RemoteRefused, RemoteUnavailable } from './remoteStore.js';
import { type SharedSettings, sharedSettings } from './settings.js';
import { readCache } from './sharedFiles.js';
import { type SyncResult, syncShared } from './syncShared.js';

/**
 * `qlock lock` and `qlock unlock` when config `shared` is set. The local registry stays the fast
 * path and the first step: a lock is taken locally (all or nothing, as without shared mode), then
 * published on the remote in a compare-and-swap; if another participant holds an overlapping
 * lock there, the local locks just taken are given back and the request is refused (exit 3),
 * naming the person, the host and the session. Unlock releases locally, then withdraws remotely.
 * When the remote is out of reach, both work locally with a one-line warning (see syncShared).
 */

export interface SharedTarget {
  project: Project;
  config: Pick<Config, 'shared'>;
}

export interface SharedInfo {
  remote: string;
  online: boolean;
  reason?: string;
}

/** Where warnings go (stderr in the CLI, HookOutcome lines in hooks). */
export type Warn = (line: string) => void;

/** The settings, or undefined (with a warning) where shared mode cannot work: no git. */
function settingsFor(target: SharedTarget, warn: Warn): SharedSettings | undefined {
  const s = sharedSettings(target.config);
  if (s && target.project.kind !== 'git') {
    warn(messages.sharedNoGitLocalOnly());
    return undefined;
  }
  return s;
}

/** RefusedError for locks held on the remote by other participants (exit 3). */
export function remoteRefusal(
  refused: Refusal[],
  remote: string,
  now: Date,
  waited?: string,
): RefusedError {
  const holders: RemoteLock[] = [];
  for (const r of refused) for (const h of r.holders) if (!holders.includes(h)) holders.push(h);
  const blocked = refused.flatMap((r) =>
    r.holders.map((h) => ({
      path: r.path,
      lockPath: h.path,
      session: h.session,
      holder: messages.sharedHolder(h, now),
    })),
  );
  return new RefusedError(messages.sharedLockRefused(blocked, remote, waited), {
    holders,
    blocked,
    remote: true,
    remoteName: remote,
    ...(waited ? { waited } : {}),
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Local locks of `session` on `paths` that are held (and honoured) right now. */
function heldPaths(stateDir: string, session: string, paths: string[], now: Date): Set<string> {
  const registry = readRegistry(stateDir);
  return new Set(
    registry.locks
      .filter(
        (l) => l.session === session && paths.includes(l.path) && isLockHonoured(l, registry, now),
      )
      .map((l) => l.path),
  );
}

/** Gives back locks taken by this call; best effort (they may have been released meanwhile). */
async function giveBack(
  stateDir: string,
  session: string,
  paths: string[],
  now: Date,
): Promise<void> {
  const registry = readRegistry(stateDir);
  const still = paths.filter((p) =>
    registry.locks.some((l) => l.session === session && l.path === p),
  );
  if (!still.length) return;
  await releaseLocks(stateDir, { session, paths: still, now }).catch(() => undefined);
}

/**
 * acquireLocksWaiting plus the remote: the same options and result, plus `shared` (online or
 * not). With `waitMs`, a refusal by a remote holder is waited on too, until the time is up.
 */
export async function acquireShared(
  target: SharedTarget,
  options: WaitingOptions,
  warn: Warn,
): Promise<AcquireResult & { waitedMs: number; shared?: SharedInfo }> {
  const s = settingsFor(target, warn);
  if (!s) return acquireLocksWaiting(target.project.stateDir, options);
  const { stateDir } = target.project;
  const start = options.now().getTime();
  const paths = [...new Set(options.paths)];
  let delayAttempt = 0;
  for (;;) {
    const remaining = Math.max(0, options.waitMs - (options.now().getTime() - start));
    const before = heldPaths(stateDir, options.session, paths, options.now());
    const local = await acquireLocksWaiting(stateDir, { ...options, waitMs: remaining });
    const fresh = local.taken.map((l) => l.path).filter((p) => !before.has(p));
    let sync: SyncResult;
    try {
      sync = await syncShared(target.project, s, {
        intent: { acquire: { session: options.session, paths: local.taken.map((l) => l.path) } },
        now: options.now,
      });
    } catch (error) {
      await giveBack(stateDir, options.session, fresh, options.now());
      throw error;
    }
    if (sync.refused.length) {
      await giveBack(stateDir, options.session, fresh, options.now());
      const left = options.waitMs - (options.now().getTime() - start);
      if (left <= 0) {
        for (const w of sync.warnings) warn(w);
        throw remoteRefusal(
          sync.refused,
          s.remote,
          options.now(),
          options.waitMs > 0 ? formatAge(options.waitMs) : undefined,
        );
      }
      await sleep(Math.min(left, 50 + backoffMs(++delayAttempt)));
      continue;
    }
    for (const w of sync.warnings) warn(w);
    return {
      ...local,
      waitedMs: options.now().getTime() - start,
      shared: {
        remote: s.remote,
        online: sync.online,
        ...(sync.reason ? { reason: sync.reason } : {}),
      },
    };
  }
}

/** Paths that name no local lock (neither a lock on or below them, nor one around them). */
function locallyUnknown(stateDir: string, paths: string[]): string[] {
  const registry = readRegistry(stateDir);
  return paths.filter(
    (p) => !registry.locks.some((l) => lockCovers(p, l.path) || lockCovers(l.path, p)),
  );
}

/**
 * releaseLocks plus the remote. `--force` also breaks other participants' locks on the remote
 * (each holder gets a notice, delivered to its inbox at its next contact with the remote);
 * `broken` then lists the local and the remote locks broken (remote ones carry user, host, clone).
 * All or nothing as locally: a path nobody holds, here or on the remote, changes nothing.
 */
export async function releaseShared(
  target: SharedTarget,
  options: ReleaseOptions,
  warn: Warn,
): Promise<ReleaseResult & { shared?: SharedInfo }> {
  const s = settingsFor(target, warn);
  if (!s) return releaseLocks(target.project.stateDir, options);
  const { project } = target;
  const paths = [...new Set(options.paths ?? [])];
  const unknown = options.force ? locallyUnknown(project.stateDir, paths) : [];
  if (unknown.length) {
    // Paths only someone on another machine may hold: check the remote before changing anything.
    let doc;
    try {
      doc = (await fetchState(project.worktreeRoot, s)).doc;
    } catch (error) {
      if (error instanceof RemoteUnavailable || error instanceof RemoteRefused)
        throw new QlockError(messages.sharedCannotBreakOffline(s.remote, unknown, error.reason));
      throw error;
    }
    const missing = unknown.find((p) => !doc.locks.some((l) => lockCovers(p, l.path)));
    if (missing !== undefined) throw new QlockError(messages.unlockNotLocked(missing));
  }
  const localPaths = paths.filter((p) => !unknown.includes(p));
  const local: ReleaseResult =
    localPaths.length || options.all
      ? await releaseLocks(project.stateDir, { ...options, paths: localPaths })
      : { released: [], broken: [] };
  const sync = await syncShared(project, s, {
    intent: {
      released: { session: options.session, paths: local.released.map((l: Lock) => l.path) },
      ...(options.force && paths.length ? { breakLocks: { session: options.session, paths } } : {}),
    },
    now: () => options.now,
  });
  for (const w of sync.warnings) warn(w);
  return {
    released: local.released,
    broken: [...local.broken, ...sync.broken],
    shared: sharedInfo(s, sync),
  };
}

function sharedInfo(s: SharedSettings, sync: SyncResult): SharedInfo {
  return { remote: s.remote, online: sync.online, ...(sync.reason ? { reason: sync.reason } : {}) };
}

/** The remote locks as last seen (cache), for `qlock locks`/`who`-style listings. */
export function cachedRemoteLocks(target: SharedTarget): RemoteLock[] {
  const s = sharedSettings(target.config);
  if (!s) return [];
  return readCache(target.project.stateDir, s.remote, s.ref)?.doc.locks ?? [];
}
