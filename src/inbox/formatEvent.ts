import type { QlockEvent } from '../store/types.js';
import { shellArg } from '../ui/messages/locks.js';
import { safeText } from '../ui/safeText.js';
import { formatAge } from '../util/duration.js';

/** What the text depends on: an event before or after it is stored. */
type EventText = Omit<QlockEvent, 'id' | 'ts'>;

/**
 * One line of text for an event, for `qlock inbox`, the watcher's live output, agent prompt hooks
 * and notifications. Producers store a `message`, but the structured kinds (main moved, overlap,
 * note) are rebuilt from their data so every channel words them the same way; anything unknown
 * falls back to the stored message. Always a single line, ending with its age.
 */
export function formatEvent(event: QlockEvent, now: Date): string {
  const text = safeText(
    describe(event)
      .replace(/\s*\n\s*/g, ' ')
      .trim(),
  );
  const age = now.getTime() - Date.parse(event.ts);
  return Number.isFinite(age) ? `${text} (${formatAge(age)} ago)` : text;
}

/** The event's text without its age (live output, stored messages): one line. */
export function describeEvent(event: EventText): string {
  return safeText(
    describe(event)
      .replace(/\s*\n\s*/g, ' ')
      .trim(),
  );
}

/** At most `max` paths, then "and N more": keeps a line readable when main moved under 200 files. */
export function listPaths(paths: readonly string[], max = 5): string {
  if (paths.length <= max) return paths.join(', ');
  return `${paths.slice(0, max).join(', ')} and ${paths.length - max} more`;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function describe(event: EventText): string {
  const data = event.data ?? {};
  const paths = event.paths ?? [];
  switch (event.kind) {
    case 'main-moved': {
      const base = str(data.base) ?? 'main';
      const commits = typeof data.commits === 'number' ? data.commits : undefined;
      const head = commits
        ? `${base} moved (${commits} commit${commits === 1 ? '' : 's'})`
        : `${base} moved`;
      const conflicts = strings(data.conflicts);
      if (conflicts.length)
        return `${head}: conflicts predicted in ${listPaths(conflicts)} — run \`qlock sync\` and resolve them`;
      if (paths.length)
        return `${head}: ${listPaths(paths)} changed under your work — run \`qlock sync\``;
      return `${head}: none of your files changed — run \`qlock sync\` when convenient`;
    }
    case 'overlap': {
      const editor = str(data.editor);
      const other = str(data.other);
      const files = listPaths(paths);
      // Each overlap is stored once per recipient, so the text can speak to that recipient.
      if (editor && other && event.to?.length === 1) {
        const lockedBy = str(data.lockedBy);
        if (event.to[0] === editor) {
          return lockedBy
            ? `you are editing ${files}, locked by ${lockedBy} — coordinate with it (\`qlock who ${shellArg(paths[0] ?? '')}\`) before going on`
            : `you are editing ${files}, which ${other} has also changed — coordinate with it, see \`qlock conflicts\``;
        }
        return lockedBy === event.to[0]
          ? `${editor} started editing ${files}, which you have locked — see \`qlock status\``
          : `${editor} started editing ${files}, which you have also changed — see \`qlock conflicts\``;
      }
      return event.message || `overlap on ${files}`;
    }
    case 'note': {
      const text = str(data.text) ?? event.message;
      return event.from ? `note from ${event.from}: ${text}` : `note: ${text}`;
    }
    default:
      return event.message || `${event.kind}${paths.length ? `: ${listPaths(paths)}` : ''}`;
  }
}
