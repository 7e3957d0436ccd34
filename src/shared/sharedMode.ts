import type { AcquireResult } from '../locks/acquireLocks.js';
import { acquireLocksWaiting, type WaitingOptions } from '../locks/acquireLocksWaiting.js';
import { releaseLocks, type ReleaseOptions, type ReleaseResult } from '../locks/releaseLocks.js';
import type { Workspace } from '../project/openWorkspace.js';
import type { RemoteListing } from './remoteListing.js';
import type { SharedInfo, SharedTarget, Warn } from './sharedLocks.js';

/**
 * Shared mode (config `shared`, the locks of other machines through a git remote) behind one
 * interface: the commands take, release and list locks through these functions and read as if
 * shared mode did not exist. With it off, each is the local operation; the multi-machine modules
 * are loaded only when it is on, so `qlock lock` pays nothing for them.
 */

/** Takes locks here and, in shared mode, on the remote (src/shared/sharedLocks.ts). */
export async function takeLocks(
  target: SharedTarget,
  request: WaitingOptions,
  warn: Warn,
): Promise<AcquireResult & { waitedMs: number; shared?: SharedInfo }> {
  if (!target.config.shared) return acquireLocksWaiting(target.project.stateDir, request);
  const { acquireShared } = await import('./sharedLocks.js');
  return acquireShared(target, request, warn);
}

/** Releases locks here and, in shared mode, on the remote. */
export async function giveUpLocks(
  target: SharedTarget,
  request: ReleaseOptions,
  warn: Warn,
): Promise<ReleaseResult & { shared?: SharedInfo }> {
  if (!target.config.shared) return releaseLocks(target.project.stateDir, request);
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
