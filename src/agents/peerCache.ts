import fs from 'node:fs';
import path from 'node:path';

/**
 * What the pre-write hook learned about other sessions' files, kept between runs so that an agent
 * editing one file ten times pays for git once: whether a session's copy of a path is in its change
 * set, for a given HEAD, base tip and stat of that copy.
 * Every key holds everything the answer depends on, so an entry never goes stale: it just stops
 * being asked for. Refs and HEADs are read from the files git keeps (no git process).
 */

/** A ref's commit id from the common dir: loose ref file, else packed-refs; symbolic refs followed. */
export function readRef(commonDir: string, ref: string, depth = 0): string | undefined {
  const names = ref.startsWith('refs/')
    ? [ref]
    : [`refs/heads/${ref}`, `refs/tags/${ref}`, `refs/remotes/${ref}`];
  for (const name of names) {
    try {
      const text = fs.readFileSync(path.join(commonDir, name), 'utf8').trim();
      if (/^[0-9a-f]{40,64}$/.test(text)) return text;
      const target = /^ref:\s*(\S+)$/.exec(text)?.[1];
      if (target && depth < 5) return readRef(commonDir, target, depth + 1);
    } catch {
      // not a loose ref: try packed-refs
    }
    try {
      for (const line of fs.readFileSync(path.join(commonDir, 'packed-refs'), 'utf8').split('\n')) {
        const [sha, refName] = line.split(' ');
        if (refName === name && sha && /^[0-9a-f]{40,64}$/.test(sha)) return sha;
      }
    } catch {
      // no packed-refs
    }
  }
  return undefined;
}

/** The commit a worktree has checked out, read from its git dir's HEAD. */
export function worktreeHead(worktree: string, commonDir: string): string | undefined {
  let gitDir = path.join(worktree, '.git');
  try {
    if (fs.statSync(gitDir).isFile()) {
      const target = /^gitdir:\s*(.+?)\s*$/m.exec(fs.readFileSync(gitDir, 'utf8'))?.[1];
      if (!target) return undefined;
      gitDir = path.resolve(worktree, target);
    }
    const head = fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
    if (/^[0-9a-f]{40,64}$/.test(head)) return head;
    const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
    return ref ? readRef(commonDir, ref) : undefined;
  } catch {
    return undefined;
  }
}

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
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.writeFileSync(tmp, JSON.stringify(this.data));
      fs.renameSync(tmp, this.file);
    } catch {
      fs.rmSync(tmp, { force: true });
    }
  }
}
