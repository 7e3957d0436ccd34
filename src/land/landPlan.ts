import fs from 'node:fs';

import { predictConflicts } from '../conflicts/predictConflicts.js';
import type { ConflictReport } from '../conflicts/types.js';
import type { Context } from '../context.js';
import { commitsAhead } from '../git/branches.js';
import { changedSinceFork, trackedChanges, untrackedFiles } from '../git/diff.js';
import { formatHolder } from '../locks/formatHolder.js';
import { findBlockingLocks } from '../locks/lockTable.js';
import { openWorkspace, resolveBase, type Workspace } from '../project/openWorkspace.js';
import { requireSession } from '../sessions/resolveSession.js';
import { readRegistry } from '../store/registry.js';
import type { Session } from '../store/types.js';
import { c } from '../ui/color.js';
import { messages } from '../ui/messages.js';

/**
 * `qlock land --plan [NAME...]`: in which order to land the sessions with the least rework, read
 * from qlock's own predictions (merge-tree of every pair, uncommitted work included). Changes
 * nothing in any tree or ref.
 *
 * Rework is counted in sessions that must resolve conflicts: of two sessions that conflict, the
 * one landing second resolves. So the order is built from the back: among the sessions left, the
 * one that conflicts with the most of the others lands last (it alone resolves, in one sync,
 * instead of each of them resolving against it). Sessions free to land (no lock of another
 * session on their work, no conflict with base) come before the others; ties go to the smaller
 * change (fewer files), then the name.
 */

export interface PlanEntry {
  session: string;
  commits: number;
  /** Files with uncommitted changes (not landed unless committed). */
  uncommitted: number;
  /** Files its landing changes on base (committed work). */
  paths: string[];
  /** Free to land now: no conflict with base, no lock of another session on its work. */
  ready: boolean;
  conflictsWithBase: string[];
  conflictsWith: { session: string; paths: string[] }[];
  overlapsWith: { session: string; paths: string[] }[];
  waitsFor: { path: string; session: string; reason: string; holder: string }[];
}

export interface LandPlan {
  base: string;
  /** A git project (false: plain directories, landed by copying files back). */
  git: boolean;
  /** Whether conflicts were decided by git merge-tree (false: overlapping lines only). */
  mergeTree: boolean;
  order: PlanEntry[];
  /** Sessions with nothing that base lacks. */
  nothingToLand: string[];
  notes: string[];
}

/** Commits of the session's HEAD that base lacks; 0 when git cannot tell (a base gone). */
async function aheadOfBase(dir: string, base: string): Promise<number> {
  return (await commitsAhead(dir, base)) ?? 0;
}

export async function landPlan(options: { names: string[] }, ctx: Context): Promise<LandPlan> {
  const ws = await openWorkspace(ctx);
  const registry = readRegistry(ws.project.stateDir);
  const git = ws.project.kind === 'git';
  const base = git ? await resolveBase(ws) : 'main tree';
  const chosen: Session[] = options.names.length
    ? [...new Set(options.names)].map((n) => requireSession(registry, n))
    : Object.values(registry.sessions).sort((a, b) => a.name.localeCompare(b.name));
  const now = ctx.now();

  const entries: PlanEntry[] = [];
  const nothingToLand: string[] = [];
  const notes: string[] = [];
  for (const session of chosen) {
    if (!fs.existsSync(session.path)) {
      notes.push(messages.landMissing(session.name));
      continue;
    }
    const entry = await describe(ws, session, git ? session.base || base : base);
    if (!entry) nothingToLand.push(session.name);
    else {
      entry.waitsFor = findBlockingLocks(registry, entry.paths, session.name, now).map((l) => ({
        path: l.path,
        session: l.session,
        reason: l.reason,
        holder: formatHolder(l, now),
      }));
      entries.push(entry);
    }
  }

  const report: ConflictReport = entries.length
    ? await predictConflicts(ws, { sessions: entries.map((e) => e.session), includeBase: git })
    : { mergeTree: true, pairs: [] };
  if (report.note) notes.push(report.note);
  const byName = new Map(entries.map((e) => [e.session, e]));
  for (const pair of report.pairs) {
    const a = byName.get(pair.a);
    const b = byName.get(pair.b);
    if (a && !b && pair.conflict) a.conflictsWithBase = pair.paths;
    if (!a || !b) continue;
    if (pair.conflict) {
      a.conflictsWith.push({ session: b.session, paths: pair.paths });
      b.conflictsWith.push({ session: a.session, paths: pair.paths });
    } else if (pair.overlaps.length) {
      const paths = pair.overlaps.map((o) => o.path);
      a.overlapsWith.push({ session: b.session, paths });
      b.overlapsWith.push({ session: a.session, paths });
    }
  }
  for (const e of entries) e.ready = !e.waitsFor.length && !e.conflictsWithBase.length;

  return { base, git, mergeTree: report.mergeTree, order: order(entries), nothingToLand, notes };
}

