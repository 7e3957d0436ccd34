import { RefReader } from '../git/refReader.js';
import { resolveCommit } from '../git/repo.js';
import { writeConflictSummary } from '../inbox/conflictSummary.js';
import { resolveBase, type Workspace } from '../project/openWorkspace.js';
import { readRegistry } from '../store/registry.js';
import type { Session } from '../store/types.js';
import { createDebug } from '../ui/debug.js';
import { messages } from '../ui/messages.js';
import { readActivity } from './activityJournal.js';
import { analyzePairs, type PairJob, type Side } from './analyzePairs.js';
import {
  type CacheData,
  type ChangeEntry,
  hashKey,
  loadCache,
  saveCache,
  touchPair,
} from './conflictCache.js';
import { gitConcurrency, mapLimit } from './mapLimit.js';
import { hasMergeTreeWriteTree } from './mergeTree.js';
import { selectSessions } from './selectSessions.js';
import { diffChanges, type SessionSnapshot, snapshotSession } from './sessionSnapshot.js';
import type { ConflictReport, PairReport, PredictOptions } from './types.js';

const debug = createDebug('conflicts');

/** Bump when the meaning of a cached pair changes, so old results are not reused. */
const ALGORITHM = '3';

/** Tips of the base branches in use (usually one), resolved once each. */
export async function baseTips(
  root: string,
  names: Iterable<string>,
  commonDir?: string,
): Promise<Map<string, string | undefined>> {
  const unique = [...new Set(names)];
  // From the ref files where they answer (this runs in every hook and status); else git.
  const refs = commonDir ? new RefReader(commonDir) : undefined;
  const tips = await Promise.all(unique.map((n) => refs?.branchTip(n) ?? resolveCommit(root, n)));
  return new Map(unique.map((n, i) => [n, tips[i]] as const));
}

export interface GitSnapshots {
  snapshots: SessionSnapshot[];
  tips: Map<string, string | undefined>;
  notes: string[];
  cache: CacheData;
  cacheBefore: string;
}

/**
 * Snapshots the given sessions (concurrently, bounded), with their heads and base tips. A session
 * that cannot be snapshot is left out with a note rather than failing the whole run.
 */
export async function snapshotSessions(
  ws: Workspace,
  sessions: readonly Session[],
  defaultBase: string,
  onDone?: () => void,
  loaded?: { cache: CacheData; cacheBefore: string },
  uncommitted?: ReadonlyMap<string, readonly string[]>,
): Promise<GitSnapshots> {
  const root = ws.project.root;
  const cache = loaded?.cache ?? loadCache(ws.project.stateDir);
  const cacheBefore = loaded?.cacheBefore ?? JSON.stringify(cache);
  // Heads are read from the worktrees' git dirs (git only where that fails: another ref
  // backend, an unborn branch); base tips resolve while the working trees are scanned: the scan
  // (git add -A) does not need them, only the commit made from its tree does.
  const refs = ws.project.commonDir ? new RefReader(ws.project.commonDir) : undefined;
  const tipsPromise = baseTips(
    root,
    sessions.map((s) => s.base || defaultBase),
    ws.project.commonDir,
  );
  // A failure here surfaces through the sessions that await them; never unhandled.
  tipsPromise.catch(() => undefined);
  const notes: string[] = [];
  const activity = readActivity(ws.project.stateDir);
  const results = await mapLimit(sessions, gitConcurrency(), async (session) => {
    try {
      return await snapshotSession({
        stateDir: ws.project.stateDir,
        name: session.name,
        worktree: session.path,
        head: async () => refs?.headOf(session.path) ?? resolveCommit(session.path, 'HEAD'),
        baseTip: async () => (await tipsPromise).get(session.base || defaultBase),
        ignore: ws.config.ignore,
        cache,
        activity,
        ...(uncommitted?.has(session.name) ? { uncommitted: uncommitted.get(session.name)! } : {}),
      });
    } catch (error) {
      debug(`snapshot of ${session.name} failed: ${(error as Error).message}`);
      notes.push(messages.conflictsSnapshotFailed(session.name, (error as Error).message));
      return undefined;
    } finally {
      onDone?.();
    }
  });
  const tips = await tipsPromise;
  for (const [name, tip] of tips) if (!tip) notes.push(messages.conflictsUnknownBase(name));
  return {
    snapshots: results.filter((s): s is SessionSnapshot => !!s),
    tips,
    notes,
    cache,
    cacheBefore,
  };
}

function sideOf(s: SessionSnapshot): Side {
  return {
    name: s.name,
    commit: s.commit,
    ...(s.head ? { head: s.head } : {}),
    changes: s.changes,
  };
}

/**
 * Pairwise prediction between sessions (uncommitted work included) and against base. See
 * ConflictReport. Plain-directory projects get file and hunk overlap from their snapshots.
 */
