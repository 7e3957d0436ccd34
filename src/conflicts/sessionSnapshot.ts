import fs from 'node:fs';
import path from 'node:path';

import { treeChanges } from '../git/objects.js';
import { mergeBaseOfCommits } from '../git/repo.js';
import { type SessionActivity, unchangedSince } from './activityJournal.js';
import {
  type CacheData,
  cacheDir,
  type ChangeEntry,
  fileSignature,
  hashKey,
  type SessionEntry,
} from './conflictCache.js';
import { indexChecksum, openPrivateIndex } from './privateIndex.js';
import {
  addAllToIndex,
  seedIndex,
  snapshotCommit,
  worktreeIndexFile,
  writeTree,
} from './snapshotTree.js';

/**
 * One session's snapshot for conflict prediction: its working tree as a commit on its HEAD, its
 * merge-base with base, and its change set (what differs between the two), each step cached.
 *
 * The private index (`<stateDir>/cache/index/<session>`) persists between runs, so a run where
 * nothing changed is one `git add -A` that finds nothing to do (and does not rewrite the index):
 * then the tree, commit, merge-base and change set all come from the cache. Each process works
 * on its own hard link of it (privateIndex.ts), so concurrent qlock processes never see each
 * other's half-done work, and a cached tree is reused only for an index of the same content.
 */

export interface SessionSnapshot {
  name: string;
  worktree: string;
  tree: string;
  head?: string;
  /** The snapshot commit (tree on HEAD): what merge-tree merges. */
  commit: string;
  baseTip?: string;
  mergeBase?: string;
  /** Changed paths relative to the merge-base with base (config `ignore` applied). */
  changes: ChangeEntry[];
}

export interface SnapshotInput {
  stateDir: string;
  name: string;
  worktree: string;
  /** Resolved lazily: the scan of the working tree starts before they are known. */
  head: () => Promise<string | undefined>;
  baseTip: () => Promise<string | undefined>;
  ignore: readonly string[];
  cache: CacheData;
  /** What a running `qlock watch` vouches for (readActivity), if anything. */
  activity?: Map<string, SessionActivity>;
  /** This session's uncommitted paths from a fresh `git status`, if the caller has them. */
  uncommitted?: readonly string[];
}

/** Tree of the working tree through the session's private index; undefined entry = not cached. */
async function currentTree(input: SnapshotInput): Promise<{ tree: string; entry: SessionEntry }> {
  const { stateDir, name, worktree, ignore, cache } = input;
  const realIndex = await worktreeIndexFile(worktree);
  const realSignature = fileSignature(realIndex);
  const seed = `${realSignature}:${hashKey(...ignore)}`;
  const priv = path.join(cacheDir(stateDir), 'index', name);
  let previous: SessionEntry | undefined = cache.sessions[name];
  if (previous && previous.seed === seed) {
    if (unchangedSince(input.activity?.get(name), previous.scannedAt)) {
      // `qlock watch` saw no file event in this tree since the last scan began: no need to look.
      return { tree: previous.tree, entry: previous };
    }
    if (input.uncommitted && sameUncommitted(worktree, previous, input.uncommitted))
      return { tree: previous.tree, entry: previous };
  }
  // This process's own index (see privateIndex.ts): no other qlock process can change it
  // between our `add -A` and `write-tree`.
  const mine = openPrivateIndex(priv, realIndex, previous?.seed === seed);
  if (!mine.linked) previous = undefined;
  try {
    const scannedAt = Date.now();
    await addAllToIndex(worktree, mine.file, ignore).catch(async (error: unknown) => {
      // Just seeded from the real index: nothing to retry. Otherwise the shared copy may be what
      // git cannot read (a crash or a full disk mid-write): it is only a cache.
      if (!previous) throw error;
      seedIndex(realIndex, mine.file);
      previous = undefined;
      await addAllToIndex(worktree, mine.file, ignore);
    });
    const listed = input.uncommitted ? { uncommitted: [...input.uncommitted].sort() } : {};
    const sum = indexChecksum(mine.file);
    if (previous && sum !== undefined && previous.index === sum) {
      // The same index content as the one the cached tree was written from: the same tree. The
      // last `git status` list stays true of it (same real index: the seed; same working tree
      // content: this index), so a caller without a list (`qlock conflicts`) keeps it, and the
      // next `qlock status` can still spare this tree its `add -A` (issue 22).
      return { tree: previous.tree, entry: { ...previous, scannedAt, ...listed } };
    }
    // write-tree rewrites the index too (it stores the cache tree there).
    const tree = await writeTree(worktree, mine.file);
    const index = indexChecksum(mine.file) ?? '';
    // Shared for the next run only if the real index is still the one this was seeded from.
    if (fileSignature(realIndex) === realSignature) mine.publish();
    return { tree, entry: { seed: index ? seed : '', index, tree, scannedAt, ...listed } };
  } finally {
    mine.dispose();
  }
}

/**
 * Timestamps are compared with this much slack: file systems with coarse timestamps (1 s, 2 s)
 * truncate a change made just after a scan to before it.
 */
