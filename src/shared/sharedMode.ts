import type { AcquireOptions, AcquireResult } from '../locks/acquireLocks.js';
import type { WaitingOptions } from '../locks/acquireLocksWaiting.js';
import type { ReleaseOptions, ReleaseResult } from '../locks/releaseLocks.js';
import type { Config } from '../project/configSchema.js';
import type { Project } from '../project/findProject.js';
import type { Workspace } from '../project/openWorkspace.js';
import type { LockedPath } from '../ui/messages/hooks.js';
import type { RemoteLock } from './remoteDoc.js';
import type { RemoteListing } from './remoteListing.js';
import type { SharedInfo, SharedTarget, Warn } from './sharedLocks.js';

/**
 * Shared mode (config `shared`, the locks of other machines through a git remote) behind one
 * interface: the commands take, release and list locks through these functions and read as if
 * shared mode did not exist; so do the git and agent hooks and `status`. With it off, each is the
 * local operation (or nothing); the multi-machine modules are loaded only when it is on, and the
 * local ones lazily, so that a hook's bundle that imports this interface carries neither.
 */

/** Takes locks here and, in shared mode, on the remote (src/shared/sharedLocks.ts). */
export async function takeLocks(
  target: SharedTarget,
  request: WaitingOptions,
  warn: Warn,
): Promise<AcquireResult & { waitedMs: number; shared?: SharedInfo }> {
  if (!target.config.shared) {
    const { acquireLocksWaiting } = await import('../locks/acquireLocksWaiting.js');
    return acquireLocksWaiting(target.project.stateDir, request);
  }
  const { acquireShared } = await import('./sharedLocks.js');
  return acquireShared(target, request, warn);
}

/** Releases locks here and, in shared mode, on the remote. */
export async function giveUpLocks(
  target: SharedTarget,
  request: ReleaseOptions,
  warn: Warn,
): Promise<ReleaseResult & { shared?: SharedInfo }> {
  if (!target.config.shared) {
    const { releaseLocks } = await import('../locks/releaseLocks.js');
    return releaseLocks(target.project.stateDir, request);
  }
  const { releaseShared } = await import('./sharedLocks.js');
  return releaseShared(target, request, warn);
}

/** Other machines' locks (on `path`, or all), as the git hooks read them; none without shared mode. */
export async function otherMachinesLocks(
  ws: Workspace,
  now: Date,
  warn: Warn,
  path?: string,
): Promise<RemoteListing | undefined> {
  if (!ws.config.shared) return undefined;
  const { remoteListing } = await import('./remoteListing.js');
  return remoteListing(ws, now, warn, path);
}

/**
 * Whether locks held on other machines can bind here: the lock checks must run even when no
 * local lock exists (shared mode on, locks not switched off).
 */
export function othersMayHoldLocks(config: Pick<Config, 'shared' | 'onLocked'>): boolean {
  return Boolean(config.shared) && config.onLocked !== 'off';
}

/**
 * The pre-commit lock check's view of other machines: their locks on `paths` and the warnings to
 * print (remote unreachable, conflicts, notices); nothing without shared mode.
 */
export async function otherMachinesLockedPaths(
  ws: Workspace,
  paths: readonly string[],
  now: Date,
): Promise<{ locked: LockedPath[]; warnings: string[] }> {
  if (!othersMayHoldLocks(ws.config)) return { locked: [], warnings: [] };
  const { sharedLockedPaths } = await import('./hookLocks.js');
  return sharedLockedPaths(ws, paths, now);
}

/**
 * The agent hooks' view of other machines (no network inside an agent's tool loop): their locks
 * on `paths` as last seen on the remote; none without shared mode.
 */
export async function otherMachinesCachedLocks(
  project: Project,
  config: Pick<Config, 'shared' | 'onLocked'>,
  paths: readonly string[],
  now: Date,
): Promise<RemoteLock[]> {
  if (!othersMayHoldLocks(config) || project.kind !== 'git') return [];
  const { cachedOthersLocks } = await import('./cachedLocks.js');
  return cachedOthersLocks(project, config, paths, now).locks;
}

/**
 * What an agent hook's autoLock adds to its local lock in shared mode (src/shared/autoLockShared.ts):
 * the lock recorded as pending for the next round with the remote (inside the registry write),
 * and that round started in the background once the lock is taken. Nothing without shared mode.
 */
export async function autoLockSharing(
  project: Project,
  config: Pick<Config, 'shared'>,
  session: string,
  now: Date,
): Promise<{ options: Pick<AcquireOptions, 'alsoLocked'>; publish: () => void }> {
  if (!config.shared || project.kind !== 'git') return { options: {}, publish: () => undefined };
  const shared = await import('./autoLockShared.js');
  return {
    options: {
      alsoLocked: ({ taken }) =>
        shared.recordPendingLocked(
          project.stateDir,
          session,
          taken.map((l) => l.path),
          now,
        ),
    },
    publish: () => shared.publishInBackground(project.worktreeRoot),
  };
}
