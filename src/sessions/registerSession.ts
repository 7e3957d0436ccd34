import fs from 'node:fs';
import path from 'node:path';

import { deleteSnapshot, discardSnapshot, snapshotDir, takeSnapshot } from '../changes/snapshot.js';
import { QlockError, UsageError } from '../errors.js';
import { realpathDeep } from '../locks/lockPath.js';
import type { Config } from '../project/configSchema.js';
import { type Project, realpathOrSelf } from '../project/findProject.js';
import { eventLogEnd } from '../store/eventLog.js';
import { readRegistry, updateRegistry } from '../store/registry.js';
import type { Session } from '../store/types.js';
import { messages } from '../ui/messages.js';
import { isInside } from './resolveSession.js';

export type SessionDraft = Omit<Session, 'cursor' | 'createdAt' | 'lastSeen' | 'snapshot'>;

/** Refuses a taken name or a full project before any work is done. */
export function checkCanRegister(project: Project, config: Config, name: string): void {
  const registry = readRegistry(project.stateDir);
  const taken = registry.sessions[name];
  if (taken) throw new QlockError(messages.sessionExists(name, taken.path));
  const names = Object.keys(registry.sessions);
  if (names.length >= config.maxSessions)
    throw new QlockError(messages.maxSessions(config.maxSessions, names));
}

/**
 * Refuses a session directory inside git's or qlock's own state (`.git`, the state dir): git and
 * gc manage what is there, and `gc` would take a copy under `.qlock/snapshots/` for a leftover.
 * A bare repository is the exception (worktrees inside it are a common layout): there only its
 * state dir is refused.
 */
export function checkSessionDir(project: Project, dir: string): void {
  const bare = project.kind === 'git' && project.commonDir === project.root;
  const own = project.kind === 'git' && !bare ? project.commonDir! : project.stateDir;
  if (isInside(realpathOrSelf(own), realpathDeep(dir)))
    throw new UsageError(messages.sessionDirInState(dir, own));
}

/**
 * Adds a session to the registry. For plain directories the snapshot (a copy of the tree, which
 * can take seconds) is taken first under a pending name, outside the mutex, and renamed into
 * place inside it. Returns the registered session, or the one already registered at that path.
 */
export async function registerSession(
  project: Project,
  config: Config,
  draft: SessionDraft,
  now: Date,
): Promise<{ session: Session; alreadyRegistered: boolean }> {
  let pending: string | undefined;
  let stale: string | undefined;
  if (project.kind === 'dir') {
    pending = `.pending-${draft.name}-${process.pid}`;
    takeSnapshot(project.stateDir, pending, draft.path, config.ignore);
  }
  try {
    const result = await updateRegistry(project.stateDir, ({ registry, emit }) => {
      const again = Object.values(registry.sessions).find((s) => s.path === draft.path);
      if (again) return { session: again, alreadyRegistered: true };
      const taken = registry.sessions[draft.name];
      if (taken) throw new QlockError(messages.sessionExists(draft.name, taken.path));
      const names = Object.keys(registry.sessions);
      if (names.length >= config.maxSessions)
        throw new QlockError(messages.maxSessions(config.maxSessions, names));
      const stamp = now.toISOString();
      const session: Session = {
        ...draft,
        createdAt: stamp,
        lastSeen: stamp,
        cursor: eventLogEnd(project.stateDir),
      };
      if (pending) {
        const final = snapshotDir(project.stateDir, draft.name);
        // One left by a registration killed before its registry write: renamed away, deleted later.
        stale = discardSnapshot(project.stateDir, path.relative(project.stateDir, final));
        fs.renameSync(snapshotDir(project.stateDir, pending), final);
        session.snapshot = path.relative(project.stateDir, final);
        pending = undefined;
      }
      registry.sessions[draft.name] = session;
      emit({
        kind: 'session-joined',
        from: draft.name,
        message: `Session "${draft.name}" joined (${draft.path}).`,
      });
      return { session, alreadyRegistered: false };
    });
    if (!result.alreadyRegistered) {
      // The git hooks' list of base branches (a new session may bring a new base).
      const { refreshBaseRefs } = await import('../project/baseRefs.js');
      await refreshBaseRefs(project, config).catch(() => undefined);
    }
    return result;
  } finally {
    if (pending)
      fs.rmSync(snapshotDir(project.stateDir, pending), { recursive: true, force: true });
    deleteSnapshot(stale);
  }
}
