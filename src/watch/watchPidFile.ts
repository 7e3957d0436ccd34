import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { RefusedError } from '../errors.js';
import { atomicWrite } from '../store/atomicWrite.js';
import { withMutex } from '../store/mutex.js';
import { ensureStateDir } from '../store/registry.js';
import { messages } from '../ui/messages.js';

/**
 * One watcher per project: `watch.pid` in the state dir says which process runs it. Taken under
 * the state-dir mutex so two watchers starting together cannot both take over a stale file.
 */
export interface WatchOwner {
  pid: number;
  host: string;
  cwd: string;
  startedAt: string;
  /** Linux: when the process started (clock ticks since boot), to tell a reused pid apart. */
  start?: number;
  /** Linux: the boot the process ran in (a file left by a machine that rebooted is stale). */
  boot?: string;
}

export function watchPidPath(stateDir: string): string {
  return path.join(stateDir, 'watch.pid');
}

/** The recorded owner, or undefined when the file is missing or unreadable (= free). */
export function readWatchOwner(stateDir: string): WatchOwner | undefined {
  try {
    const data = JSON.parse(fs.readFileSync(watchPidPath(stateDir), 'utf8')) as Partial<WatchOwner>;
    if (typeof data.pid !== 'number' || typeof data.host !== 'string') return undefined;
    return {
      pid: data.pid,
      host: data.host,
      cwd: typeof data.cwd === 'string' ? data.cwd : '?',
      startedAt: typeof data.startedAt === 'string' ? data.startedAt : '?',
      ...(typeof data.start === 'number' ? { start: data.start } : {}),
      ...(typeof data.boot === 'string' ? { boot: data.boot } : {}),
    };
  } catch {
    return undefined;
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Linux: the boot id, or undefined elsewhere. */
export function bootId(): string | undefined {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Linux: when process `pid` started (field 22 of /proc/PID/stat), or undefined. */
export function processStart(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After the command name in parentheses (which may itself hold spaces and parentheses).
    const start = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return Number.isFinite(start) && start > 0 ? start : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the recorded watcher still runs. On another host we cannot check the pid, so it counts
 * as running (the message says where, and how to remove the file if that host is gone). A pid
 * alive again after a reboot, or reused by another process, is not the watcher: a pid file left
 * by a killed watcher must not lock the project out.
 */
export function ownerIsLive(owner: WatchOwner): boolean {
  if (owner.host !== os.hostname()) return true;
  if (owner.pid === process.pid) return false;
  const boot = owner.boot === undefined ? undefined : bootId();
  if (boot !== undefined && owner.boot !== boot) return false;
  if (!isProcessAlive(owner.pid)) return false;
  const start = owner.start === undefined ? undefined : processStart(owner.pid);
  return start === undefined || start === owner.start;
}

/** Takes the watcher slot or throws RefusedError naming where the running watcher is. */
export async function acquireWatchPidFile(
  stateDir: string,
  cwd: string,
  now: Date,
): Promise<WatchOwner> {
  ensureStateDir(stateDir);
  const file = watchPidPath(stateDir);
  const start = processStart(process.pid);
  const boot = bootId();
  const me: WatchOwner = {
    pid: process.pid,
    host: os.hostname(),
    cwd,
    startedAt: now.toISOString(),
    ...(start !== undefined ? { start } : {}),
    ...(boot !== undefined ? { boot } : {}),
  };
  return withMutex(stateDir, () => {
    const owner = readWatchOwner(stateDir);
    if (owner && ownerIsLive(owner)) {
      throw new RefusedError(messages.watchAlreadyRunning(owner, file), { owner });
    }
    // Missing, unreadable or stale (its process is dead): ours now.
    atomicWrite(file, JSON.stringify(me) + '\n');
    return me;
  });
}

/** Removes the pid file if it is still ours (never another watcher's). Synchronous: runs at exit. */
export function releaseWatchPidFile(stateDir: string): void {
  const owner = readWatchOwner(stateDir);
  if (owner && owner.pid === process.pid && owner.host === os.hostname()) {
    fs.rmSync(watchPidPath(stateDir), { force: true });
  }
}
