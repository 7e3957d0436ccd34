import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { sendNote } from '../inbox/sendNote.js';
import { requireProject } from '../project/findProject.js';
import { requireCurrentSession } from '../sessions/resolveSession.js';
import { readRegistry } from '../store/registry.js';
import type { QlockEvent } from '../store/types.js';
import { messages } from '../ui/messages.js';

export interface NoteOptions {
  text: string;
}

export interface NoteResult {
  event: QlockEvent;
  /** The sessions registered when it was sent: every one except the sender. */
  recipients: string[];
}

/** `qlock note <text>`: a note from the current session to every other session's inbox. */
export async function note(options: NoteOptions, ctx: Context): Promise<NoteResult> {
  // Checked before anything else, so an empty note fails the same way inside or outside a session.
  if (!options.text.trim()) throw new UsageError(messages.emptyNote());
  const project = requireProject(ctx.cwd);
  const registry = readRegistry(project.stateDir);
  const from = requireCurrentSession(ctx, registry);
  const event = await sendNote(project.stateDir, from.name, options.text);
  const recipients = Object.keys(readRegistry(project.stateDir).sessions)
    .filter((name) => name !== from.name)
    .sort();
  return { event, recipients };
}

export function renderNote(result: NoteResult): string {
  return messages.noteSent(result.recipients);
}
