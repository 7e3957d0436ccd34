import { createDebug } from '../ui/debug.js';

const debug = createDebug('watch');

/**
 * The watcher's copy of every session's change set, re-read in the background after that
 * session's files change (trailing debounce, with a maximum wait so a session that writes
 * constantly is still re-read). Reads go through a small queue: on a 2-core machine, ten
 * `git status` runs at once would slow the sessions' own work.
 */
export interface RefreshResult {
  session: string;
  /** When the read began (ms): edits after this are not reflected. */
  startedAt: number;
  paths: ReadonlySet<string>;
  /** The set before this read (undefined on the first read). */
  previous?: ReadonlySet<string>;
}

export interface ChangeSetCacheOptions {
  /** Reads a session's changed paths; undefined = cannot tell now (keep the previous set). */
  load(session: string): Promise<string[] | undefined>;
  onRefreshed(result: RefreshResult): void;
  concurrency?: number;
  delayMs?: number;
  maxWaitMs?: number;
}

interface Pending {
  timer?: NodeJS.Timeout;
  firstAt: number;
}

export class ChangeSetCache {
  readonly sets = new Map<string, ReadonlySet<string>>();
  private readonly options: Required<ChangeSetCacheOptions>;
  private readonly pending = new Map<string, Pending>();
  private readonly queue: string[] = [];
  private readonly waiters = new Map<string, (() => void)[]>();
  private running = 0;
  private closed = false;

  constructor(options: ChangeSetCacheOptions) {
    this.options = { concurrency: 2, delayMs: 500, maxWaitMs: 3000, ...options };
  }

  /** Re-reads `session` once its files have been quiet for delayMs (at most maxWaitMs later). */
  schedule(session: string): void {
    if (this.closed) return;
    const now = Date.now();
    const pending = this.pending.get(session) ?? { firstAt: now };
    if (pending.timer) clearTimeout(pending.timer);
    const wait = Math.max(
      0,
      Math.min(this.options.delayMs, pending.firstAt + this.options.maxWaitMs - now),
    );
    pending.timer = setTimeout(() => {
      this.pending.delete(session);
      this.enqueue(session);
    }, wait);
    this.pending.set(session, pending);
  }

  /** Queues a read now; resolves when it has completed. */
  refresh(session: string): Promise<void> {
    return new Promise((resolve) => {
      const list = this.waiters.get(session) ?? [];
      list.push(resolve);
      this.waiters.set(session, list);
      this.enqueue(session);
    });
  }

  delete(session: string): void {
    const pending = this.pending.get(session);
    if (pending?.timer) clearTimeout(pending.timer);
    this.pending.delete(session);
    this.sets.delete(session);
  }

  close(): void {
    this.closed = true;
    for (const pending of this.pending.values()) if (pending.timer) clearTimeout(pending.timer);
    this.pending.clear();
    for (const list of this.waiters.values()) for (const resolve of list) resolve();
    this.waiters.clear();
  }

  private enqueue(session: string): void {
    if (this.closed) return;
    if (!this.queue.includes(session)) this.queue.push(session);
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.running < this.options.concurrency && this.queue.length) {
      const session = this.queue.shift()!;
      // Whoever asked before this read starts is answered by it.
      const waiters = this.waiters.get(session) ?? [];
      this.waiters.delete(session);
      this.running++;
      const startedAt = Date.now();
      this.options
        .load(session)
        .then((paths) => {
          if (this.closed || !paths) return;
          const set = new Set(paths);
          const previous = this.sets.get(session);
          this.sets.set(session, set);
          this.options.onRefreshed({
            session,
            startedAt,
            paths: set,
            ...(previous ? { previous } : {}),
          });
        })
        .catch((error: unknown) => debug(`change set of ${session}: ${String(error)}`))
        .finally(() => {
          this.running--;
          for (const resolve of waiters) resolve();
          this.pump();
        });
    }
  }
}
