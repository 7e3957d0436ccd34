import { updateRegistry } from '../store/registry.js';
import { overlapEvents } from './overlapEvents.js';
import { groupOverlaps, type NewOverlap } from './overlapTracker.js';

/**
 * Appends the overlap events (one per recipient and pair) and, when `touchAt` is given, moves the
 * editing session's lastSeen, in one registry transaction: a single mutex round per batch of edits.
 */
export async function recordOverlaps(
  stateDir: string,
  session: string,
  found: readonly NewOverlap[],
  touchAt?: Date,
): Promise<void> {
  await updateRegistry(stateDir, ({ registry, emit }) => {
    for (const group of groupOverlaps(found)) for (const event of overlapEvents(group)) emit(event);
    const current = registry.sessions[session];
    if (touchAt && current && Date.parse(current.lastSeen) < touchAt.getTime())
      current.lastSeen = touchAt.toISOString();
  });
}
