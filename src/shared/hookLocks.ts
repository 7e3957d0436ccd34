import { locksOverlap } from '../locks/lockTable.js';
import type { Workspace } from '../project/openWorkspace.js';
import { messages } from '../ui/messages.js';
import type { LockedPath } from '../ui/messages/hooks.js';
import { cloneId } from './identity.js';
import { othersLocks } from './remoteDoc.js';
import { remoteView } from './remoteLocks.js';
import { sharedSettings } from './settings.js';

/**
 * The pre-commit (and pre-merge-commit) lock check's shared half: other machines' locks on the
 * paths about to be committed, in the hooks' LockedPath shape, plus the warnings to print
 * (remote unreachable, unresolved conflicts, notices received). Within `shared.cacheTtl` of the
 * last contact this reads one small file and spawns nothing.
 */
export async function sharedLockedPaths(
  ws: Workspace,
  paths: readonly string[],
  now: Date,
): Promise<{ locked: LockedPath[]; warnings: string[] }> {
  const s = sharedSettings(ws.config);
  if (!s || ws.project.kind !== 'git') return { locked: [], warnings: [] };
  const view = await remoteView(ws.project, s, now);
  const locks = othersLocks(view.doc, cloneId(ws.project.stateDir), [...paths], now);
  const locked: LockedPath[] = [];
  for (const p of paths) {
    const lock = locks.find((l) => locksOverlap(l.path, p));
    if (lock)
      locked.push({
        path: p,
        lockPath: lock.path,
        session: lock.session,
        holder: messages.sharedHolder(lock, now),
      });
  }
  return { locked, warnings: view.warnings };
}
