import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { seedIndex } from './snapshotTree.js';

/**
 * One process's private index for snapshotting a session (issue 21, point 9). The session's
 * shared private index (`<stateDir>/cache/index/<session>`) is never handed to git directly:
 * each process works on its own name for it, `<session>.seed-<pid>-<uuid>`.
 *
 * - A hard link, not a copy: git never writes an index in place (it writes `<file>.lock` and
 *   renames it over the file), so `git add -A` on our link replaces only our name and the shared
 *   file stays as it was. The link costs nothing and keeps the index's mtime, which git's
 *   racy-clean check compares with its entries' mtimes.
 * - When the session's real index changed (or there is no shared copy yet), our name is seeded
 *   from the real index instead (a copy with its mtime, snapshotTree.seedIndex).
 * - After `write-tree`, publish() renames our file over the shared one (atomic: other processes
 *   link either the old file or the new one); racing publishers each leave a complete index that
 *   was brought up to the working tree, so whichever lands last is a valid start for the next run.
 *
 * Before this, every process re-seeded and updated the shared file itself: one process's seed
 * could land between another's `add -A` and `write-tree`, which then wrote a tree of HEAD plus the
 * staged changes only and reported "merges cleanly" for a pair git says conflicts.
 */
export interface PrivateIndex {
  file: string;
  /** Started from the shared copy (false: seeded from the real index). */
  linked: boolean;
  /** Makes this index the shared one for later runs. */
  publish(): void;
  /** Removes this process's name (and a lock file git may have left). */
  dispose(): void;
}

const LEFTOVER = /\.seed-(\d+)-/;

export function openPrivateIndex(shared: string, realIndex: string, reuse: boolean): PrivateIndex {
  const file = `${shared}.seed-${process.pid}-${crypto.randomUUID()}`;
  let linked = false;
  if (reuse) {
    try {
      fs.linkSync(shared, file);
      linked = true;
    } catch {
      // no shared copy yet (or a file system without hard links): seed below
    }
  }
  if (!linked) {
    removeLeftovers(shared);
    seedIndex(realIndex, file);
  }
  return {
    file,
    linked,
    publish() {
      try {
        if (fs.existsSync(file)) fs.renameSync(file, shared);
      } catch {
        // only a cache: the next run seeds again
      }
    },
    dispose() {
      fs.rmSync(file, { force: true });
      fs.rmSync(`${file}.lock`, { force: true });
    },
  };
}

/** Per-process files of this session left by a qlock that was killed mid-snapshot. */
function removeLeftovers(shared: string): void {
  const dir = path.dirname(shared);
  const prefix = `${path.basename(shared)}.seed-`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = LEFTOVER.exec(name);
    if (pid && !isAlive(Number(pid[1]))) fs.rmSync(path.join(dir, name), { force: true });
  }
}

/** Same as watch/watchPidFile.isProcessAlive, without that module's imports on the hot path. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Identity of an index file's content: its trailing checksum (git hashes everything before it),
 * read from the last 32 bytes (a SHA-256 checksum, or a SHA-1 one and the 12 bytes before it).
 * An index written with `index.skipHash` ends in zeros: then the whole file is hashed.
 * Undefined when there is no file.
 */
export function indexChecksum(file: string): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const tail = Buffer.alloc(Math.min(32, size));
    fs.readSync(fd, tail, 0, tail.length, size - tail.length);
    if (tail.length === 32 && tail.subarray(12).some((b) => b !== 0)) return tail.toString('hex');
    return crypto.createHash('sha1').update(fs.readFileSync(fd)).digest('hex');
  } finally {
    fs.closeSync(fd);
  }
}
