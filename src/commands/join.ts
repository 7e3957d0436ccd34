import { type JoinResult, joinSession } from '../sessions/joinSession.js';
import { messages } from '../ui/messages.js';

export type { JoinOptions, JoinResult } from '../sessions/joinSession.js';

/** `qlock join [name] [--base B]`: the session logic is src/sessions/joinSession.ts. */
export const join = joinSession;

export function renderJoin(result: JoinResult): string {
  const s = result.session;
  if (result.alreadyRegistered) return messages.pathAlreadySession(s.name, s.path);
  return `Registered session "${s.name}" at ${s.path}${s.branch ? ` (branch ${s.branch}, base ${s.base})` : ''}.`;
}
