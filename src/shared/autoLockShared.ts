import { spawn } from 'node:child_process';

import { qlockBinPath } from '../agents/hookCommand.js';
import { createDebug } from '../ui/debug.js';
import { readPending, writePendingLocked } from './sharedFiles.js';

const debug = createDebug('shared');

/**
 * `autoLock` in shared mode. The agent's pre-write hook stays off the network (its budget is
 * 1.5 × node's start), so the lock it takes is at first only local. Recorded as pending in the
 * same registry write (recordPendingLocked), it is published by the next round with the remote,
 * and publishInBackground starts that round at once in a detached `qlock shared sync`: the other
 * machines see the lock after one fetch and one push, not at the next explicit lock or sync. If
 * one of them took the file meanwhile, the round records a conflict on both sides, as for a lock
 * taken offline (reconcile.ts, rule 3), instead of silently granting it twice.
 */

/** Call only while holding the state-dir mutex (inside updateRegistry). */
export function recordPendingLocked(
  stateDir: string,
  session: string,
  paths: string[],
  now: Date,
): void {
  const pending = readPending(stateDir);
  for (const path of paths)
    if (!pending.acquire.some((p) => p.session === session && p.path === path))
      pending.acquire.push({ session, path, at: now.toISOString() });
  writePendingLocked(stateDir, pending);
}

/** Starts `qlock shared sync` in `cwd`, detached: the hook returns without waiting for it. */
export function publishInBackground(cwd: string): void {
  try {
    const child = spawn(process.execPath, [qlockBinPath(), 'shared', 'sync'], {
      cwd,
      detached: true,
      stdio: 'ignore',
    });
    // Not started (node gone, EAGAIN): the lock stays pending and the next round publishes it.
    child.on('error', (error) => debug(`background sync not started: ${error.message}`));
    child.unref();
  } catch (error) {
    debug(`background sync not started: ${(error as Error).message}`);
  }
}
