import type { ChangeSet } from '../changes/changeSet.js';
import { fileOverlaps, type Overlap } from '../changes/fileOverlaps.js';
import { tryReadChangeSet } from '../changes/readChangeSet.js';
import { checkMainMoved } from '../conflicts/mainMoved.js';
import { predictConflicts } from '../conflicts/predictConflicts.js';
import type { ConflictReport } from '../conflicts/types.js';
import type { Context } from '../context.js';
import { isLockHonoured } from '../locks/lockTable.js';
import { resolveBase, type Workspace } from '../project/openWorkspace.js';
import { isLive, type SessionState, sessionState } from '../sessions/sessionState.js';
import { isFor, readEvents } from '../store/eventLog.js';
import { readRegistry } from '../store/registry.js';
import type { Lock, Registry, Session } from '../store/types.js';
import { createDebug } from '../ui/debug.js';
import { messages } from '../ui/messages.js';
import { MAX_REASON_SHOWN, safeText } from '../ui/safeText.js';
import { compareText } from '../util/compareText.js';

const debug = createDebug('status');

export interface Attention {
  kind: string;
  message: string;
}

export interface SessionStatus {
  name: string;
  path: string;
  branch?: string;
  base: string;
  head?: string;
  ahead: number;
  behind: number;
  changed: string[];
  changes: Pick<ChangeSet, 'committed' | 'staged' | 'unstaged' | 'untracked'>;
  locks: string[];
  state: SessionState;
  lastSeen: string;
  unread: number;
  conflicts: number;
  attention: Attention[];
}

export interface LockView extends Lock {
  /** Not honoured any more: expired, or its session is gone or missing. */
  stale: boolean;
}

export interface ConflictPair {
  a: string;
  b: string;
  paths: string[];
}

export interface StatusResult {
  project: { root: string; stateDir: string; git: boolean; base: string };
  sessions: SessionStatus[];
  locks: LockView[];
  overlaps: Overlap[];
  conflicts: ConflictPair[];
  /** Why the conflict prediction is limited or missing (merge-tree unavailable, a failure). */
  notes: string[];
}

export function unreadCount(stateDir: string, session: Session): number {
  return readEvents(stateDir, session.cursor).events.filter((e) => isFor(e, session.name)).length;
}

/** Not honoured any more (see src/locks/lockTable.ts isLockHonoured, the one definition). */
export function lockIsStale(
  lock: Lock,
  registry: Registry,
  _states: ReadonlyMap<string, SessionState>,
  now: Date,
): boolean {
  return !isLockHonoured(lock, registry, now);
}

/**
 * The unified view: every session with its branch, ahead/behind, change set, locks, state and
 * unread events; all locks; overlaps between live sessions. Git work for the sessions runs
 * concurrently.
 */
