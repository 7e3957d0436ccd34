/**
 * The shapes of conflict prediction. Field names are stable: they are the `qlock conflicts --json`
 * output and what `status`, the hooks, the watcher and MCP consume.
 */

/** One path both sides of a pair changed. */
export interface PathOverlap {
  path: string;
  /** `file`: both changed the file; `hunk`: their changed line ranges intersect or touch. */
  kind: 'file' | 'hunk';
  /**
   * True when the path merges without a conflict: from merge-tree when it runs, else from the
   * line ranges (disjoint edits of a text file, or identical content).
   */
  clean: boolean;
  /** Plain directories: the sessions of the pair that deleted the file. */
  deletedBy?: string[];
}

export interface PairReport {
  a: string;
  /** The other session, or the base branch name for a session-vs-base pair. */
  b: string;
  /** True when merging the two (uncommitted work included) is predicted to conflict. */
  conflict: boolean;
  /** Conflicting paths (may be empty even when `conflict`: git can conflict without listing paths). */
  paths: string[];
  overlaps: PathOverlap[];
}

export interface ConflictReport {
  /** Whether `git merge-tree --write-tree` decided conflicts (false: overlap-only fallback). */
  mergeTree: boolean;
  /** Why the prediction is limited, when it is. */
  note?: string;
  pairs: PairReport[];
}

export interface PredictOptions {
  /** Sessions to consider (default: every registered session whose directory exists). */
  sessions?: string[];
  /** Also pair each session with its base branch (default true). */
  includeBase?: boolean;
  /** Only pairs that include this session (or base branch name). */
  pairsWith?: string;
  /**
   * Each session's uncommitted paths (staged, unstaged, untracked), fresh from `git status`, when
   * the caller has them anyway (qlock status). A session whose list is what it was at its last
   * scan, none of those files changed since, and whose index is unchanged, is not scanned again.
   */
  uncommitted?: ReadonlyMap<string, readonly string[]>;
  /** Called as pairs are decided; the command shows progress when a scan takes a while. */
  onProgress?: (done: number, total: number) => void;
}
