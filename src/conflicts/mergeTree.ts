import fs from 'node:fs';
import path from 'node:path';

import { GitError } from '../errors.js';
import { mergeTreeOf } from '../git/objects.js';
import { gitVersion } from '../git/repo.js';
import type { CacheData } from './conflictCache.js';

/**
 * `git merge-tree --write-tree --name-only -z A B`: the in-memory merge of two commits, no
 * index or working tree involved (it only writes objects).
 *
 * Exit 0 = clean, 1 = conflicts, anything else = an error. Git 2.39 quirks (see
 * reference/libs-and-git.md §2.1): an unresolvable ref *also* exits 1, with an empty stdout, so
 * callers pass object ids they validated and we check that line 1 is an object id; and a merge
 * can conflict with no conflicted paths listed, so the exit code decides, not the path list.
 */

const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export interface MergeTreeResult {
  conflict: boolean;
  /** Conflicted paths; when git lists none, the paths its CONFLICT messages name. */
  paths: string[];
  tree: string;
}

/** Parses the -z output: `<tree>\0<path>\0…\0\0` then messages `<n>\0<path>…\0<type>\0<msg>\0`. */
export function parseMergeTreeZ(stdout: string): {
  tree: string;
  paths: string[];
  messagePaths: string[];
} {
  const fields = stdout.split('\0');
  const tree = fields[0] ?? '';
  const paths: string[] = [];
  let i = 1;
  for (; i < fields.length && fields[i] !== ''; i++) paths.push(fields[i]!);
  i++; // the empty field ending the path list
  const messagePaths: string[] = [];
  while (i < fields.length) {
    const count = Number(fields[i]);
    if (!Number.isInteger(count) || count < 0) break;
    const named = fields.slice(i + 1, i + 1 + count);
    const type = fields[i + 1 + count] ?? '';
    if (type.startsWith('CONFLICT')) messagePaths.push(...named);
    i += count + 3;
  }
  return { tree, paths, messagePaths };
}

export async function mergeTree(cwd: string, a: string, b: string): Promise<MergeTreeResult> {
  const result = await mergeTreeOf(cwd, a, b);
  const parsed = parseMergeTreeZ(result.stdout);
  if (!OID.test(parsed.tree)) {
    // exit 1 with no tree: "not something we can merge" (an unknown ref), not a conflict
    throw new GitError(result.args, result.code, result.stderr || 'merge-tree gave no tree', cwd);
  }
  const conflict = result.code === 1;
  const listed = parsed.paths.length ? parsed.paths : parsed.messagePaths;
  const paths = conflict ? [...new Set(listed.map((p) => userPath(p, a, b)))].sort() : [];
  return { conflict, paths, tree: parsed.tree };
}

/**
 * The user's name for a conflicted path. In a file/directory or file/symlink conflict git records
 * one side under `<path>~<label>` (`_<n>` appended when that name is taken), and the labels here
 * are the merged commits' ids: qlock's own snapshot commits, which the user never saw.
 */
export function userPath(p: string, a: string, b: string): string {
  for (const label of [a, b]) {
    const at = p.lastIndexOf(`~${label}`);
    if (at > 0 && /^(_\d+)?$/.test(p.slice(at + label.length + 1))) return p.slice(0, at);
  }
  return p;
}

/** Identity of the git binary on PATH (path, size, mtime): what a cached version answer is for. */
export function gitBinaryKey(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      const file = path.join(dir, 'git');
      const stat = fs.statSync(file);
      if (stat.isFile()) return `${file}:${stat.size}:${stat.mtimeMs}`;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * `merge-tree --write-tree` exists from git 2.38 on. QLOCK_MERGE_TREE=0 forces the overlap-only
 * fallback (to compare the two, and to test the fallback on a new git). With a cache, the answer
 * is remembered for this git binary and the `git version` process is skipped.
 */
export async function hasMergeTreeWriteTree(
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
  cache?: CacheData,
): Promise<boolean> {
  if (env.QLOCK_MERGE_TREE === '0') return false;
  const key = cache ? gitBinaryKey(env) : undefined;
  if (key && cache?.git?.key === key) return cache.git.mergeTree;
  const [major, minor] = await gitVersion(cwd);
  const ok = major > 2 || (major === 2 && minor >= 38);
  if (key && cache) cache.git = { key, mergeTree: ok };
  return ok;
}
