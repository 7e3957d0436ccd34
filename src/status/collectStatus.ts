import type { ChangeSet } from '../changes/changeSet.js';
import { fileOverlaps, type Overlap } from '../changes/fileOverlaps.js';
import { QuietScans } from '../changes/quietScans.js';
import { tryReadChangeSet } from '../changes/readChangeSet.js';
import { readActivity } from '../conflicts/activityJournal.js';
import { checkMainMoved } from '../conflicts/mainMoved.js';
import { predictConflicts } from '../conflicts/predictConflicts.js';
import type { ConflictReport, PathOverlap } from '../conflicts/types.js';
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
  changes: Pick<ChangeSet, 'committed' | 'staged' | 'unstaged' | 'untracked' | 'deleted'>;
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
  // With `qlock watch` running, trees it saw no event in are not scanned again (quietScans.ts).
  const activity = project.commonDir ? readActivity(project.stateDir) : new Map();
  const quiet =
    activity.size && project.commonDir
      ? new QuietScans(project.stateDir, project.commonDir, activity)
      : undefined;

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
        quiet,
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
          ...(changes.deleted ? { deleted: changes.deleted } : {}),
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

  quiet?.save();
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

/**
 * File overlaps (from the change-set lists) checked against the prediction's net change sets:
 * two sessions overlap on a path only if both changed it since their fork points (a file changed
 * and changed back, in a commit, the index or the working tree, is no change; see issue 21), and
 * the overlap becomes `hunk` where their changed lines touch. Pairs the prediction did not cover
 * (a session it could not snapshot) keep the list's answer.
 */
function withHunks(overlaps: Overlap[], report: ConflictReport | undefined): Overlap[] {
  if (!report) return overlaps;
  const pairs = new Map(report.pairs.map((p) => [pairKey(p.a, p.b), p] as const));
  const out: Overlap[] = [];
  for (const o of overlaps) {
    const found: PathOverlap[] = [];
    const kept = new Set<string>();
    for (let i = 0; i < o.sessions.length; i++) {
      for (let j = i + 1; j < o.sessions.length; j++) {
        const x = o.sessions[i]!;
        const y = o.sessions[j]!;
        const pair = pairs.get(pairKey(x, y));
        const hit = pair ? pair.overlaps.find((v) => v.path === o.path) : undefined;
        if (pair && !hit) continue;
        if (hit) found.push(hit);
        kept.add(x).add(y);
      }
    }
    if (kept.size < 2) continue;
    const sessions = o.sessions.filter((s) => kept.has(s));
    if (!found.length) {
      out.push({ ...o, sessions });
      continue;
    }
    out.push({
      ...o,
      sessions,
      kind: found.some((x) => x.kind === 'hunk') ? 'hunk' : 'file',
      clean: found.every((x) => x.clean),
    });
  }
  return out;
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}\0${b}` : `${b}\0${a}`;
}

/** Predicted conflicts between sessions shown (and against base, b = the base branch). */
function conflictPairs(report: ConflictReport | undefined, rows: SessionStatus[]): ConflictPair[] {
  if (!report) return [];
  const shown = new Set(rows.map((r) => r.name));
  return report.pairs
    .filter((p) => p.conflict && shown.has(p.a))
    .map((p) => ({ a: p.a, b: p.b, paths: p.paths }));
}
