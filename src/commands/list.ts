import type { Context } from '../context.js';
import { openWorkspace } from '../project/openWorkspace.js';
import { type SessionState, sessionState } from '../sessions/sessionState.js';
import { readRegistry } from '../store/registry.js';
import type { Session } from '../store/types.js';
import { compareText } from '../util/compareText.js';
import { formatAge } from '../util/duration.js';

export interface ListedSession extends Session {
  state: SessionState;
}

export async function list(_options: object, ctx: Context): Promise<{ sessions: ListedSession[] }> {
  const { project, config } = await openWorkspace(ctx);
  const registry = readRegistry(project.stateDir);
  const now = ctx.now();
  const sessions = Object.values(registry.sessions)
    .sort((a, b) => compareText(a.name, b.name))
    .map((s) => ({ ...s, state: sessionState(s, now, config) }));
  return { sessions };
}

export function renderList(result: { sessions: ListedSession[] }, now: Date): string {
  if (!result.sessions.length)
    return 'No sessions. Create one with `qlock new NAME` or `qlock join`.';
  const width = Math.max(...result.sessions.map((s) => s.name.length));
  return result.sessions
    .map((s) => {
      const age = formatAge(now.getTime() - Date.parse(s.lastSeen));
      return `${s.name.padEnd(width)}  ${s.state.padEnd(7)}  ${(s.branch ?? '-').padEnd(20)}  ${age.padStart(6)}  ${s.path}`;
    })
    .join('\n');
}