export async function predictConflicts(
  ws: Workspace,
  options: PredictOptions = {},
): Promise<ConflictReport> {
  if (ws.project.kind === 'dir')
    return (await import('./predictDirConflicts.js')).predictDirConflicts(ws, options);
  const { project, config } = ws;
  const root = project.root;
  const registry = readRegistry(project.stateDir);
  const defaultBase = await resolveBase(ws);
  const sessions = selectSessions(registry.sessions, options.sessions);
  const focus = options.pairsWith;
  const focusIsSession = focus !== undefined && registry.sessions[focus] !== undefined;
  const includeBase = options.includeBase ?? true;
  if (focus !== undefined && !focusIsSession && !includeBase) return { mergeTree: true, pairs: [] };

  const cache = loadCache(project.stateDir);
  const cacheBefore = JSON.stringify(cache);
  const mergeTreeOk = hasMergeTreeWriteTree(root, process.env, cache);
  let done = 0;
  let total = sessions.length;
  const tick = () => options.onProgress?.(++done, total);
  const snaps = await snapshotSessions(
    ws,
    sessions,
    defaultBase,
    tick,
    { cache, cacheBefore },
    options.uncommitted,
  );
  const useMergeTree = await mergeTreeOk;
  const byName = new Map(snaps.snapshots.map((s) => [s.name, s] as const));
  const ignoreKey = hashKey(...config.ignore);

  // Session pairs, then each session against its base.
  const wanted: { key: string; a: string; b: string; job: () => Promise<PairJob> | PairJob }[] = [];
  const names = snaps.snapshots.map((s) => s.name);
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const a = byName.get(names[i]!)!;
      const b = byName.get(names[j]!)!;
      if (focus !== undefined && a.name !== focus && b.name !== focus) continue;
      const key = hashKey(
        ALGORITHM,
        String(useMergeTree),
        ignoreKey,
        a.name,
        a.commit,
        a.mergeBase ?? '',
        b.name,
        b.commit,
        b.mergeBase ?? '',
      );
      wanted.push({ key, a: a.name, b: b.name, job: () => ({ a: sideOf(a), b: sideOf(b), key }) });
    }
  }
  // Sessions forked from the same commit share base's side: one diff each, not one per session.
  const baseSides = new Map<string, Promise<ChangeEntry[]>>();
  const baseSide = (from: string, to: string) => {
    const key = `${from}:${to}`;
    let side = baseSides.get(key);
    if (!side) baseSides.set(key, (side = diffChanges(root, from, to)));
    return side;
  };
  if (includeBase) {
    for (const s of snaps.snapshots) {
      const baseName = registry.sessions[s.name]!.base || defaultBase;
      const tip = snaps.tips.get(baseName);
      if (!tip) continue;
      if (focus !== undefined && s.name !== focus && baseName !== focus) continue;
      const key = hashKey(
        ALGORITHM,
        String(useMergeTree),
        ignoreKey,
        s.name,
        s.commit,
        s.mergeBase ?? '',
        `base:${baseName}`,
        tip,
      );
      wanted.push({
        key,
        a: s.name,
        b: baseName,
        job: async () => {
          // Base's side of the pair: what changed on base since the session forked.
          const changes =
            s.mergeBase && s.mergeBase !== tip ? await baseSide(s.mergeBase, tip) : [];
          return { a: sideOf(s), b: { name: baseName, commit: tip, head: tip, changes }, key };
        },
      });
    }
  }

  const misses = wanted.filter((w) => !snaps.cache.pairs[w.key]);
  total += misses.length;
  const jobs = await mapLimit(misses, gitConcurrency(), async (w) => w.job());
  const computed = await analyzePairs(jobs, {
    cwd: root,
    mergeTree: useMergeTree,
    ignore: config.ignore,
    cache: snaps.cache,
    concurrency: gitConcurrency(),
    onDone: tick,
  });
  jobs.forEach((job, i) => (snaps.cache.pairs[job.key] = computed[i]!));
  debug(
    `${wanted.length} pairs, ${misses.length} computed, ${wanted.length - misses.length} cached`,
  );

  const pairs: PairReport[] = [];
  for (const w of wanted) {
    const cached = snaps.cache.pairs[w.key]!;
    touchPair(snaps.cache, w.key, cached);
    pairs.push({ a: w.a, b: w.b, ...cached });
  }
  saveCache(project.stateDir, snaps.cache, snaps.cacheBefore);
  // The per-session digest `qlock prompt` shows (⚠N); only a full run knows every pair.
  if (!options.sessions && focus === undefined) {
    try {
      const names = sessions.map((s) => s.name);
      writeConflictSummary(project.stateDir, pairs, names, new Date());
    } catch {
      // only a digest for the prompt: never fails the prediction
    }
  }

  const notes = [...snaps.notes];
  if (!useMergeTree) notes.unshift(messages.conflictsNoMergeTree());
  return { mergeTree: useMergeTree, ...(notes.length ? { note: notes.join(' ') } : {}), pairs };
}
