import fs from 'node:fs';
import path from 'node:path';

import type { RefReader } from '../git/refReader.js';
import { worktreeGitDir } from '../git/worktreeGitDir.js';
import { fileSignature, hashKey, type SessionEntry } from './conflictCache.js';
import { snapshotTuning } from './sessionSnapshot.js';

/**
 * Whether a session's cached snapshot still stands for `paths` of its worktree, judged without
 * git: the index and HEAD are the ones it was scanned with, and none of the paths was written
 * (ctime or mtime) since shortly before that scan began (a missing path must have been missing
 * then too). The pre-commit hook asks this about the paths it shares with the session: a
 * snapshot from before the other session edited them would predict no conflict where there is
 * one.
 */
export function cachedSnapshotFresh(
  entry: SessionEntry,
  worktree: string,
  paths: readonly string[],
  ignore: readonly string[],
  refs: RefReader | undefined,
): boolean {
  if (entry.scannedAt === undefined || !entry.seed) return false;
  const gitDir = worktreeGitDir(worktree);
  if (!gitDir) return false;
  if (entry.seed !== `${fileSignature(path.join(gitDir, 'index'))}:${hashKey(...ignore)}`)
    return false;
  const head = refs?.headOf(worktree);
  if (head === undefined || head !== entry.head) return false;
  const limit = entry.scannedAt - snapshotTuning.timestampSlackMs;
  const deleted = new Set(entry.changes?.filter((c) => c.status === 'D').map((c) => c.path));
  for (const rel of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(path.join(worktree, rel));
    } catch {
      if (deleted.has(rel)) continue;
      return false;
    }
    if (stat.ctimeMs >= limit || stat.mtimeMs >= limit) return false;
  }
  return true;
}
