import fs from 'node:fs';
import path from 'node:path';

import { createDebug } from '../ui/debug.js';

const debug = createDebug('watch');

/**
 * Watches one session's tree with one inotify watch per *directory*, never per file.
 *
 * Why raw `fs.watch` and not chokidar here: chokidar (4 and 5) puts a watch on every file as well
 * as every directory, even with `depth: 0` (measured: a directory of 10 files and one subdirectory
 * took 11 watches; the full tree of 20 files, 22). 10 sessions × 20k files would need ~200k
 * watches, over this machine's whole per-user limit (192,536), and ENOSPC then breaks the user's
 * editor and dev server too. On Linux a watch on a directory already reports writes, creations,
 * deletions and renames of its direct children, so watching directories only costs ~1/20 of
 * that. chokidar is still used where it fits: the refs directory and the state dir (a handful of
 * entries, and its atomic-rename handling helps there).
 */

export class WatchLimitError extends Error {
  readonly reason: 'enospc' | 'budget';
  constructor(reason: 'enospc' | 'budget') {
    super(reason === 'enospc' ? 'inotify watch limit reached (ENOSPC)' : 'watch budget exhausted');
    this.name = 'WatchLimitError';
    this.reason = reason;
  }
}

export interface TreeWatcherOptions {
  root: string;
  /** Absolute directories never to descend into (the state dir, sessions nested in this one). */
  skipDirs: ReadonlySet<string>;
  /** Names skipped at the root only (the plain-directory `.qlock` pointer or state dir). */
  skipRootNames: ReadonlySet<string>;
  /** Config `ignore` globs and what git ignores; `rel` is '/'-separated, relative to root. */
  isIgnored(rel: string, isDir: boolean): boolean;
  /** Batch check for directories created while watching (git check-ignore); may be absent. */
  filterNewDirs?(rels: string[]): Promise<Set<string>>;
  /** Asks for `n` more watches from the shared budget; false = over budget. */
  reserve(n: number): boolean;
  release(n: number): void;
  /** Files (relative paths) that were written, created, deleted or renamed. */
  onPaths(rels: string[]): void;
  /**
   * Any event at all in the tree, before filtering (also a directory renamed away, which names no
   * file): the activity journal must hear of every change for its "unchanged since" promise.
   */
  onActivity?(): void;
  /** The root directory itself is gone (worktree deleted). */
  onGone(): void;
  /** Ran out of watches while the tree grew: the caller switches this session to polling. */
  onLimit(error: WatchLimitError): void;
}

interface DirWatch {
  watcher: fs.FSWatcher;
  ino: number;
}

export class TreeWatcher {
  private readonly dirs = new Map<string, DirWatch>();
  private closed = false;

  private readonly options: TreeWatcherOptions;

  constructor(options: TreeWatcherOptions) {
    this.options = options;
  }

  get watchCount(): number {
    return this.dirs.size;
  }

  /** Walks the tree and watches every directory; throws WatchLimitError (after cleaning up). */
  async start(): Promise<void> {
    try {
      await this.walk(['']);
    } catch (error) {
      this.close();
      throw error;
    }
  }

  close(): void {
    this.closed = true;
    for (const rel of [...this.dirs.keys()]) this.unwatch(rel);
  }

  private abs(rel: string): string {
    return rel ? path.join(this.options.root, rel) : this.options.root;
  }

  private skipChild(parentRel: string, name: string, isDir: boolean): boolean {
    if (name === '.git') return true;
    if (!parentRel && this.options.skipRootNames.has(name)) return true;
    const rel = parentRel ? `${parentRel}/${name}` : name;
    if (isDir && this.options.skipDirs.has(this.abs(rel))) return true;
    return this.options.isIgnored(rel, isDir);
  }

