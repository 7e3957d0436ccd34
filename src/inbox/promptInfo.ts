import { findProject } from '../project/findProject.js';
import { currentSession } from '../sessions/resolveSession.js';
import { isFor, readEvents } from '../store/eventLog.js';
import { readRegistry } from '../store/readRegistry.js';
import { readConflictSummary } from './conflictSummary.js';

/**
 * The data behind `qlock prompt`, computed for a shell prompt: no git process, no config (zod),
 * no commander; a walk up to find the project, the registry, and the unread tail of the event
 * log. Anything unusual (no project, no session, a damaged registry) is "no segment", never an
 * error: a prompt must not print errors before every command line.
 */
export interface PromptResult {
  session: string | null;
  unread: number;
  /** Sessions or base this one is predicted to conflict with (absent: nothing predicted yet). */
  conflicts?: number;
  /** The rendered segment, e.g. "[feat-a ✉2 ⚠1]"; empty outside a session. */
  text: string;
}

const NONE: PromptResult = { session: null, unread: 0, text: '' };

export function promptInfo(
  cwd: string,
  env: NodeJS.ProcessEnv,
  sessionFlag?: string,
): PromptResult {
  try {
    const project = findProject(cwd);
    if (!project) return NONE;
    const registry = readRegistry(project.stateDir);
    const session = currentSession(
      {
        cwd,
        env,
        json: false,
        now: () => new Date(),
        out: () => {},
        err: () => {},
        ...(sessionFlag ? { session: sessionFlag } : {}),
      },
      registry,
    );
    if (!session) return NONE;
    const unread = readEvents(project.stateDir, session.cursor).events.filter((e) =>
      isFor(e, session.name),
    ).length;
    const summary = readConflictSummary(project.stateDir);
    const conflicting = summary?.sessions[session.name];
    const result: PromptResult = {
      session: session.name,
      unread,
      ...(conflicting ? { conflicts: conflicting.length } : {}),
      text: '',
    };
    result.text = renderSegment(result);
    return result;
  } catch {
    return NONE;
  }
}

export function renderSegment(info: Omit<PromptResult, 'text'>): string {
  if (!info.session) return '';
  const parts = [info.session];
  if (info.unread) parts.push(`✉${info.unread}`);
  if (info.conflicts) parts.push(`⚠${info.conflicts}`);
  return `[${parts.join(' ')}]`;
}
