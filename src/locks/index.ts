/**
 * The locks area's public surface. Hot paths (hooks) that only need the pure checks may import
 * ./lockTable.js and ./lockPath.js directly: this index also loads the registry writer and with it
 * proper-lockfile.
 */
export {
  acquireLocks,
  type AcquireOptions,
  type AcquireResult,
  type LockRefusal,
} from './acquireLocks.js';
export { acquireLocksWaiting, type WaitingOptions } from './acquireLocksWaiting.js';
export { describeLock, describeLocks, type LockView } from './describeLocks.js';
export { formatHolder } from './formatHolder.js';
export { normalizeLockPath, realpathDeep } from './lockPath.js';
export {
  findBlockingLocks,
  isLockHonoured,
  lockCovers,
  lockExpired,
  locksOverlap,
} from './lockTable.js';
export { releaseLocks, type ReleaseOptions, type ReleaseResult } from './releaseLocks.js';
