import { noticeMainMoved } from '../conflicts/noticeMainMoved.js';
import type { Context } from '../context.js';
import { formatEvent } from '../inbox/formatEvent.js';
import { takeUnread } from '../inbox/takeUnread.js';
import { requireProject } from '../project/findProject.js';
import { requireCurrentSession } from '../sessions/resolveSession.js';
import { touchSession } from '../sessions/touchSession.js';
import { readRegistry } from '../store/registry.js';
import type { QlockEvent } from '../store/types.js';
import { messages } from '../ui/messages.js';

export interface InboxOptions {
  peek?: boolean;
  all?: boolean;
}

export interface InboxResult {
  session: string;
  peek: boolean;
  all: boolean;
  /** Oldest first; each with its one-line text. */
  events: (QlockEvent & { text: string })[];
}

/** `qlock inbox`: the current session's unread events; marks them read unless --peek. */
export async function inbox(options: InboxOptions, ctx: Context): Promise<InboxResult> {
  const project = requireProject(ctx.cwd);
  const session = requireCurrentSession(ctx, readRegistry(project.stateDir));
  const now = ctx.now();
  await noticeMainMoved({ project }, now);
  const events = await takeUnread(project.stateDir, session.name, {
    ...(options.peek ? { peek: true } : {}),
    ...(options.all ? { all: true } : {}),
  });
  await touchSession(project.stateDir, session.name, now);
  return {
    session: session.name,
    peek: options.peek === true,
    all: options.all === true,
    events: events.map((e) => ({ ...e, text: formatEvent(e, now) })),
  };
}

export function renderInbox(result: InboxResult): string {
  if (!result.events.length) return messages.inboxEmpty(result.session, result.all);
  const lines = [
    messages.inboxHeader(result.session, result.events.length, result.peek, result.all),
  ];
  for (const event of result.events) lines.push(`  ${event.kind}: ${event.text}`);
  return lines.join('\n');
}
