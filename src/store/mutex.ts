import fs from 'node:fs';
import path from 'node:path';

import { QlockError } from '../errors.js';
import { createDebug } from '../ui/debug.js';
// The core area's messages, not the aggregator: the hot lock path compiles no other area's.
import { coreMessages as messages } from '../ui/messages/core.js';
import { atomicWrite, uniqueHex } from './atomicWrite.js';

const debug = createDebug('mutex');

/**
 * The mutex around every read-modify-write of the state dir (registry and event log).
 *
 * proper-lockfile's lock dies with the process that took it, so it is only this short critical
 * section, never a per-file lock (those are records in the registry). A holder killed with SIGKILL
 * leaves its lock directory behind; it is taken over once older than STALE_MS.
 */
export const STALE_MS = 3000;
const UPDATE_MS = 1000;
/** proper-lockfile never judges a lock stale itself: breakStaleLock does it, one taker at a time. */
const NEVER_STALE = 365 * 24 * 3_600_000;

/** Waits up to ~10 s: longer than a stale takeover, so a crash never fails the next command. */
const WAIT_MS = 10_000;
const backoff = (attempt: number) => Math.min(2 * 1.15 ** attempt, 100) * (1 + Math.random()); // 2 ms growing to 100-200 ms

export function mutexPath(stateDir: string, name = 'registry'): string {
  return path.join(stateDir, `${name}.lock`);
}

/**
 * Removes a lock directory whose holder stopped refreshing it (killed) — exclusively.
 *
 * proper-lockfile's own takeover is check-then-act: two waiters can both see the lock stale, one
 * removes it and takes a fresh one, the other then removes that fresh one and takes it too, and
 * both "hold" the mutex (moxystudio/node-proper-lockfile#121; reproduced here once in 15 rounds of
 * 6 processes). Here the check and the removal happen under a takeover guard (a second mkdir), and
 * the check is repeated under it: while the stale directory exists nobody can create a fresh one
 * at that path, so what is removed is always the stale one.
 */
function breakStaleLock(lockPath: string): void {
  const stale = (stat: fs.Stats | undefined) => !!stat && Date.now() - stat.mtimeMs >= STALE_MS;
  if (!stale(fs.statSync(lockPath, { throwIfNoEntry: false }))) return;
  const guard = `${lockPath}.takeover`;
  try {
    fs.mkdirSync(guard);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // A taker killed inside its few microseconds here leaves the guard: clear it once old.
    if (stale(fs.statSync(guard, { throwIfNoEntry: false })))
      fs.rmSync(guard, { recursive: true, force: true });
    return;
  }
  try {
    const again = fs.statSync(lockPath, { throwIfNoEntry: false });
    // Still stale under the guard: it is a dead holder's (a fresh lock would have a fresh mtime).
    if (stale(again)) {
      debug(`taking over a stale mutex (${Math.round(Date.now() - again!.mtimeMs)} ms old)`);
      fs.rmSync(lockPath, { recursive: true, force: true });
    }
  } finally {
    fs.rmSync(guard, { recursive: true, force: true });
  }
}

/** Takes the mutex, waiting up to WAIT_MS and taking over a stale one; returns its release. */
async function acquire(
  target: string,
  lockPath: string,
  onCompromised: (error: Error) => void,
): Promise<() => Promise<void>> {
  // Loaded here, not at the top: hooks that only read the registry never pay for it.
  const { default: lockfile } = await import('proper-lockfile');
  const deadline = Date.now() + WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await lockfile.lock(target, {
        lockfilePath: lockPath,
        realpath: false,
        stale: NEVER_STALE,
        update: UPDATE_MS,
        retries: 0,
        onCompromised,
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED' || Date.now() > deadline) throw error;
    }
    breakStaleLock(lockPath);
    await new Promise((resolve) => setTimeout(resolve, backoff(attempt)));
  }
}

/**
 * Runs `fn` while holding the state-dir mutex.
 *
 * Guards beyond proper-lockfile itself:
 * - stale locks are taken over by one waiter at a time (breakStaleLock);
 * - onCompromised (the lock was lost, e.g. an event-loop stall past STALE_MS let another process
 *   take it over) is recorded instead of crashing the process from a timer, and `assertHeld()`
 *   refuses to commit after it;
 * - an owner token beside the lock directory, checked by `assertHeld()`: if the lock was taken
 *   over anyway, the token tells the loser before it writes.
 */
export async function withMutex<T>(
  stateDir: string,
  fn: (assertHeld: () => void) => Promise<T> | T,
  name = 'registry',
): Promise<T> {
  const target = path.join(stateDir, `${name}.json`);
  const lockPath = mutexPath(stateDir, name);
  const ownerFile = `${lockPath}.owner`;
  let compromised: Error | undefined;
  const started = Date.now();
  let release: () => Promise<void>;
  try {
    release = await acquire(target, lockPath, (error) => {
      compromised = error;
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOCKED') throw new QlockError(messages.mutexBusy(lockPath), 1, { cause: error });
    throw new QlockError(messages.mutexFailed(lockPath, (error as Error).message), 1, {
      cause: error,
    });
  }
  debug(`acquired in ${Math.round(Date.now() - started)}ms`);
  const token = `${process.pid}.${uniqueHex()}${uniqueHex()}`;
  // Atomically (a temp file renamed over it): a symlink planted at the owner file's name is
  // replaced, never written through to whatever file it points at.
  atomicWrite(ownerFile, token, { durable: false });
  const assertHeld = () => {
    if (compromised) throw new QlockError(messages.mutexLost(lockPath), 1, { cause: compromised });
    let owner = '';
    try {
      owner = fs.readFileSync(ownerFile, 'utf8');
    } catch {
      // missing: someone took the lock over and has not written its token yet
    }
    if (owner !== token) throw new QlockError(messages.mutexLost(lockPath));
  };
  try {
    return await fn(assertHeld);
  } finally {
    let ours = false;
    try {
      ours = fs.readFileSync(ownerFile, 'utf8') === token;
      if (ours) fs.rmSync(ownerFile, { force: true });
    } catch {
      // already gone: taken over
    }
    // Taken over (our token replaced): the lock directory is someone else's now; leave it.
    if (ours && !compromised)
      await release().catch(() => {
        // compromised meanwhile: nothing of ours left to release
      });
  }
}

/**
 * Serialises qlock's own `git worktree add/remove/prune` calls: git 2.39 run concurrently fails
 * with "failed to read .git/worktrees/<other>/commondir" while another add is half done. A mutex
 * separate from the registry's, because these calls can take seconds on a large repository.
 */
export function withWorktreeMutex<T>(stateDir: string, fn: () => Promise<T>): Promise<T> {
  fs.mkdirSync(stateDir, { recursive: true });
  return withMutex(stateDir, fn, 'worktrees');
}
