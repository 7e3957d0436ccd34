import path from 'node:path';

import { listFromTop } from '../git/listFromTop.js';
import { normalizeLockPath } from '../locks/lockPath.js';
import { isLockHonoured, locksOverlap } from '../locks/lockTable.js';
import { findProject } from '../project/findProject.js';
import { sessionForPath } from '../sessions/resolveSession.js';
import { readRegistry } from '../store/readRegistry.js';
import type { Lock } from '../store/types.js';
import { createDebug } from '../ui/debug.js';
import { segmentRegex } from './shellExpand.js';

const debug = createDebug('agents');

/**
 * Writes of a shell command that cannot be listed from its text alone, checked at hook time
 * against the locks other sessions hold (only those: a guess never takes a lock nor warns):
 *
 * - `named`: files an interpreter script names and may write;
 * - `under`: any file under a directory (`find src -exec sed -i`, `… | xargs sed -i`, a directory
 *   operand such as `git checkout -- .`), optionally only names matching a glob;
 * - `suffix`: any file under `base` whose path ends with `rel` (Codex's unseen `workdir`);
 * - `git`: the files a git command lists in `dir` (`git diff --name-only -z HEAD` for
 *   `git reset --hard`, `git stash show` for `git stash pop`), or any file when git fails.
 *
 * `why` (a message) says why qlock could not be sure; absent, the write is certain and only its
 * file names were unknown before (a directory operand, a stash's files).
 */
export type Deferred =
  | { kind: 'named'; paths: string[]; why: string }
  | { kind: 'under'; dir: string; name?: string; why?: string }
  | { kind: 'suffix'; base: string; rel: string; why: string }
  | { kind: 'git'; dir: string; args: string[]; why: string; exact?: boolean };

export interface ResolvedDeferred {
  /** Absolute paths, in the session's worktree, of locked files the command may write. */
  paths: string[];
  /** Why each of them counts when qlock is not sure (absolute path → message). */
  why: Map<string, string>;
}

const relOf = (root: string, abs: string) => path.relative(root, abs).split(path.sep).join('/');

export async function resolveDeferred(
  deferred: Deferred[],
  cwd: string,
  now: Date,
): Promise<ResolvedDeferred> {
  const out: ResolvedDeferred = { paths: [], why: new Map() };
  const project = findProject(cwd);
  if (!project || !deferred.length) return out;
  const registry = readRegistry(project.stateDir);
  const self = sessionForPath(registry, cwd);
  const others: Lock[] = registry.locks.filter(
    (l) => l.session !== self?.name && isLockHonoured(l, registry, now),
  );
  if (!others.length) return out; // nothing anyone holds: no guess can matter
  const root = project.worktreeRoot;
  const add = (rel: string, why: string | undefined) => {
    const abs = path.join(root, ...rel.replace(/\/$/, '').split('/'));
    if (!out.paths.includes(abs)) out.paths.push(abs);
    if (why && !out.why.has(abs)) out.why.set(abs, why);
  };
  const normal = (abs: string) => {
    try {
      return normalizeLockPath(project, cwd, abs);
    } catch {
      return undefined;
    }
  };
  /** Locks inside the directory `dirRel` ('' = the whole worktree), or holding it. */
  const under = (dirRel: string, name: string | undefined, why: string | undefined) => {
    const prefix = dirRel ? dirRel.replace(/\/?$/, '/') : '';
    const re = name ? segmentRegex(name) : undefined;
    for (const lock of others) {
      const inside = lock.path.startsWith(prefix);
      const holds = lock.path.endsWith('/') && prefix.startsWith(lock.path);
      if (holds) add(prefix || lock.path, why);
      else if (
        inside &&
        (!re || lock.path.endsWith('/') || re.test(path.posix.basename(lock.path)))
      )
        add(lock.path, why);
    }
  };
  for (const item of deferred) {
    switch (item.kind) {
      case 'named':
        for (const abs of item.paths) {
          const rel = normal(abs);
          if (rel && others.some((l) => locksOverlap(l.path, rel))) add(rel, item.why);
        }
        break;
      case 'under': {
        const rel = relOf(root, item.dir);
        if (!rel.startsWith('..')) under(rel, item.name, item.why);
        break;
      }
      case 'suffix': {
        const base = relOf(root, item.base);
        if (base.startsWith('..') || item.rel.startsWith('..')) break;
        const prefix = base ? `${base}/` : '';
        for (const lock of others) {
          const file = lock.path.replace(/\/$/, '');
          if (file.startsWith(prefix) && `/${file}`.endsWith(`/${item.rel}`))
            add(lock.path, item.why);
        }
        break;
      }
      case 'git': {
        const listed = await gitList(item.dir, item.args);
        if (!listed) {
          under('', undefined, item.why);
          break;
        }
        const top = listed.top;
        for (const name of listed.names) {
          const rel = normal(path.join(top, name));
          if (rel && others.some((l) => locksOverlap(l.path, rel)))
            add(rel, item.exact ? undefined : item.why);
        }
        break;
      }
    }
  }
  return out;
}

/** Runs a listing git command in `dir`: names relative to the worktree's top. */
async function gitList(
  dir: string,
  args: string[],
): Promise<{ top: string; names: string[] } | undefined> {
  try {
    return await listFromTop(dir, args);
  } catch (error) {
    debug(`git ${args.join(' ')} failed: ${(error as Error).message}`);
    return undefined;
  }
}