export async function collectStatus(
  ws: Workspace,
  ctx: Context,
  options: { onProgress?: (done: number, total: number) => void } = {},
): Promise<StatusResult> {
  const { project, config } = ws;
  const base = await resolveBase(ws);
  const now = ctx.now();
  // Conflicts area: record "main moved" before the unread counts are read; predict conflicts
  // (uncommitted work included) once the change sets are known (they spare unchanged trees a scan).
  await checkMainMoved(ws, now).catch((error: unknown) =>
    debug(`main-moved check: ${String(error)}`),
  );
  const registry = readRegistry(project.stateDir);
  const sessions = Object.values(registry.sessions).sort((a, b) => compareText(a.name, b.name));
  const states = new Map(sessions.map((s) => [s.name, sessionState(s, now, config)] as const));

  const rows = await Promise.all(
    sessions.map(async (session): Promise<SessionStatus> => {
      const state = states.get(session.name)!;
      const sessionBase = session.base || base;
      const present = state !== 'missing';
      // The change set's own `git status` and `rev-list` also give the branch and ahead/behind.
      const { changes, problem } = await tryReadChangeSet(
        project,
        session,
        sessionBase,
        config.ignore,
      );
      const branch = present && project.kind === 'git' ? changes.branch : session.branch;
      const counts = { ahead: changes.ahead ?? 0, behind: changes.behind ?? 0 };
      return {
        name: session.name,
        path: session.path,
        ...(branch ? { branch } : {}),
        base: sessionBase,
        ...(changes.head ? { head: changes.head } : {}),
        ahead: counts.ahead,
        behind: counts.behind,
        changed: changes.all,
        changes: {
          committed: changes.committed,
          staged: changes.staged,
          unstaged: changes.unstaged,
          untracked: changes.untracked,
        },
        locks: registry.locks.filter((l) => l.session === session.name).map((l) => l.path),
        state,
        lastSeen: session.lastSeen,
        unread: unreadCount(project.stateDir, session),
        conflicts: 0,
        attention: problem
          ? [
              {
                kind: 'unreadable',
                message:
                  problem.cause === 'git'
                    ? messages.unreadableWorktree(session.name, problem.reason)
                    : problem.reason,
              },
            ]
          : [],
      };
    }),
  );

  const live = new Map(
    rows.filter((r) => isLive(r.state)).map((r) => [r.name, r.changed] as const),
  );
  const notes: string[] = [];
  const report = await predictConflicts(ws, {
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    uncommitted: new Map(
      rows.map((r) => [
        r.name,
        [...new Set([...r.changes.staged, ...r.changes.unstaged, ...r.changes.untracked])],
      ]),
    ),
  }).catch((error: unknown) => {
    debug(`conflict prediction: ${String(error)}`);
    notes.push(
      messages.statusPredictionFailed(error instanceof Error ? error.message : String(error)),
    );
    return undefined;
  });
  if (report?.note) notes.push(report.note);
  const overlaps = withHunks(fileOverlaps(live), report);
  const conflicts = conflictPairs(report, rows);
  const locks = registry.locks.map((l) => ({ ...l, stale: !isLockHonoured(l, registry, now) }));

  for (const row of rows) {
    if (row.state === 'missing') {
      row.attention.push({
        kind: 'missing',
        message: `directory ${row.path} is gone: run \`qlock gc\``,
      });
    } else if (row.state === 'stale') {
      row.attention.push({ kind: 'stale', message: `not seen since ${row.lastSeen}` });
    }
    if (row.behind > 0) {
      row.attention.push({
        kind: 'behind',
        message: `${row.behind} commit(s) behind ${row.base}: \`qlock sync\``,
      });
    }
    if (row.unread > 0)
      row.attention.push({
        kind: 'unread',
        message: `${row.unread} unread event(s): \`qlock inbox\``,
      });
    for (const overlap of overlaps) {
      if (!overlap.sessions.includes(row.name)) continue;
      const others = overlap.sessions.filter((s) => s !== row.name).join(', ');
      row.attention.push({ kind: 'overlap', message: `${overlap.path} also changed by ${others}` });
    }
    for (const pair of conflicts) {
      if (pair.a !== row.name && pair.b !== row.name) continue;
      row.conflicts++;
      const other = pair.a === row.name ? pair.b : pair.a;
      row.attention.push({ kind: 'conflict', message: messages.statusConflict(other, pair.paths) });
    }
    for (const lock of locks) {
      if (lock.stale || lock.session === row.name) continue;
      const covered = row.changed.filter(
        (p) => p === lock.path || (lock.path.endsWith('/') && p.startsWith(lock.path)),
      );
      for (const p of covered) {
        row.attention.push({
          kind: 'locked',
          message: `${safeText(p)} is locked by ${lock.session}${lock.reason ? ` (${safeText(lock.reason, MAX_REASON_SHOWN)})` : ''}`,
        });
      }
    }
  }

  return {
    project: { root: project.root, stateDir: project.stateDir, git: project.kind === 'git', base },
    sessions: rows,
    locks,
    overlaps,
    conflicts,
    notes,
  };
}

/** File overlaps become `hunk` where two of their sessions' changed lines touch (see conflicts). */
function withHunks(overlaps: Overlap[], report: ConflictReport | undefined): Overlap[] {
  if (!report) return overlaps;
  return overlaps.map((o) => {
    const found = report.pairs
      .filter((p) => o.sessions.includes(p.a) && o.sessions.includes(p.b))
      .flatMap((p) => p.overlaps.filter((x) => x.path === o.path));
    if (!found.length) return o;
    return {
      ...o,
      kind: found.some((x) => x.kind === 'hunk') ? 'hunk' : 'file',
      clean: found.every((x) => x.clean),
    };
  });
}

/** Predicted conflicts between sessions shown (and against base, b = the base branch). */
function conflictPairs(report: ConflictReport | undefined, rows: SessionStatus[]): ConflictPair[] {
  if (!report) return [];
  const shown = new Set(rows.map((r) => r.name));
  return report.pairs
    .filter((p) => p.conflict && shown.has(p.a))
    .map((p) => ({ a: p.a, b: p.b, paths: p.paths }));
}
