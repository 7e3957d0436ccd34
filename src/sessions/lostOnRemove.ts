import fs from 'node:fs';
import path from 'node:path';

import { makeIgnoreMatcher } from '../changes/ignoreGlobs.js';
import { untrackedEntries } from '../git/diff.js';
import { POINTER_FILE } from '../project/findProject.js';

/**
 * What deleting a session's directory would lose that its change set does not show: ignored
 * files (a `.env` holding the only copy of a secret, a `build/` folder) and nested repositories
 * (their own unpushed commits). `git worktree remove` refuses only on untracked or modified
 * tracked files, and a plain-directory change set leaves out what matches `ignore`, so `qlock rm`
 * asks this before it deletes anything.
 */
export interface LostOnRemove {
  /** Ignored files and directories ('/'-terminated), repo-relative, sorted. */
  ignored: string[];
  /** Nested repositories (directories holding a `.git`), repo-relative with a trailing '/'. */
  nestedRepos: string[];
}

/** Ignored entries of a git worktree, and nested repositories inside or outside of them. */
/** `ourFiles`: the agent configs `qlock agent install` wrote and excluded (anchored, `/rel`). */
export async function lostOnRemoveGit(
  dir: string,
  ourFiles: Iterable<string> = [],
): Promise<LostOnRemove> {
  // qlock's own agent configs (written by `agent install`, excluded by it) are not the user's work.
  const ours = new Set<string>();
  for (const p of ourFiles) ours.add(p.replace(/^\//, ''));
  const onlyOurs = (entry: string): boolean => {
    if (!entry.endsWith('/')) return ours.has(entry);
    const files = filesBelow(dir, entry);
    return files.length > 0 && files.every((f) => ours.has(f));
  };
  const ignored = (await untrackedEntries(dir, { ignored: true }))
    .filter((e) => !onlyOurs(e))
    .sort();
  // Untracked (not ignored) directories: a nested repository there is shown as one entry.
  const untrackedDirs = (await untrackedEntries(dir)).filter((p) => p.endsWith('/'));
  const nestedRepos = new Set<string>();
  for (const entry of [...ignored, ...untrackedDirs])
    if (entry.endsWith('/')) for (const repo of findRepos(dir, entry)) nestedRepos.add(repo);
  return { ignored, nestedRepos: [...nestedRepos].sort() };
}

/** Files below directory `rel` (repo-relative), at most a few hundred looked at. */
function filesBelow(root: string, rel: string, out: string[] = []): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (out.length > 500) return out;
    if (e.isDirectory() && !e.isSymbolicLink()) filesBelow(root, `${rel}${e.name}/`, out);
    else out.push(`${rel}${e.name}`);
  }
  return out;
}

/** Directories below `rel` (inclusive) that hold a `.git` (directory or file). */
function findRepos(root: string, rel: string, depth = 0): string[] {
  const abs = path.join(root, rel);
  if (fs.existsSync(path.join(abs, '.git'))) return [rel];
  // A deep ignored tree (node_modules) is not walked far: a nested repository sits near the top.
  if (depth >= 4) return [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(abs, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isDirectory() && !e.isSymbolicLink())
    .flatMap((e) => findRepos(root, `${rel}${e.name}/`, depth + 1));
}

/** Names always left out of a plain-directory snapshot and change set (see changes/snapshot.ts). */
const ALWAYS_LEFT_OUT = new Set(['node_modules', '.git']);

/**
 * Entries of a plain-directory copy that its change set never shows: those matching the config's
 * `ignore` globs, `node_modules`, and nested repositories. `new --copy` leaves these out, so
 * whatever is there now was made in the session.
 */
export function lostOnRemoveCopy(dir: string, ignore: readonly string[]): LostOnRemove {
  const ignoredGlob = makeIgnoreMatcher(ignore);
  const ignored: string[] = [];
  const nestedRepos: string[] = [];
  const walk = (rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const childRel = rel + entry.name;
      const isDir = entry.isDirectory() && !entry.isSymbolicLink();
      if (!rel && entry.name === POINTER_FILE) continue;
      if (isDir && fs.existsSync(path.join(dir, childRel, '.git'))) {
        nestedRepos.push(`${childRel}/`);
        continue;
      }
      if (ALWAYS_LEFT_OUT.has(entry.name) || ignoredGlob(childRel)) {
        ignored.push(isDir ? `${childRel}/` : childRel);
        continue;
      }
      if (isDir) walk(`${childRel}/`);
    }
  };
  walk('');
  return { ignored: ignored.sort(), nestedRepos: nestedRepos.sort() };
}

/** At most `max` names, then "and N more". */
export function someNames(names: readonly string[], max = 8): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}
