import { type Closable, watchBaseRef, watchStateDir } from './watchSignals.js';

/**
 * What the watcher hears besides the session trees: the state dir (registry changes, events
 * recorded by other processes) and base's ref. Watched with chokidar while inotify allows it.
 * When inotify refuses a watch (ENOSPC: the user's other programs hold them all) the partial
 * watches are given back and all three are asked every `intervalMs` instead, so notes, sessions
 * and main moves still arrive within about that time rather than at the next safety-net check.
 * `watch.usePolling` asks the same way from the start.
 */
export interface SignalHandlers {
  onRegistry(): void;
  onEvents(): void;
  onBaseRef(): void;
  /** A polling tick: re-read the registry, the log's tail and base's tip now (no debounce). */
  onPoll(): void;
  /** Inotify refused a watch and polling took over (the caller tells the user, once). */
  onLimit(): void;
}

export class ProjectSignals {
  private readonly stateDir: string;
  private readonly intervalMs: number;
  private readonly handlers: SignalHandlers;
  private closables: Closable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(stateDir: string, intervalMs: number, handlers: SignalHandlers) {
    this.stateDir = stateDir;
    this.intervalMs = intervalMs;
    this.handlers = handlers;
  }

  get polling(): boolean {
    return this.timer !== undefined;
  }

  watchState(): void {
    if (this.closed || this.polling) return;
    this.closables.push(
      watchStateDir(this.stateDir, {
        onRegistry: () => this.handlers.onRegistry(),
        onEvents: () => this.handlers.onEvents(),
        onLimit: () => this.limit(),
      }),
    );
  }

  watchRef(commonDir: string, fullRef: string): void {
    if (this.closed || this.polling) return;
    this.closables.push(
      watchBaseRef(
        commonDir,
        fullRef,
        () => this.handlers.onBaseRef(),
        () => this.limit(),
      ),
    );
  }

  /** Asks every interval from now on (idempotent). */
  poll(): void {
    if (this.closed || this.timer) return;
    this.timer = setInterval(() => this.handlers.onPoll(), this.intervalMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.release();
  }

  private limit(): void {
    if (this.closed || this.timer) return;
    this.poll();
    void this.release();
    this.handlers.onLimit();
  }

  private async release(): Promise<void> {
    const closables = this.closables;
    this.closables = [];
    await Promise.all(closables.map((c) => c.close().catch(() => undefined)));
  }
}
