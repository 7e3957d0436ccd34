import fs from 'node:fs';
import path from 'node:path';

import { atomicWrite } from '../store/atomicWrite.js';

/**
 * What the pre-write hook learned about other sessions' files, kept between runs so that an agent
 * editing one file ten times pays for git once: whether a session's copy of a path is in its change
 * set, for a given HEAD, base tip and stat of that copy.
 * Every key holds everything the answer depends on, so an entry never goes stale: it just stops
 * being asked for.
 */

/** Entries kept; past that the older half goes. */
const MAX_ENTRIES = 600;

interface CacheData {
  /**
   * `<session>\0<path>\0<head>\0<base tip>\0<size:mtime:inode of its copy>` → in that session's
   * change set. Any write to the copy changes its mtime, and with it the key.
   */
  peer: Record<string, boolean>;
}

/** A file's stat signature for cache keys ('' when it does not exist). */
export function statSignature(file: string): string {
  try {
    const st = fs.statSync(file, { bigint: true });
    return `${st.size}:${st.mtimeNs}:${st.ino}`;
  } catch {
    return '';
  }
}

export class PeerCache {
  private readonly file: string;
  private data: CacheData = { peer: {} };
  private changed = false;

  constructor(stateDir: string) {
    this.file = path.join(stateDir, 'agents', 'peer-cache.json');
    try {
      const data = JSON.parse(fs.readFileSync(this.file, 'utf8')) as Partial<CacheData>;
      if (data.peer) this.data = data as CacheData;
    } catch {
      // none yet, or unreadable: it is only a cache
    }
  }

  peer(key: string): boolean | undefined {
    return this.data.peer[key];
  }

  setPeer(key: string, inChangeSet: boolean): void {
    this.data.peer[key] = inChangeSet;
    this.changed = true;
  }

  save(): void {
    if (!this.changed) return;
    const keys = Object.keys(this.data.peer);
    if (keys.length > MAX_ENTRIES)
      for (const key of keys.slice(0, keys.length - MAX_ENTRIES / 2)) delete this.data.peer[key];
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      atomicWrite(this.file, JSON.stringify(this.data), { durable: false });
    } catch {
      // only a cache: the next hook asks again
    }
  }
}
