import { describeEvent } from '../inbox/formatEvent.js';
import type { NewEvent } from '../store/types.js';

/**
 * The two events an overlap produces: one to the session that started editing, one to the session
 * whose work (change set or lock) it touches. Stored per recipient so each can be worded for it.
 */
export function overlapEvents(group: {
  editor: string;
  other: string;
  lockedBy?: string;
  paths: string[];
}): NewEvent[] {
  const data: Record<string, unknown> = {
    editor: group.editor,
    other: group.other,
    reason: group.lockedBy ? 'locked' : 'changed',
    ...(group.lockedBy ? { lockedBy: group.lockedBy } : {}),
  };
  return [group.other, group.editor].map((recipient) => {
    const event: NewEvent = {
      kind: 'overlap',
      from: group.editor,
      to: [recipient],
      message: '',
      paths: [...group.paths].sort(),
      data,
    };
    event.message = describeEvent(event);
    return event;
  });
}
