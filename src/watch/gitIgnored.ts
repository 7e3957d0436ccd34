import { ignoredAmong, untrackedEntries } from '../git/diff.js';

/**
 * What git ignores in a session's tree, so the watcher never spends inotify watches on build
 * output or node_modules. Asked once per session when it starts being watched (one walk by git,
 * ~the cost of `git status`), then once per batch of directories created while it runs.
 */
export interface IgnoredPaths {
  /** Repo-relative directories ignored as a whole (no trailing '/'). */
  dirs: Set<string>;
  /** Repo-relative ignored files outside those directories. */
  files: Set<string>;
}

export async function listGitIgnored(worktree: string): Promise<IgnoredPaths> {
  const dirs = new Set<string>();
  const files = new Set<string>();
  for (const entry of await untrackedEntries(worktree, { ignored: true })) {
    if (entry.endsWith('/')) dirs.add(entry.slice(0, -1));
    else files.add(entry);
  }
  return { dirs, files };
}

/** The subset of `paths` (repo-relative) that git ignores; one git call for the whole batch. */
export async function checkGitIgnored(worktree: string, paths: string[]): Promise<Set<string>> {
  if (!paths.length) return new Set();
  return ignoredAmong(worktree, paths);
}

/**
 * Files that appear while the watcher runs are not in the list taken at start: a build log or a
 * cache file next to tracked sources would be reported as an edit (a false overlap with a lock on
 * its directory, and a `git status` per write). This asks git about each new path once, in
 * batches, and remembers the answer until a `.gitignore` changes.
 */
export class IgnoredFiles {
  private readonly known = new Map<string, boolean>();
  private readonly worktree: string;

  constructor(worktree: string) {
    this.worktree = worktree;
  }

  /** `rels` without the paths git ignores (on a failed check, nothing is dropped). */
  async filter(rels: readonly string[]): Promise<string[]> {
    if (rels.some((rel) => rel === '.gitignore' || rel.endsWith('/.gitignore'))) this.known.clear();
    const unknown = rels.filter((rel) => !this.known.has(rel));
    if (unknown.length) {
      const ignored = await checkGitIgnored(this.worktree, unknown).catch(() => undefined);
      if (ignored) for (const rel of unknown) this.known.set(rel, ignored.has(rel));
    }
    return rels.filter((rel) => this.known.get(rel) !== true);
  }
}
