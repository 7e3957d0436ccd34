import type { Workspace } from '../project/openWorkspace.js';
import { messages } from '../ui/messages.js';
import { SerialTask } from './serialTask.js';

/**
 * The watcher's question "did base move?": asked after ref events (debounced, one check at a
 * time), by the safety-net timer, and on every tick while polling. The main-moved events
 * themselves are recorded by checkMainMoved (conflicts area); `onMoved` runs once they are in
 * the log. A failing check is reported once per distinct error, then retried quietly.
 */
export interface BaseMovesHandlers {
  onMoved(): void;
  notice(text: string): void;
}

export class BaseMoves {
  private readonly ws: Workspace;
  private readonly now: () => Date;
  private readonly handlers: BaseMovesHandlers;
  private readonly task: SerialTask;
  private lastError: string | undefined;

  constructor(ws: Workspace, now: () => Date, handlers: BaseMovesHandlers) {
    this.ws = ws;
    this.now = now;
    this.handlers = handlers;
    this.task = new SerialTask(() => this.check(), ws.config.watch.debounce);
  }

  /** After a ref event: checks once the burst is over. */
  schedule(): void {
    this.task.schedule();
  }

  /** Checks now (or right after the check under way). */
  run(): Promise<void> {
    return this.task.run();
  }

  close(): void {
    this.task.close();
  }

  private async check(): Promise<void> {
    try {
      const { checkMainMoved } = await import('../conflicts/mainMoved.js');
      const events = await checkMainMoved(this.ws, this.now());
      this.lastError = undefined;
      if (events.length) this.handlers.onMoved();
    } catch (error) {
      const message = (error as Error).message;
      if (message !== this.lastError) this.handlers.notice(messages.watchMainMovedFailed(message));
      this.lastError = message;
    }
  }
}
