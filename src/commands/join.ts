import type { Context } from '../context.js';
import { findProject } from '../project/findProject.js';
import { type JoinOptions, type JoinResult, joinSession } from '../sessions/joinSession.js';
import { messages } from '../ui/messages.js';

export type { JoinOptions, JoinResult } from '../sessions/joinSession.js';

/**
 * `qlock join [name] [--base B]`: the session logic is src/sessions/joinSession.ts; a new git
 * session also gets the hooks that live per worktree (husky's untracked .husky/_).
 */
export async function join(options: JoinOptions, ctx: Context): Promise<JoinResult> {
  const result = await joinSession(options, ctx);
  if (result.alreadyRegistered) return result;
  const project = findProject(result.session.path);
  if (project?.kind !== 'git') return result;
  const { prepareWorktreeHooks } = await import('../hooks/worktreeHooks.js');
  const notes = await prepareWorktreeHooks(project, result.session.path);
  return notes.length ? { ...result, notes } : result;
}

export function renderJoin(result: JoinResult): string {
  const s = result.session;
  if (result.alreadyRegistered) return messages.pathAlreadySession(s.name, s.path);
  return [
    `Registered session "${s.name}" at ${s.path}${s.branch ? ` (branch ${s.branch}, base ${s.base})` : ''}.`,
    ...(result.notes ?? []),
  ].join('\n');
}
