import fs from 'node:fs';

import { predictConflicts } from '../conflicts/predictConflicts.js';
import { trackedChanges } from '../conflicts/syncSession.js';
import type { ConflictReport } from '../conflicts/types.js';
import type { Context } from '../context.js';
import { git } from '../git/exec.js';
import { formatHolder } from '../locks/formatHolder.js';
import { findBlockingLocks } from '../locks/lockTable.js';
import { openWorkspace, resolveBase, type Workspace } from '../project/openWorkspace.js';
import { requireSession } from '../sessions/resolveSession.js';
import { readRegistry } from '../store/registry.js';
import type { Session } from '../store/types.js';
import { c } from '../ui/color.js';
import { messages } from '../ui/messages.js';
import { untrackedFiles, workSince } from './landGit.js';

/**
 * `qlock land --plan [NAME...]`: in which order to land the sessions with the least rework, read
 * from qlock's own predictions (merge-tree of every pair, uncommitted work included). Changes
 * nothing in any tree or ref.
 *
 * Order: sessions free to land (no lock of another session on their work, no conflict with base)
 * before the others; among them, repeatedly the one that conflicts with the fewest sessions still
 * waiting (a session that conflicts with many lands last, so that it alone resolves, once per
 * conflict, rather than each of the others resolving against it); ties by fewer files, then name.
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
  /** Whether conflicts were decided by git merge-tree (false: overlapping lines only). */
  mergeTree: boolean;
  order: PlanEntry[];
  /** Sessions with nothing that base lacks. */
  nothingToLand: string[];
  notes: string[];
}

async function commitsAhead(dir: string, base: string): Promise<number> {
  const { stdout, code } = await git(['rev-list', '--count', `${base}..HEAD`], {
    cwd: dir,
    okCodes: [0, 128],
  });
  return code === 0 ? Number(stdout.trim()) : 0;
}

export async function landPlan(options: { names: string[] }, ctx: Context): Promise<LandPlan> {
  const ws = await openWorkspace(ctx);
  const registry = readRegistry(ws.project.stateDir);
  const git = ws.project.kind === 'git';
  const base = git ? await resolveBase(ws) : 'snapshot';
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

  return { base, mergeTree: report.mergeTree, order: order(entries), nothingToLand, notes };
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
  entry.commits = await commitsAhead(session.path, base);
  entry.uncommitted = new Set([
    ...(await trackedChanges(session.path)),
    ...(await untrackedFiles(session.path)),
  ]).size;
  if (!entry.commits) return entry.uncommitted ? entry : undefined;
  entry.paths = await workSince(session.path, base, 'HEAD');
  return entry;
}

/** Greedy order, least rework first (see the module comment). */
export function order(entries: readonly PlanEntry[]): PlanEntry[] {
  const left = [...entries];
  const done: PlanEntry[] = [];
  const weight = (e: PlanEntry) =>
    e.conflictsWith.filter((x) => left.some((l) => l.session === x.session)).length;
  while (left.length) {
    left.sort(
      (a, b) =>
        Number(b.ready) - Number(a.ready) ||
        weight(a) - weight(b) ||
        Number(a.commits === 0) - Number(b.commits === 0) ||
        a.paths.length - b.paths.length ||
        a.session.localeCompare(b.session),
    );
    done.push(left.shift()!);
  }
  return done;
}

export function renderLandPlan(plan: LandPlan): string {
  const lines: string[] = [];
  if (!plan.order.length) lines.push(messages.planEmpty());
  else {
    lines.push(messages.planHeader(plan.base));
    plan.order.forEach((e, i) => {
      lines.push(messages.planStep(i + 1, e.session, e.commits, e.uncommitted));
      const notes: string[] = [];
      if (e.waitsFor.length)
        notes.push(
          c.yellow(messages.planWaitsForLock(e.waitsFor.map((w) => `${w.path} (${w.holder})`))),
        );
      if (e.conflictsWithBase.length)
        notes.push(c.red(messages.planConflictBase(plan.base, e.conflictsWithBase)));
      for (const x of e.conflictsWith)
        notes.push(c.red(messages.planConflictWith(x.session, x.paths)));
      for (const x of e.overlapsWith)
        notes.push(c.dim(messages.planOverlapWith(x.session, x.paths)));
      if (!notes.length) notes.push(c.green(messages.planClean()));
      for (const n of notes) lines.push(`   ${n}`);
    });
  }
  if (plan.nothingToLand.length) lines.push(c.dim(messages.planNothing(plan.nothingToLand)));
  for (const n of plan.notes) lines.push(c.dim(n));
  if (plan.order.some((e) => e.commits > 0)) lines.push(messages.planHint());
  return lines.join('\n');
}
