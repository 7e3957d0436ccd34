import fs from 'node:fs';
import path from 'node:path';

import { atomicWrite } from '../store/atomicWrite.js';
import type { RemoteDoc, RemoteLock } from './remoteDoc.js';

/**
 * Shared mode's two local files in the state dir:
 *
 * - `shared-cache.json`: the last version of the remote document we saw and when. The git hooks
 *   read it instead of fetching while it is younger than `shared.cacheTtl`, so `git commit`
 *   does not pay a network round trip.
 * - `shared-unreachable.json`: when the last attempt to reach the remote failed, and why; within
 *   `shared.cacheTtl` of it the hooks use the last known version without trying again (a remote
 *   that never answers would otherwise cost `shared.timeout` on every commit).
 * - `shared-pending.json`: what the remote has not heard yet (locks taken and released while it
 *   was unreachable), the conflicts found when it came back, and which notices were delivered.
 *   Written only under the state-dir mutex. Losing it loses no lock: the locks themselves are in
 *   the registry, and a lock the remote does not know is published again (see reconcile.ts).
 */

export interface SharedCache {
  remote: string;
  ref: string;
  sha: string | null;
  /** When the remote was last known to hold `doc` (a fetch, or our own successful push). */
  fetchedAt: string;
  doc: RemoteDoc;
}

export interface PendingLock {
  session: string;
  path: string;
  at: string;
}

/** A lock this clone took while offline, found held on the remote by someone else meanwhile. */
export interface ConflictRecord {
  session: string;
  path: string;
  /** When our (offline) lock was taken. */
  since: string;
  holder: RemoteLock;
  detectedAt: string;
}

export interface SharedPending {
  acquire: PendingLock[];
  release: PendingLock[];
  conflicts: ConflictRecord[];
  /** Notice ids already turned into inbox events (a hook may see a notice before a push removes it). */
  delivered: string[];
  /** Set while the remote is unreachable: since when, and why. */
  offline?: { since: string; reason: string };
}

export const CACHE_FILE = 'shared-cache.json';
export const PENDING_FILE = 'shared-pending.json';
export const UNREACHABLE_FILE = 'shared-unreachable.json';

/** The last failed attempt to reach the remote, so the hooks do not wait for it on every run. */
export interface Unreachable {
  remote: string;
  ref: string;
  at: string;
  reason: string;
  /** The remote answered but its ref cannot be used: the one-line message naming ref and fix. */
  refused?: string;
}

export function emptyPending(): SharedPending {
  return { acquire: [], release: [], conflicts: [], delivered: [] };
}

export function readCache(stateDir: string, remote: string, ref: string): SharedCache | undefined {
  try {
    const cache = JSON.parse(
      fs.readFileSync(path.join(stateDir, CACHE_FILE), 'utf8'),
    ) as SharedCache;
    if (cache.remote !== remote || cache.ref !== ref || !cache.doc || !cache.fetchedAt)
      return undefined;
    return cache;
  } catch {
    return undefined; // no cache yet, or a damaged one: it is only a cache
  }
}

/** Writes the cache unless a newer one is already there (processes race; newest wins). */
export function writeCache(stateDir: string, cache: SharedCache): void {
  const current = readCache(stateDir, cache.remote, cache.ref);
  if (current && Date.parse(current.fetchedAt) > Date.parse(cache.fetchedAt)) return;
  // Not durable: a reader sees the old or the new file, and after a power loss an empty cache
  // only costs a fetch (readCache treats it as missing). Saves a disk flush per lock.
  const file = path.join(stateDir, CACHE_FILE);
  try {
    fs.mkdirSync(stateDir, { recursive: true });
    atomicWrite(file, JSON.stringify(cache) + '\n', { durable: false });
    // Reached: a failure recorded before this contact is over.
    const down = readUnreachable(stateDir, cache.remote, cache.ref);
    if (down && Date.parse(down.at) <= Date.parse(cache.fetchedAt))
      fs.rmSync(path.join(stateDir, UNREACHABLE_FILE), { force: true });
  } catch {
    // a cache that cannot be written only costs a fetch next time
  }
}

export function readUnreachable(
  stateDir: string,
  remote: string,
  ref: string,
): Unreachable | undefined {
  try {
    const data = JSON.parse(
      fs.readFileSync(path.join(stateDir, UNREACHABLE_FILE), 'utf8'),
    ) as Unreachable;
    if (data.remote !== remote || data.ref !== ref || typeof data.at !== 'string') return undefined;
    return data;
  } catch {
    return undefined; // none, or damaged: the remote is tried again
  }
}

/** Records a failed attempt (a plain rename: losing it only costs one more attempt). */
export function writeUnreachable(stateDir: string, record: Unreachable): void {
  try {
    atomicWrite(path.join(stateDir, UNREACHABLE_FILE), JSON.stringify(record) + '\n', {
      durable: false,
    });
  } catch {
    // not recorded: one more attempt next time
  }
}

export function readPending(stateDir: string): SharedPending {
  try {
    const data = JSON.parse(
      fs.readFileSync(path.join(stateDir, PENDING_FILE), 'utf8'),
    ) as Partial<SharedPending>;
    return {
      acquire: Array.isArray(data.acquire) ? data.acquire : [],
      release: Array.isArray(data.release) ? data.release : [],
      conflicts: Array.isArray(data.conflicts) ? data.conflicts : [],
      delivered: Array.isArray(data.delivered) ? data.delivered : [],
      ...(data.offline ? { offline: data.offline } : {}),
    };
  } catch {
    return emptyPending();
  }
}

/** Call only while holding the state-dir mutex (inside updateRegistry). */
export function writePendingLocked(stateDir: string, pending: SharedPending): void {
  const file = path.join(stateDir, PENDING_FILE);
  const empty =
    !pending.acquire.length &&
    !pending.release.length &&
    !pending.conflicts.length &&
    !pending.delivered.length &&
    !pending.offline;
  if (empty) {
    fs.rmSync(file, { force: true });
    return;
  }
  // Keep the delivered list short: notices older than these ids are long gone from the remote.
  pending.delivered = pending.delivered.slice(-200);
  atomicWrite(file, JSON.stringify(pending, null, 2) + '\n');
}

export function hasPendingWork(p: SharedPending): boolean {
  return p.acquire.length > 0 || p.release.length > 0 || p.offline !== undefined;
}
