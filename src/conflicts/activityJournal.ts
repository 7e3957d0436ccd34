import fs from 'node:fs';
import path from 'node:path';

import { atomicWrite } from '../store/atomicWrite.js';
import { cacheDir } from './conflictCache.js';

/**
 * What lets a conflict check skip re-scanning a working tree: `qlock watch` notes, per session,
 * when it started watching the tree (inotify on every directory) and when it last saw any file
 * event in it. A snapshot scanned after the watch began, with no event since the scan started,
 * is still the tree: the scan (`git add -A`, an lstat of every file) is skipped.
 *
 * Only trusted while the watcher process is alive and the session is watched (not polled). The
 * journal is rewritten within the event-loop turn of each batch of events; an edit made in the
 * last few milliseconds before a check, not yet delivered by inotify, may be seen by the next
 * check instead. Without a running watcher nothing is trusted and every tree is scanned.
 */

export interface SessionActivity {
  mode: 'watch' | 'poll';
  /** When the watch of the whole tree was in place (ms since epoch). */
  since: number;
  /** The last file event (ms since epoch); 0 = none yet. */
  last: number;
}

interface JournalData {
  version: 1;
  pid: number;
  sessions: Record<string, SessionActivity>;
}

export function activityFile(stateDir: string): string {
  return path.join(cacheDir(stateDir), 'activity.json');
}

/** The writer side, owned by `qlock watch` (one per state dir, guarded by its pid file). */
export class ActivityJournal {
  private readonly file: string;
  private readonly data: JournalData;
  private pending = false;
  private closed = false;

  private readonly now: () => number;

  constructor(stateDir: string, now: () => number = Date.now) {
    this.now = now;
    this.file = activityFile(stateDir);
    this.data = { version: 1, pid: process.pid, sessions: {} };
  }

  /** The session's tree is fully watched from now on (or only polled: then never trusted). */
  watching(session: string, mode: 'watch' | 'poll'): void {
    const t = this.now();
    this.data.sessions[session] = { mode, since: t, last: t };
    this.writeNow();
  }

  /** A file event in the session's tree. Written before any debounce, batched per tick. */
  touched(session: string): void {
    const entry = this.data.sessions[session];
    if (!entry) return;
    entry.last = this.now();
    if (this.pending) return;
    this.pending = true;
    // The event's batch is recorded before the watcher yields to anything else it does.
    queueMicrotask(() => {
      this.pending = false;
      this.writeNow();
    });
  }

  forget(session: string): void {
    if (!(session in this.data.sessions)) return;
    delete this.data.sessions[session];
    this.writeNow();
  }

  close(): void {
    this.closed = true;
    fs.rmSync(this.file, { force: true });
  }

  private writeNow(): void {
    if (this.closed) return;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      atomicWrite(this.file, JSON.stringify(this.data), { durable: false });
    } catch {
      // best effort: a journal that is not written is a journal that is not trusted
      fs.rmSync(this.file, { force: true });
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads the journal once per run: name → activity, only when its watcher is alive. */
export function readActivity(stateDir: string): Map<string, SessionActivity> {
  try {
    const data = JSON.parse(fs.readFileSync(activityFile(stateDir), 'utf8')) as JournalData;
    if (data?.version !== 1 || typeof data.pid !== 'number' || !alive(data.pid)) return new Map();
    return new Map(Object.entries(data.sessions ?? {}));
  } catch {
    return new Map();
  }
}

/** Whether the watcher vouches that nothing in the tree changed since `scannedAt`. */
export function unchangedSince(
  activity: SessionActivity | undefined,
  scannedAt: number | undefined,
): boolean {
  if (!activity || activity.mode !== 'watch' || scannedAt === undefined) return false;
  return activity.since <= scannedAt && activity.last < scannedAt;
}
