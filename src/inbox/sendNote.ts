import { UsageError } from '../errors.js';
import { eventLogEnd, readEvents } from '../store/eventLog.js';
import { updateRegistry } from '../store/registry.js';
import type { QlockEvent } from '../store/types.js';
import { messages } from '../ui/messages.js';

/** Long enough for a decision with its reason, short enough to stay an inbox line. */
export const MAX_NOTE_LENGTH = 2000;

/**
 * Sends a note from session `from` to every other session's inbox (a broadcast event: no `to`).
 * Refuses an empty or oversized note and an unknown sender, changing nothing. Sending counts as
 * activity, so the sender's lastSeen moves in the same transaction. Returns the stored event.
 */
export async function sendNote(stateDir: string, from: string, text: string): Promise<QlockEvent> {
  const body = text.trim();
  if (!body) throw new UsageError(messages.emptyNote());
  if (body.length > MAX_NOTE_LENGTH) throw new UsageError(messages.noteTooLong(MAX_NOTE_LENGTH));
  const ts = new Date().toISOString();
  const start = await updateRegistry(stateDir, ({ registry, emit }) => {
    const sender = registry.sessions[from];
    if (!sender)
      throw new UsageError(messages.unknownSession(from, Object.keys(registry.sessions)));
    if (Date.parse(sender.lastSeen) < Date.parse(ts)) sender.lastSeen = ts;
    emit({ kind: 'note', from, ts, message: `Note from ${from}: ${body}`, data: { text: body } });
    // We hold the mutex, so our event is the next thing appended after this offset.
    return eventLogEnd(stateDir);
  });
  const stored = readEvents(stateDir, start).events.find(
    (e) => e.kind === 'note' && e.from === from && e.ts === ts,
  );
  if (!stored) throw new Error(`note from ${from} was not found in the event log after writing it`);
  return stored;
}
