import type { ChangeSet } from '../changes/changeSet.js';
import { fileOverlaps, type Overlap } from '../changes/fileOverlaps.js';
import { readChangeSet } from '../changes/readChangeSet.js';
import type { Context } from '../context.js';
import { aheadBehind, currentBranch } from '../git/repo.js';
import { resolveBase, type Workspace } from '../project/openWorkspace.js';
import { isLive, type SessionState, sessionState } from '../sessions/sessionState.js';
import { isFor, readEvents } from '../store/eventLog.js';
import { readRegistry } from '../store/registry.js';
import type { Lock, Registry, Session } from '../store/types.js';

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
}

export function unreadCount(stateDir: string, session: Session): number {
  return readEvents(stateDir, session.cursor).events.filter((e) => isFor(e, session.name)).length;
}

export function lockIsStale(
  lock: Lock,
  registry: Registry,
  states: ReadonlyMap<string, SessionState>,
  now: Date,
): boolean {
  if (lock.expiresAt && Date.parse(lock.expiresAt) <= now.getTime()) return true;
  if (!registry.sessions[lock.session]) return true;
  return states.get(lock.session) === 'missing';
}

/**
 * The unified view: every session with its branch, ahead/behind, change set, locks, state and
 * unread events; all locks; overlaps between live sessions. Git work for the sessions runs
 * concurrently.
 */
export async function collectStatus(ws: Workspace, ctx: Context): Promise<StatusResult> {
  const { project, config } = ws;
  const base = await resolveBase(ws);
  const registry = readRegistry(project.stateDir);
  const now = ctx.now();
  const sessions = Object.values(registry.sessions).sort((a, b) => a.name.localeCompare(b.name));
  const states = new Map(sessions.map((s) => [s.name, sessionState(s, now, config)] as const));

  const rows = await Promise.all(
    sessions.map(async (session): Promise<SessionStatus> => {
      const state = states.get(session.name)!;
      const sessionBase = session.base || base;
      const present = state !== 'missing';
      const [changes, branch, counts] = await Promise.all([
        readChangeSet(project, session, sessionBase, config.ignore),
        present && project.kind === 'git'
          ? currentBranch(session.path)
          : Promise.resolve(session.branch),
        present && project.kind === 'git'
          ? aheadBehind(session.path, sessionBase)
          : Promise.resolve({ ahead: 0, behind: 0 }),
      ]);
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
        attention: [],
      };
    }),
  );

  const live = new Map(
    rows.filter((r) => isLive(r.state)).map((r) => [r.name, r.changed] as const),
  );
  const overlaps = fileOverlaps(live);
  const locks = registry.locks.map((l) => ({ ...l, stale: lockIsStale(l, registry, states, now) }));

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
    for (const lock of locks) {
      if (lock.stale || lock.session === row.name) continue;
      const covered = row.changed.filter(
        (p) => p === lock.path || (lock.path.endsWith('/') && p.startsWith(lock.path)),
      );
      for (const p of covered) {
        row.attention.push({
          kind: 'locked',
          message: `${p} is locked by ${lock.session}${lock.reason ? ` (${lock.reason})` : ''}`,
        });
      }
    }
  }

  return {
    project: { root: project.root, stateDir: project.stateDir, git: project.kind === 'git', base },
    sessions: rows,
    locks,
    overlaps,
    conflicts: [],
  };
}