  /**
   * Breadth-first: watches each directory, then lists it for subdirectories. Watching before
   * listing means a file created in between is either listed or reported, never missed.
   * Returns the files found (reported by callers that add a directory while running). With
   * `filter`, each level's directories are first checked with git (directories created while
   * running: a new package's node_modules must not be watched).
   */
  private async walk(
    start: string[],
    filter?: (rels: string[]) => Promise<Set<string>>,
  ): Promise<string[]> {
    const files: string[] = [];
    let level = start;
    while (level.length && !this.closed) {
      if (filter) {
        const ignored = await filter(level);
        level = level.filter((rel) => !ignored.has(rel));
        if (this.closed) break;
      }
      const next: string[] = [];
      for (const rel of level) {
        if (!this.watchDir(rel)) continue;
        let entries: fs.Dirent[];
        try {
          entries = fs.readdirSync(this.abs(rel), { withFileTypes: true });
        } catch {
          continue; // vanished or unreadable: nothing to watch below
        }
        for (const entry of entries) {
          const isDir = entry.isDirectory();
          if (this.skipChild(rel, entry.name, isDir)) continue;
          const childRel = rel ? `${rel}/${entry.name}` : entry.name;
          if (isDir) next.push(childRel);
          else files.push(childRel);
        }
      }
      level = next;
    }
    return files;
  }

  /** Watches one directory; false when it cannot be watched (gone, unreadable). */
  private watchDir(rel: string): boolean {
    if (this.dirs.has(rel)) return true;
    const abs = this.abs(rel);
    let ino: number;
    try {
      ino = fs.statSync(abs).ino;
    } catch {
      return false;
    }
    if (!this.options.reserve(1)) throw new WatchLimitError('budget');
    let watcher: fs.FSWatcher;
    try {
      watcher = fs.watch(abs, { persistent: true }, (type, name) =>
        this.handle(rel, type, typeof name === 'string' ? name : null),
      );
    } catch (error) {
      this.options.release(1);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC') throw new WatchLimitError('enospc');
      debug(`cannot watch ${abs}: ${code ?? String(error)}`);
      return false;
    }
    // Errors arrive when a watched directory disappears under us: treat as removed.
    watcher.on('error', () => this.checkGone(rel));
    this.dirs.set(rel, { watcher, ino });
    return true;
  }

  private unwatch(rel: string): void {
    const entry = this.dirs.get(rel);
    if (!entry) return;
    this.dirs.delete(rel);
    entry.watcher.close();
    this.options.release(1);
  }

  /** Stops watching `rel` and everything below it. */
  private unwatchTree(rel: string): void {
    const prefix = rel ? `${rel}/` : '';
    for (const key of [...this.dirs.keys()]) {
      if (key === rel || (prefix && key.startsWith(prefix)) || !rel) this.unwatch(key);
    }
  }

  private checkGone(rel: string): void {
    if (this.closed) return;
    const entry = this.dirs.get(rel);
    let ino: number | undefined;
    try {
      ino = fs.statSync(this.abs(rel)).ino;
    } catch {
      ino = undefined;
    }
    if (entry && ino === entry.ino) return;
    this.unwatchTree(rel);
    if (!rel) {
      this.closed = true;
      this.options.onGone();
    } else if (ino !== undefined) {
      this.addDir(rel); // replaced by a new directory of the same name
    }
  }

  private handle(dirRel: string, _type: string, name: string | null): void {
    if (this.closed) return;
    this.options.onActivity?.();
    if (name === null) return;
    // A watched directory that is deleted reports its own name: check it still exists.
    if (name === path.basename(this.abs(dirRel))) {
      if (!fs.existsSync(this.abs(dirRel))) {
        this.checkGone(dirRel);
        return;
      }
    }
    const rel = dirRel ? `${dirRel}/${name}` : name;
    if (this.dirs.has(rel)) {
      this.checkGone(rel);
      return;
    }
    let stat: fs.Stats | undefined;
    try {
      stat = fs.lstatSync(this.abs(rel));
    } catch {
      stat = undefined; // deleted or renamed away: still a change to report
    }
    const isDir = stat?.isDirectory() ?? false;
    if (this.skipChild(dirRel, name, isDir)) return;
    if (isDir) this.addDir(rel);
    else this.options.onPaths([rel]);
  }

  /** A directory appeared (mkdir, checkout, rename): watch it and report the files already in it. */
  private addDir(rel: string): void {
    const run = async () => {
      const files = await this.walk([rel], this.options.filterNewDirs);
      if (files.length && !this.closed) this.options.onPaths(files);
    };
    run().catch((error: unknown) => {
      if (error instanceof WatchLimitError) {
        this.close();
        this.options.onLimit(error);
      } else debug(`adding ${rel}: ${String(error)}`);
    });
  }
}