export const snapshotTuning = { timestampSlackMs: 2000 };

/**
 * Whether the working tree is still what the last scan saw, judged from a fresh `git status`
 * list instead of a new scan. With the index unchanged (checked by the caller), a file missing
 * from both lists still equals its indexed version, so only the listed files can differ from
 * the snapshot; they did not change if none was modified (ctime: a write always moves it, and
 * no tool can set it back) since shortly before that scan began.
 */
function sameUncommitted(
  worktree: string,
  previous: SessionEntry,
  now: readonly string[],
): boolean {
  const before = previous.uncommitted;
  if (!before || previous.scannedAt === undefined || before.length !== now.length) return false;
  const sorted = [...now].sort();
  if (sorted.some((p, i) => p !== before[i])) return false;
  const limit = previous.scannedAt - snapshotTuning.timestampSlackMs;
  for (const rel of sorted) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(path.join(worktree, rel));
    } catch {
      continue; // deleted then, deleted now (or it would be listed differently)
    }
    if (stat.ctimeMs >= limit || stat.mtimeMs >= limit) return false;
  }
  return true;
}

/** What changed from `from` (a commit, or nothing: the empty tree) to `to`, renames detected. */
export function diffChanges(
  cwd: string,
  from: string | undefined,
  to: string,
): Promise<ChangeEntry[]> {
  return treeChanges(cwd, from, to);
}

const inFlight = new WeakMap<CacheData, Map<string, Promise<string | undefined>>>();

/**
 * merge-base of two commits through the cache (`bases`, kept across runs): sessions forked from
 * the same commit, and pairs of them, share one `git merge-base` (concurrent askers too).
 */
export function cachedMergeBase(
  cwd: string,
  cache: CacheData,
  x: string,
  y: string,
): Promise<string | undefined> {
  if (x === y) return Promise.resolve(x);
  const key = x < y ? `${x}:${y}` : `${y}:${x}`;
  if (key in cache.bases) return Promise.resolve(cache.bases[key] ?? undefined);
  let pending = inFlight.get(cache);
  if (!pending) inFlight.set(cache, (pending = new Map()));
  let found = pending.get(key);
  if (!found) {
    found = mergeBaseOfCommits(cwd, x, y).then((mb) => {
      cache.bases[key] = mb ?? null;
      return mb;
    });
    pending.set(key, found);
  }
  return found;
}

export async function snapshotSession(input: SnapshotInput): Promise<SessionSnapshot> {
  const { worktree, cache, name } = input;
  const { tree, entry } = await currentTree(input);
  const [head, baseTip] = await Promise.all([input.head(), input.baseTip()]);
  const next: SessionEntry = { ...entry };
  if (!(next.commit && next.head === head && next.tree === tree)) {
    next.commit = await snapshotCommit(worktree, tree, head);
    if (head) next.head = head;
    else delete next.head;
  }
  const mergeBaseKey = `${head ?? ''}:${baseTip ?? ''}`;
  if (next.mergeBaseKey !== mergeBaseKey || !('mergeBase' in next)) {
    const mb = head && baseTip ? await cachedMergeBase(worktree, cache, head, baseTip) : undefined;
    if (baseTip) next.baseTip = baseTip;
    else delete next.baseTip;
    next.mergeBase = mb ?? null;
    next.mergeBaseKey = mergeBaseKey;
  }
  // No merge-base with base (base does not resolve, or unrelated histories): the change set is
  // the uncommitted work on HEAD, not every file of the tree.
  const from = next.mergeBase ?? head;
  const changesKey = `${from ?? ''}:${tree}`;
  if (next.changesKey !== changesKey || !next.changes) {
    next.changes = await diffChanges(worktree, from, tree);
    next.changesKey = changesKey;
  }
  if (next.seed) cache.sessions[name] = next;
  return {
    name,
    worktree,
    tree,
    ...(head ? { head } : {}),
    commit: next.commit!,
    ...(baseTip ? { baseTip } : {}),
    ...(next.mergeBase ? { mergeBase: next.mergeBase } : {}),
    changes: input.ignore.length
      ? await withoutIgnoredChanges(next.changes, input.ignore)
      : next.changes,
  };
}

/** Drops changes to paths matching config `ignore`: never reported. */
export async function withoutIgnoredChanges(
  changes: ChangeEntry[],
  ignore: readonly string[],
): Promise<ChangeEntry[]> {
  const { makeIgnoreMatcher } = await import('../changes/snapshot.js');
  const ignored = makeIgnoreMatcher(ignore);
  return changes.filter((c) => !ignored(c.path) || (c.from !== undefined && !ignored(c.from)));
}

/** Every path a change set touches: changed paths plus the old names of renames. */
export function touchedPaths(changes: readonly ChangeEntry[]): Set<string> {
  const set = new Set<string>();
  for (const c of changes) {
    set.add(c.path);
    if (c.from !== undefined) set.add(c.from);
  }
  return set;
}
