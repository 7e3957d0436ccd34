import fs from 'node:fs';
import path from 'node:path';

/**
 * The fallback when a session cannot have inotify watches (limit reached, or `watch.usePolling`):
 * every interval, re-read the session's change set (git status, or the snapshot comparison for a
 * plain directory) and stat the files in it. A file that enters the change set, or whose size or
 * mtime changes, is reported as edited. Unlike stat-polling every file (chokidar's usePolling:
 * one fs.watchFile per file), the cost follows the number of changed files, not the tree size.
 */
export interface PollWatcherOptions {
  root: string;
  intervalMs: number;
  /** Re-reads the change set and returns it (undefined = could not read it this time). */
  readChanged(): Promise<ReadonlySet<string> | undefined>;
  onPaths(rels: string[]): void;
  onGone(): void;
}

function signature(file: string): string {
  try {
    const stat = fs.lstatSync(file);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return 'gone';
  }
}

export class PollWatcher {
  private readonly options: PollWatcherOptions;
  private timer: NodeJS.Timeout | undefined;
  private seen: Map<string, string> | undefined;
  private closed = false;

  constructor(options: PollWatcherOptions) {
    this.options = options;
  }

  start(): void {
    void this.tick();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.closed) return;
    if (!fs.existsSync(this.options.root)) {
      this.closed = true;
      this.options.onGone();
      return;
    }
    try {
      const changed = await this.options.readChanged();
      if (changed && !this.closed) this.compare(changed);
    } finally {
      if (!this.closed) this.timer = setTimeout(() => void this.tick(), this.options.intervalMs);
    }
  }

  private compare(changed: ReadonlySet<string>): void {
    const now = new Map<string, string>();
    for (const rel of changed) now.set(rel, signature(path.join(this.options.root, rel)));
    const previous = this.seen;
    this.seen = now;
    if (!previous) return; // the first read is the baseline
    const edited: string[] = [];
    for (const [rel, sig] of now) if (previous.get(rel) !== sig) edited.push(rel);
    for (const rel of previous.keys()) if (!now.has(rel)) edited.push(rel);
    if (edited.length) this.options.onPaths(edited);
  }
}
