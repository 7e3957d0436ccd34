import { eventLogEnd, readEvents } from '../store/eventLog.js';
import type { QlockEvent } from '../store/types.js';
import { createDebug } from '../ui/debug.js';

const debug = createDebug('watch');

/**
 * Follows the event log from where it ended when the watcher started, so the watcher prints every
 * event recorded meanwhile: its own, and those of hooks, `qlock lock --force`, notes, joins.
 * Synchronous reads, so two drains never interleave.
 */
export class LogTail {
  private readonly stateDir: string;
  private offset: number;

  constructor(stateDir: string) {
    this.stateDir = stateDir;
    this.offset = eventLogEnd(stateDir);
  }

  /** The complete events appended since the last call (a line still being written waits). */
  drain(): QlockEvent[] {
    try {
      const { events, end } = readEvents(this.stateDir, this.offset);
      // A log that shrank (rotated, or restored from a backup) restarts from its end.
      this.offset = end;
      return events;
    } catch (error) {
      debug(`reading the event log: ${String(error)}`);
      return [];
    }
  }
}
