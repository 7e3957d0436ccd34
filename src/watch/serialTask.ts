/**
 * A task run one at a time, after a debounce: a request during a run asks for exactly one more run
 * afterwards (so the last request is always answered, and bursts cost two runs at most). Used for
 * `checkMainMoved` after ref events, which come in bursts (lock file, rename, reflog).
 */
export class SerialTask {
  private readonly task: () => Promise<void>;
  private readonly debounceMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private closed = false;

  constructor(task: () => Promise<void>, debounceMs: number) {
    this.task = task;
    this.debounceMs = debounceMs;
  }

  /** Runs after the debounce (restarted by every call). */
  schedule(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, this.debounceMs);
  }

  /** Runs now, or right after the current run. Never rejects (the task handles its errors). */
  async run(): Promise<void> {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      await this.task();
    } finally {
      this.running = false;
      if (this.again && !this.closed) {
        this.again = false;
        void this.run();
      }
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
