import { readRegistry } from '../store/readRegistry.js';
import { emptyRegistry, type Registry } from '../store/types.js';
import { messages } from '../ui/messages.js';

/**
 * The watcher's copy of the registry. Re-read shortly after registry.json changes (writes come in
 * bursts) and on a timer; a damaged file is reported once and the last good copy is kept, so the
 * sessions already watched stay watched until it is repaired.
 */
export class RegistryFollower {
  registry: Registry = emptyRegistry();
  private readonly stateDir: string;
  private readonly onChange: () => void;
  private readonly notice: (text: string) => void;
  private error: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(stateDir: string, onChange: () => void, notice: (text: string) => void) {
    this.stateDir = stateDir;
    this.onChange = onChange;
    this.notice = notice;
  }

  /** Re-reads after a short pause (several writes in a row cost one read). */
  schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.reload(true);
    }, 50);
  }

  /** Re-reads now; `notify` = call onChange when the read succeeded. */
  reload(notify: boolean): void {
    if (this.closed) return;
    try {
      this.registry = readRegistry(this.stateDir);
      if (this.error) this.notice(messages.watchRegistryRecovered());
      this.error = undefined;
    } catch (error) {
      const message = (error as Error).message;
      if (message !== this.error) this.notice(messages.watchRegistryUnreadable(message));
      this.error = message;
      return;
    }
    if (notify) this.onChange();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