/** The session's work to land, or undefined when it has none. */
async function describe(
  ws: Workspace,
  session: Session,
  base: string,
): Promise<PlanEntry | undefined> {
  const entry: PlanEntry = {
    session: session.name,
    commits: 0,
    uncommitted: 0,
    paths: [],
    ready: true,
    conflictsWithBase: [],
    conflictsWith: [],
    overlapsWith: [],
    waitsFor: [],
  };
  if (ws.project.kind !== 'git' || session.kind === 'dir' || session.kind === 'copy') {
    const { readChangeSet } = await import('../changes/readChangeSet.js');
    const changes = await readChangeSet(ws.project, session, base, ws.config.ignore);
    entry.paths = [
      ...new Set([...changes.staged, ...changes.unstaged, ...changes.untracked]),
    ].sort();
    return entry.paths.length ? entry : undefined;
  }
  entry.commits = await aheadOfBase(session.path, base);
  entry.uncommitted = new Set([
    ...(await trackedChanges(session.path)),
    ...(await untrackedFiles(session.path)),
  ]).size;
  if (!entry.commits) return entry.uncommitted ? entry : undefined;
  entry.paths = await changedSinceFork(session.path, base, 'HEAD');
  return entry;
}

/** The landing order, least rework first (see the module comment). */
export function order(entries: readonly PlanEntry[]): PlanEntry[] {
  const groups = [entries.filter((e) => e.ready), entries.filter((e) => !e.ready)];
  return groups.flatMap((group) => {
    const left = [...group];
    const back: PlanEntry[] = [];
    const degree = (e: PlanEntry) =>
      e.conflictsWith.filter((x) => left.some((l) => l.session === x.session)).length;
    // First in line: no commits last (only uncommitted work: nothing lands until committed),
    // then smaller changes, then names.
    const before = (a: PlanEntry, b: PlanEntry) =>
      Number(a.commits === 0) - Number(b.commits === 0) ||
      a.paths.length - b.paths.length ||
      a.session.localeCompare(b.session);
    while (left.length) {
      // The one that lands last among those left: most conflicts with the others.
      left.sort((a, b) => degree(b) - degree(a) || before(b, a));
      back.unshift(left.shift()!);
    }
    return back;
  });
}

export function renderLandPlan(plan: LandPlan): string {
  const lines: string[] = [];
  if (!plan.order.length) lines.push(messages.planEmpty());
  else {
    lines.push(messages.planHeader(plan.base));
    plan.order.forEach((e, i) => {
      lines.push(
        plan.git
          ? messages.planStep(i + 1, e.session, e.commits, e.uncommitted)
          : messages.planStepCopy(i + 1, e.session, e.paths.length),
      );
      const notes: string[] = [];
      if (e.waitsFor.length)
        notes.push(
          c.yellow(
            messages.planWaitsForLock(e.waitsFor.map((w) => `${w.path} held by ${w.holder}`)),
          ),
        );
      if (e.conflictsWithBase.length)
        notes.push(c.red(messages.planConflictBase(plan.base, e.conflictsWithBase)));
      for (const x of e.conflictsWith) {
        const earlier = plan.order.slice(0, i).some((o) => o.session === x.session);
        const say = earlier
          ? plan.git
            ? messages.planConflictEarlier
            : messages.planConflictEarlierCopy
          : messages.planConflictLater;
        notes.push(c.red(say(x.session, x.paths)));
      }
      for (const x of e.overlapsWith)
        notes.push(c.dim(messages.planOverlapWith(x.session, x.paths)));
      if (!notes.length) notes.push(c.green(messages.planClean()));
      for (const n of notes) lines.push(`   ${n}`);
    });
  }
  if (plan.nothingToLand.length) lines.push(c.dim(messages.planNothing(plan.nothingToLand)));
  for (const n of plan.notes) lines.push(c.dim(n));
  if (plan.order.some((e) => e.commits > 0 || !plan.git)) lines.push(messages.planHint());
  return lines.join('\n');
}
