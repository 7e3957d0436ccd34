import { RefReader } from '../git/refReader.js';
import { mergeBaseOfCommits } from '../git/repo.js';
import { resolveBase, type Workspace } from '../project/openWorkspace.js';
import { readRegistry } from '../store/registry.js';
import type { Registry } from '../store/types.js';
import { compareText } from '../util/compareText.js';
import { analyzePairs, type PairJob, type Side } from './analyzePairs.js';
import { cachedSnapshotFresh } from './cachedSnapshotFresh.js';
import {
  type CacheData,
  type ChangeEntry,
  loadCache,
  saveCache,
  type SessionEntry,
} from './conflictCache.js';
import { gitConcurrency } from './mapLimit.js';
import { hasMergeTreeWriteTree } from './mergeTree.js';
import { baseTips, snapshotSessions } from './predictConflicts.js';
import { selectSessions } from './selectSessions.js';
import { diffChanges, type SessionSnapshot } from './sessionSnapshot.js';
import { snapshotCommit } from './snapshotTree.js';

export interface TreeConflict {
  session: string;
  /** Conflicting paths (may be empty: git can conflict without naming paths). */
  paths: string[];
}

export interface TreeConflictOptions {
  /**
   * Use each session's last snapshot from the cache when there is one, instead of snapshotting
   * its working tree now (a hook that must answer in milliseconds; `qlock watch`, `status` and
   * `conflicts` keep the cache fresh). Sessions never snapshot are still snapshot.
   */
  cachedSnapshots?: boolean;
  /**
   * With cachedSnapshots: per session, the paths the tree shares with it. Its cached snapshot is
   * used only while those paths, its index and its HEAD are as scanned (cachedSnapshotFresh);
   * otherwise it is snapshot again.
   */
  sharedPaths?: ReadonlyMap<string, readonly string[]>;
}

/** Cached snapshots as SessionSnapshots, for the sessions that have one still fresh enough. */
function fromCache(
  cache: CacheData,
  registry: Registry,
  names: readonly string[],
  fresh: (e: SessionEntry, worktree: string, name: string) => boolean,
): Map<string, SessionSnapshot> {
  const out = new Map<string, SessionSnapshot>();
  for (const name of names) {
    const e = cache.sessions[name];
    const session = registry.sessions[name];
    if (!e?.commit || !e.changes || !session) continue;
    if (!fresh(e, session.path, name)) continue;
    out.set(name, {
      name,
      worktree: session.path,
      tree: e.tree,
      ...(e.head ? { head: e.head } : {}),
      commit: e.commit,
      ...(e.mergeBase ? { mergeBase: e.mergeBase } : {}),
      changes: e.changes,
    });
  }
  return out;
}

/**
 * A tree (the pre-commit hook's staged tree) against other sessions' work, uncommitted included:
 * the sessions it is predicted to conflict with, and where. `mergeBase` is the commit the tree is
 * based on (HEAD of the committing worktree); the tree becomes a commit on it, so merge-tree
 * finds the right base. Without merge-tree (git < 2.38), overlapping lines stand in for conflicts.
 */
export async function predictTreeConflicts(
  ws: Workspace,
  tree: string,
  mergeBase: string,
  againstSessions: string[],
  options: TreeConflictOptions = {},
): Promise<TreeConflict[]> {
  const { project, config } = ws;
  const root = project.root;
  const registry = readRegistry(project.stateDir);
  const sessions = selectSessions(registry.sessions, againstSessions);
  if (!sessions.length) return [];
  const defaultBase = await resolveBase(ws);

  const cache = loadCache(project.stateDir);
  const cacheBefore = JSON.stringify(cache);
  const shared = options.sharedPaths;
  const refs = shared && project.commonDir ? new RefReader(project.commonDir) : undefined;
  const cached = options.cachedSnapshots
    ? fromCache(
        cache,
        registry,
        sessions.map((s) => s.name),
        (e, worktree, name) =>
          !shared || cachedSnapshotFresh(e, worktree, shared.get(name) ?? [], config.ignore, refs),
      )
    : new Map<string, SessionSnapshot>();
  const toSnapshot = sessions.filter((s) => !cached.has(s.name));
  const [useMergeTree, commit, fresh] = await Promise.all([
    hasMergeTreeWriteTree(root, process.env, cache),
    snapshotCommit(root, tree, mergeBase),
    toSnapshot.length
      ? snapshotSessions(ws, toSnapshot, defaultBase, undefined, { cache, cacheBefore })
      : undefined,
  ]);
  const others = [...cached.values(), ...(fresh?.snapshots ?? [])];

  // With merge-tree only the verdicts are wanted: one merge per session, nothing else. Without
  // it, the tree's own change set (from its merge-base with base) feeds the line-overlap check.
  let changes: ChangeEntry[] = [];
  if (!useMergeTree) {
    const tip = (await baseTips(root, [defaultBase], ws.project.commonDir)).get(defaultBase);
    const fork = (tip && (await mergeBaseOfCommits(root, mergeBase, tip))) || mergeBase;
    changes = await diffChanges(root, fork, tree);
  }
  const mine: Side = { name: '(staged)', commit, head: mergeBase, changes };
  const jobs: PairJob[] = others.map((o) => ({
    a: mine,
    b: { name: o.name, commit: o.commit, ...(o.head ? { head: o.head } : {}), changes: o.changes },
    key: o.name,
  }));
  const results = await analyzePairs(jobs, {
    cwd: root,
    mergeTree: useMergeTree,
    verdictOnly: useMergeTree,
    ignore: config.ignore,
    cache,
    concurrency: gitConcurrency(),
  });
  const before = cacheBefore;
  saveCache(project.stateDir, cache, before);
  return jobs
    .map((job, i) => ({ session: job.b.name, result: results[i]! }))
    .filter((r) => r.result.conflict)
    .map((r) => ({ session: r.session, paths: r.result.paths }))
    .sort((x, y) => compareText(x.session, y.session));
}
