import fs from 'node:fs';
import path from 'node:path';

import { RefReader } from '../git/refReader.js';
import { atomicWrite } from '../store/atomicWrite.js';

/**
 * The committed part of a git change set (`git diff --name-only base...HEAD` and ahead/behind)
 * cached by commit ids in `<stateDir>/cache/committed.json`. Both are functions of HEAD and base's
 * tip alone, so the entry for `<base>:<head>:<tip>` never goes stale; a run where no session
 * committed and base did not move spawns one `git status` per session instead of three (each
 * spawn blocks node's thread for ~3 ms, far more under load). HEAD and the tip are read from the
 * ref files; where that fails (reftable, an odd base) git is asked as before. Only a cache: an
 * unreadable file means "ask git", and a lost race between writers loses nothing but time.
 */

export interface CommittedEntry {
  committed: string[];
  ahead: number;
  behind: number;
}

interface CacheFile {
  version: number;
  entries: Record<string, CommittedEntry>;
}

const VERSION = 1;
/** Entries kept (oldest dropped first): a few per session and base move. */
const MAX_ENTRIES = 200;

export class CommittedCache {
  private readonly file: string;
  private readonly commonDir: string | undefined;
  private data: CacheFile | undefined;

  constructor(stateDir: string, commonDir: string | undefined) {
    this.file = path.join(stateDir, 'cache', 'committed.json');
    this.commonDir = commonDir;
  }

  /** The key for a worktree's HEAD against base, read from the ref files; undefined: ask git. */
  keyFor(worktree: string, base: string): { key: string; head: string; tip: string } | undefined {
    if (!this.commonDir) return undefined;
    // A fresh reader each time: a long-running watcher must not key by a tip it read long ago.
    const refs = new RefReader(this.commonDir);
    const head = refs.headOf(worktree);
    const tip = refs.branchTip(base);
    return head && tip ? { key: `${base}:${head}:${tip}`, head, tip } : undefined;
  }

  get(key: string): CommittedEntry | undefined {
    return this.load().entries[key];
  }

  /** Records an entry and writes the file (without fsync: losing it costs only time). */
  set(key: string, entry: CommittedEntry): void {
    const data = this.load();
    delete data.entries[key];
    data.entries[key] = entry;
    const keys = Object.keys(data.entries);
    for (const old of keys.slice(0, Math.max(0, keys.length - MAX_ENTRIES))) {
      delete data.entries[old];
    }
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      atomicWrite(this.file, JSON.stringify(data), { durable: false });
    } catch {
      // not written: the next run asks git again
    }
  }

  private load(): CacheFile {
    if (this.data) return this.data;
    try {
      const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8')) as CacheFile;
      if (parsed?.version === VERSION && parsed.entries && typeof parsed.entries === 'object') {
        return (this.data = parsed);
      }
    } catch {
      // missing or unreadable: start empty
    }
    return (this.data = { version: VERSION, entries: {} });
  }
}

const caches = new Map<string, CommittedCache>();

/** One cache per state dir and process (the watcher and status read many sessions). */
export function committedCache(stateDir: string, commonDir: string | undefined): CommittedCache {
  let cache = caches.get(stateDir);
  if (!cache) caches.set(stateDir, (cache = new CommittedCache(stateDir, commonDir)));
  return cache;
}
