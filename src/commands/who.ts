import { tryReadChangeSet } from '../changes/readChangeSet.js';
import type { Context } from '../context.js';
import { describeLocks, type LockView } from '../locks/describeLocks.js';
import { normalizeLockPath } from '../locks/lockPath.js';
import { lockCovers, locksOverlap } from '../locks/lockTable.js';
import { openWorkspace, resolveBase } from '../project/openWorkspace.js';
import { type SessionState, sessionState } from '../sessions/sessionState.js';
import type { RemoteListing } from '../shared/remoteListing.js';
import { otherMachinesLocks } from '../shared/sharedMode.js';
import { readRegistry } from '../store/readRegistry.js';
import { c } from '../ui/color.js';
import { messages } from '../ui/messages.js';
import { safeText } from '../ui/safeText.js';
import { compareText } from '../util/compareText.js';
import { renderLockTable, renderRemoteLocks } from './locks.js';

export interface WhoOptions {
  path: string;
}

export interface WhoChange {
  session: string;
  state: SessionState;
  /** The session's changed files that are the path, or lie below it when it is a directory. */
  files: string[];
  /** Plain directories: those of `files` the session deleted. */
  deleted?: string[];
}

export interface WhoResult {
  /** The normalised path asked about. */
  path: string;
  /** Locks on the path, around it, or (for a directory) below it; stale ones marked. */
  locks: LockView[];
  /** Sessions whose change set (committed-but-unmerged plus uncommitted work) contains it. */
  changes: WhoChange[];
  /** Shared mode: locks on the path held on other machines (src/shared/remoteListing.ts). */
  remote?: RemoteListing;
}

/**
 * `qlock who <path>`: who holds a lock covering the path (honoured and stale, marked) and which
 * sessions have it in their change set. Every session's change set is read concurrently.
 */
export async function who(options: WhoOptions, ctx: Context): Promise<WhoResult> {
  const ws = await openWorkspace(ctx);
  const { project, config } = ws;
  const target = normalizeLockPath(project, ctx.cwd, options.path);
  const registry = readRegistry(project.stateDir);
  const now = ctx.now();
  const locks = describeLocks(
    registry,
    now,
    registry.locks.filter((l) => locksOverlap(l.path, target)),
  );
  const base = await resolveBase(ws);
  const sessions = Object.values(registry.sessions).sort((a, b) => compareText(a.name, b.name));
  const changes = (
    await Promise.all(
      sessions.map(async (session): Promise<WhoChange> => {
        // A session git cannot read (see tryReadChangeSet) changes nothing we can see.
        const { changes: set } = await tryReadChangeSet(
          project,
          session,
          session.base || base,
          config.ignore,
        );
        const files = set.all.filter((f) => lockCovers(target, f));
        const deleted = set.deleted?.filter((f) => lockCovers(target, f)) ?? [];
        return {
          session: session.name,
          state: sessionState(session, now, config),
          files,
          ...(deleted.length ? { deleted } : {}),
        };
      }),
    )
  ).filter((change) => change.files.length);
  const remote = await otherMachinesLocks(ws, now, (line) => ctx.err(line), target);
  return { path: target, locks, changes, ...(remote ? { remote } : {}) };
}

export function renderWho(result: WhoResult, ctx?: Pick<Context, 'now'>): string {
  const now = ctx?.now() ?? new Date();
  const remote = renderRemoteLocks(result.remote, now, '    ');
  if (!result.locks.length && !result.changes.length && !remote.length)
    return messages.whoNobody(result.path);
  const lines: string[] = [c.bold(safeText(result.path))];
  const anyLock = result.locks.length || remote.length;
  lines.push(anyLock ? '  locks:' : `  locks: ${messages.whoNoLock()}`);
  if (result.locks.length) lines.push(...renderLockTable(result.locks, now, '    '));
  lines.push(...remote);
  lines.push(result.changes.length ? '  changed by:' : `  changed by: ${messages.whoNoChange()}`);
  for (const change of result.changes) {
    const state = change.state === 'active' ? '' : c.dim(` (${change.state})`);
    const deleted = new Set(change.deleted);
    const files =
      change.files.length === 1 && change.files[0] === result.path
        ? deleted.size
          ? ': deleted it'
          : ''
        : `: ${change.files
            .slice(0, 5)
            .map((f) => safeText(f) + (deleted.has(f) ? ' (deleted)' : ''))
            .join(', ')}${change.files.length > 5 ? ` … ${change.files.length - 5} more` : ''}`;
    lines.push(`    ${change.session}${state}${files}`);
  }
  return lines.join('\n');
}
