import type { Context } from '../context.js';
import { findProject } from '../project/findProject.js';
import { readRegistry, updateRegistry } from '../store/registry.js';
import { currentSession } from './resolveSession.js';

/** lastSeen is refreshed at most this often, so read-only commands and hooks rarely write. */
export const TOUCH_INTERVAL_MS = 30_000;

/** Records that a session is alive (a command, hook or watcher saw it). Cheap when recent. */
export async function touchSession(stateDir: string, name: string, now: Date): Promise<void> {
  const session = readRegistry(stateDir).sessions[name];
  if (!session) return;
  if (now.getTime() - Date.parse(session.lastSeen) < TOUCH_INTERVAL_MS) return;
  await updateRegistry(stateDir, ({ registry }) => {
    const current = registry.sessions[name];
    if (current && Date.parse(current.lastSeen) < now.getTime())
      current.lastSeen = now.toISOString();
  });
}

/**
 * After any command: the current session (--session, QLOCK_SESSION or the cwd) was active, so its
 * lastSeen advances (DESIGN.md "Liveness"). Best effort: it never fails or changes the command's
 * outcome (no project, no registry, an unknown --session, a busy mutex are all ignored).
 */
export async function touchCurrentSession(ctx: Context): Promise<void> {
  try {
    const project = findProject(ctx.cwd);
    if (!project) return;
    const session = currentSession(ctx, readRegistry(project.stateDir));
    if (session) await touchSession(project.stateDir, session.name, ctx.now());
  } catch {
    // liveness is a hint; the command's own result is what matters
  }
}
