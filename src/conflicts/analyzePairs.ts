import { readBlobs } from '../git/objects.js';
import type { CacheData, CachedPair, ChangeEntry } from './conflictCache.js';
import { mapLimit } from './mapLimit.js';
import { mergeTree } from './mergeTree.js';
import { cachedMergeBase, touchedPaths } from './sessionSnapshot.js';
import type { PathOverlap } from './types.js';

/**
 * Deciding pairs: merge-tree for the verdict and the conflicting paths, the diff package for the
 * line ranges of every path both sides changed. Git work runs with bounded concurrency, and every
 * blob any pair needs is read by a single `cat-file --batch`.
 */

/** One side of a pair: a session's snapshot, or base's tip. */
export interface Side {
  name: string;
  /** What merge-tree merges: the snapshot commit, or base's tip. */
  commit: string;
  /** The real commit under it (for the pair's merge-base, cached by heads). */
  head?: string;
  changes: ChangeEntry[];
}

export interface PairJob {
  a: Side;
  b: Side;
  key: string;
}

export interface AnalyzeOptions {
  cwd: string;
  mergeTree: boolean;
  ignore: readonly string[];
  cache: CacheData;
  concurrency: number;
  onDone?: () => void;
  /**
   * Only the verdict and conflicting paths (needs merge-tree): no overlaps, so side a's change
   * set is not needed. The pre-commit hook's path, where every process counts.
   */
  verdictOnly?: boolean;
}

/** Where a side keeps a path's content: renamed files are followed to their new name. */
function pathIn(side: Side, p: string): string {
  for (const c of side.changes) if (c.status === 'R' && c.from === p) return c.path;
  return p;
}

async function pairBase(job: PairJob, options: AnalyzeOptions): Promise<string | undefined> {
  const x = job.a.head;
  const y = job.b.head;
  if (!x || !y) return undefined;
  return cachedMergeBase(options.cwd, options.cache, x, y);
}

interface Pending {
  job: PairJob;
  conflict: boolean;
  mergePaths: string[];
  overlapPaths: string[];
  base?: string;
}

export async function analyzePairs(
  jobs: readonly PairJob[],
  options: AnalyzeOptions,
): Promise<CachedPair[]> {
  // Loaded only when needed: a warm run (everything cached) never pays for picomatch or diff.
  const ignored = options.ignore.length
    ? (await import('../changes/snapshot.js')).makeIgnoreMatcher(options.ignore)
    : () => false;
  const pending = await mapLimit(jobs, options.concurrency, async (job): Promise<Pending> => {
    if ((!options.verdictOnly && !job.a.changes.length) || !job.b.changes.length) {
      // A side with no work of its own has nothing to conflict with.
      options.onDone?.();
      return { job, conflict: false, mergePaths: [], overlapPaths: [] };
    }
    const touchedB = touchedPaths(job.b.changes);
    const overlapPaths = options.verdictOnly
      ? []
      : [...touchedPaths(job.a.changes)].filter((p) => touchedB.has(p)).sort();
    const [merged, base] = await Promise.all([
      options.mergeTree ? mergeTree(options.cwd, job.a.commit, job.b.commit) : undefined,
      overlapPaths.length ? pairBase(job, options) : undefined,
    ]);
    options.onDone?.();
    let conflict = merged?.conflict ?? false;
    let mergePaths = merged?.paths ?? [];
    if (mergePaths.length) {
      mergePaths = mergePaths.filter((p) => !ignored(p));
      // Every conflicting path is one the user told us to ignore: nothing to report.
      if (!mergePaths.length) conflict = false;
    }
    return { job, conflict, mergePaths, overlapPaths, ...(base ? { base } : {}) };
  });

  const specs: string[] = [];
  for (const p of pending) {
    for (const file of p.overlapPaths) {
      if (p.base) specs.push(`${p.base}:${file}`);
      specs.push(
        `${p.job.a.commit}:${pathIn(p.job.a, file)}`,
        `${p.job.b.commit}:${pathIn(p.job.b, file)}`,
      );
    }
  }
  const { classifyPath } = specs.length
    ? await import('./hunkOverlap.js')
    : { classifyPath: undefined };
  const blobs = specs.length
    ? await readBlobs(options.cwd, specs)
    : new Map<string, Buffer | undefined>();

  return pending.map((p): CachedPair => {
    const { a, b } = p.job;
    const conflicting = new Set(p.mergePaths);
    const overlaps: PathOverlap[] = p.overlapPaths.map((file) => {
      const inA = pathIn(a, file);
      const inB = pathIn(b, file);
      const verdict = classifyPath!(
        p.base ? blobs.get(`${p.base}:${file}`) : undefined,
        blobs.get(`${a.commit}:${inA}`),
        blobs.get(`${b.commit}:${inB}`),
      );
      let clean: boolean;
      if (!options.mergeTree) clean = verdict.cleanByLines;
      else if (!p.conflict) clean = true;
      else if (conflicting.size)
        clean = !(conflicting.has(file) || conflicting.has(inA) || conflicting.has(inB));
      else clean = verdict.cleanByLines; // git conflicted without naming paths
      return { path: file, kind: verdict.kind, clean };
    });
    if (!options.mergeTree) {
      // Fallback: an overlap that does not merge by its lines is the predicted conflict.
      const paths = overlaps.filter((o) => !o.clean).map((o) => o.path);
      return { conflict: paths.length > 0, paths, overlaps };
    }
    return { conflict: p.conflict, paths: p.mergePaths, overlaps };
  });
}
