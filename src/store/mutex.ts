import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import lockfile from 'proper-lockfile';

import { QlockError } from '../errors.js';
import { createDebug } from '../ui/debug.js';
import { messages } from '../ui/messages.js';

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

/** Waits up to ~10 s: longer than a stale takeover, so a crash never fails the next command. */
const RETRIES = { retries: 120, factor: 1.15, minTimeout: 2, maxTimeout: 100, randomize: true };

export function mutexPath(stateDir: string): string {
  return path.join(stateDir, 'registry.lock');
}

/**
 * Runs `fn` while holding the state-dir mutex.
 *
 * Two guards beyond proper-lockfile itself:
 * - onCompromised (the lock was lost, e.g. an event-loop stall past STALE_MS) is recorded instead of
 *   crashing the process from a timer, and `assertHeld()` refuses to commit after it;
 * - an owner token beside the lock directory: proper-lockfile's stale takeover can let two waiters
 *   both "take" a stale lock (moxystudio/node-proper-lockfile#121); the token tells the loser.
 */
export async function withMutex<T>(
  stateDir: string,
  fn: (assertHeld: () => void) => Promise<T> | T,
): Promise<T> {
  const target = path.join(stateDir, 'registry.json');
  const lockPath = mutexPath(stateDir);
  const ownerFile = `${lockPath}.owner`;
  let compromised: Error | undefined;
  const started = performance.now();
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(target, {
      lockfilePath: lockPath,
      realpath: false,
      stale: STALE_MS,
      update: UPDATE_MS,
      retries: RETRIES,
      onCompromised: (error) => {
        compromised = error;
      },
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOCKED') throw new QlockError(messages.mutexBusy(lockPath), 1, { cause: error });
    throw new QlockError(messages.mutexFailed(lockPath, (error as Error).message), 1, {
      cause: error,
    });
  }
  debug(`acquired in ${Math.round(performance.now() - started)}ms`);
  const token = `${process.pid}.${crypto.randomBytes(6).toString('hex')}`;
  fs.writeFileSync(ownerFile, token);
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
    try {
      if (fs.readFileSync(ownerFile, 'utf8') === token) fs.rmSync(ownerFile, { force: true });
    } catch {
      // already gone
    }
    await release().catch(() => {
      // compromised or taken over: nothing of ours left to release
    });
  }
}
