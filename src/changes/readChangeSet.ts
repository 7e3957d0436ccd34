import fs from 'node:fs';

import { GitError, StateError } from '../errors.js';
import type { Project } from '../project/findProject.js';
import type { Session } from '../store/types.js';
import { type ChangeSet, gitChangeSet, unionSorted } from './changeSet.js';
import { committedCache } from './committedCache.js';
import type { QuietScans } from './quietScans.js';
import { dirChangeSet, makeIgnoreMatcher } from './snapshot.js';

const EMPTY: ChangeSet = { committed: [], staged: [], unstaged: [], untracked: [], all: [] };

/** A session's change set, whatever kind of project; empty when its directory is gone. */
export async function readChangeSet(
  project: Project,
  session: Session,
  base: string,
  ignore: readonly string[],
  quiet?: QuietScans,
): Promise<ChangeSet> {
  if (!fs.existsSync(session.path)) return EMPTY;
  if (project.kind === 'git') {
    const set = await gitChangeSet(
      session.path,
      base,
      committedCache(project.stateDir, project.commonDir),
      quiet ? { scans: quiet, name: session.name } : undefined,
    );
    return ignore.length ? withoutIgnored(set, ignore) : set;
  }
  if (!session.snapshot) return EMPTY;
  return dirChangeSet(project.stateDir, session.snapshot, session.path, ignore);
}

/** Why a session's change set could not be read, and whose the fix is. */
export interface Unreadable {
  /** `git`: git cannot read the directory; `snapshot`: qlock's snapshot of a plain directory. */
  cause: 'git' | 'snapshot';
  /** git's own error line, or the whole StateError message (it names the file and the fix). */
  reason: string;
}

/**
 * readChangeSet, or why it could not be read: a session directory that exists but is no worktree
 * of this repository any more (its `.git` file removed, the repository moved, the directory
 * re-created by hand), or a plain-directory session whose snapshot manifest is damaged. One such
 * session must not make every other one unreadable.
 */
export async function tryReadChangeSet(
  project: Project,
  session: Session,
  base: string,
  ignore: readonly string[],
  quiet?: QuietScans,
): Promise<{ changes: ChangeSet; problem?: Unreadable }> {
  try {
    return { changes: await readChangeSet(project, session, base, ignore, quiet) };
  } catch (error) {
    if (error instanceof StateError)
      return { changes: EMPTY, problem: { cause: 'snapshot', reason: error.message } };
    // Only git's own answer (an exit code) says the directory is unreadable; git failing to
    // start at all (code null: EAGAIN, ENOMEM) is an error of this run, not of the session.
    if (!(error instanceof GitError) || error.code === null) throw error;
    const line = error.stderr.split('\n').find((l) => /^(fatal|error):/.test(l)) ?? error.message;
    return { changes: EMPTY, problem: { cause: 'git', reason: line.trim() } };
  }
}

/** Drops paths matching the config's `ignore` globs: never watched nor reported. */
export function withoutIgnored(set: ChangeSet, ignore: readonly string[]): ChangeSet {
  const ignored = makeIgnoreMatcher(ignore);
  const keep = (list: string[]) => list.filter((p) => !ignored(p));
  const committed = keep(set.committed);
  const staged = keep(set.staged);
  const unstaged = keep(set.unstaged);
  const untracked = keep(set.untracked);
  return {
    ...set,
    committed,
    staged,
    unstaged,
    untracked,
    all: unionSorted(committed, staged, unstaged, untracked),
  };
}
