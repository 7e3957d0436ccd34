import { isFor, readEvents } from '../store/eventLog.js';
import { readRegistry, updateRegistry } from '../store/registry.js';
import type { QlockEvent } from '../store/types.js';

export interface TakeOptions {
  /** Do not advance the cursor. */
  peek?: boolean;
  /** Also return events already read (from the start of the log). */
  all?: boolean;
}

/**
 * A session's unread events (its inbox), and, unless peeking, marks them read by moving its cursor
 * to the end of what was read. The cursor only moves forward, so two readers racing (the agent's
 * prompt hook and `qlock inbox`) never deliver an event twice.
 */
export async function takeUnread(
  stateDir: string,
  sessionName: string,
  options: TakeOptions = {},
): Promise<QlockEvent[]> {
  const session = readRegistry(stateDir).sessions[sessionName];
  if (!session) return [];
  if (options.peek) {
    return readEvents(stateDir, options.all ? 0 : session.cursor).events.filter((e) =>
      isFor(e, sessionName),
    );
  }
  return updateRegistry(stateDir, ({ registry }) => {
    const current = registry.sessions[sessionName];
    if (!current) return [];
    const { events, end } = readEvents(stateDir, current.cursor);
    const unread = events.filter((e) => isFor(e, sessionName));
    if (end > current.cursor) current.cursor = end;
    if (!options.all) return unread;
    return readEvents(stateDir, 0).events.filter(
      (e) => isFor(e, sessionName) && e.id < current.cursor,
    );
  });
}
