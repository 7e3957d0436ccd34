import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { anchoredIgnoreGlobs } from '../changes/ignoreGlobs.js';
import { cleanGitEnv } from '../git/exec.js';
import { commitTree, stageAll, writeTree as writeTreeOf } from '../git/objects.js';
import { gitPath } from '../git/repo.js';
import { worktreeGitDir } from '../git/worktreeGitDir.js';

/**
 * Snapshots of a working tree as git objects, without touching its index, HEAD or files: a copy
 * of the worktree's index serves as a private GIT_INDEX_FILE, `git add -A` brings it up to the
 * working tree (staged, unstaged and untracked-not-ignored files; .gitignore is honoured), and
 * `git write-tree` turns it into a tree. Seeding from the real index keeps its stat data (so
 * `add -A` rehashes only files that changed) and its skip-worktree bits (sparse checkouts).
 */

/** The worktree's own index file (it may not exist yet in a repository without commits). */
export async function worktreeIndexFile(worktree: string): Promise<string> {
  const gitDir = worktreeGitDir(worktree);
  if (gitDir) return path.join(gitDir, 'index');
  return gitPath(worktree, 'index');
}

/** The environment for git calls on a private index: clean, plus GIT_INDEX_FILE on purpose. */
export function privateIndexEnv(indexFile: string): NodeJS.ProcessEnv {
  return { ...cleanGitEnv(), GIT_INDEX_FILE: indexFile };
}

/** `:(exclude,glob)` pathspecs for config `ignore`: those files keep their indexed version. */
export function ignorePathspecs(ignore: readonly string[]): string[] {
  return anchoredIgnoreGlobs(ignore).map((glob) => `:(exclude,glob)${glob}`);
}

/**
 * Copies the real index to `target` (or removes `target` when the worktree has none yet), with
 * the original's modification time. Git's racy-clean check compares each entry's mtime with the
 * index file's own mtime: a copy stamped "now" would make git trust the stat data of a file
 * edited in the same second as the real index was written (same size, same second: missed).
 * The copy is made beside the target and renamed over it, so another qlock process reading or
 * updating the target at that moment sees either the old file or the new one, never half of it.
 */
export function seedIndex(realIndex: string, target: string): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temp = `${target}.seed-${process.pid}-${crypto.randomUUID()}`;
  try {
    let stat: fs.BigIntStats;
    try {
      stat = fs.statSync(realIndex, { bigint: true });
      fs.copyFileSync(realIndex, temp);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      fs.rmSync(target, { force: true });
      return;
    }
    const seconds = (ns: bigint) => Number(ns / 1000n) / 1e6;
    fs.utimesSync(temp, seconds(stat.atimeNs), seconds(stat.mtimeNs));
    fs.renameSync(temp, target);
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/** Brings a private index up to the working tree and writes its tree. */
export async function addAllToIndex(
  worktree: string,
  indexFile: string,
  ignore: readonly string[] = [],
): Promise<void> {
  const specs = ignore.length ? ['--', '.', ...ignorePathspecs(ignore)] : [];
  // The untracked cache (directory mtimes, kept in the private index) halves the untracked scan
  // on large trees; it lives only in our private copy, never in the user's index.
  await stageAll(worktree, specs, privateIndexEnv(indexFile));
}

export async function writeTree(worktree: string, indexFile: string): Promise<string> {
  return writeTreeOf(worktree, privateIndexEnv(indexFile));
}

/**
 * A tree id of the working tree including staged, unstaged and untracked-not-ignored files,
 * without touching the index, HEAD or files. Writes blobs for changed files into the object
 * database (git gc collects them).
 */
export async function snapshotTree(
  worktree: string,
  ignore: readonly string[] = [],
): Promise<string> {
  const realIndex = await worktreeIndexFile(worktree);
  const temp = path.join(os.tmpdir(), `qlock-index-${process.pid}-${crypto.randomUUID()}`);
  seedIndex(realIndex, temp);
  try {
    await addAllToIndex(worktree, temp, ignore);
    return await writeTree(worktree, temp);
  } finally {
    fs.rmSync(temp, { force: true });
    fs.rmSync(`${temp}.lock`, { force: true });
  }
}

/**
 * Fixed identity and date for snapshot commits, so the same tree on the same parent always gives
 * the same commit id (results cache by it). A snapshot is a leaf no one builds on, so its old
 * date cannot mislead merge-base's date-ordered walk.
 */
const SNAPSHOT_IDENTITY = {
  GIT_AUTHOR_NAME: 'qlock',
  GIT_AUTHOR_EMAIL: 'qlock@localhost',
  GIT_AUTHOR_DATE: '1700000000 +0000',
  GIT_COMMITTER_NAME: 'qlock',
  GIT_COMMITTER_EMAIL: 'qlock@localhost',
  GIT_COMMITTER_DATE: '1700000000 +0000',
};

/**
 * A commit object for a snapshot tree: `git merge-tree --write-tree` in git 2.39 merges commits
 * (it has no --merge-base), and the parent gives the merge the right base.
 */
export async function snapshotCommit(
  cwd: string,
  tree: string,
  parent: string | undefined,
): Promise<string> {
  // "\n": the message `-m 'qlock snapshot'` gave, so the ids (and the caches keyed by them) stay.
  return commitTree(cwd, tree, parent ? [parent] : [], 'qlock snapshot\n', {
    ...cleanGitEnv(),
    ...SNAPSHOT_IDENTITY,
  });
}
