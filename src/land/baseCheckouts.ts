import fs from 'node:fs';

import { trackedChanges, untrackedAmong } from '../git/diff.js';
import { listWorktrees } from '../git/repo.js';
import { moveCheckout } from './landGit.js';

/**
 * Base's checkouts: the worktrees (the main one included) that have base checked out. A landing
 * updates each to the new tip, never over a local change: a checkout with uncommitted changes to
 * a file the landing changes, or an untracked (or ignored) file where the landing adds one,
 * refuses the landing before anything moves. Local changes to other files are carried along, as
 * `git checkout` carries them.
 */

export interface BaseCheckout {
  path: string;
  /** Files in the way: changed locally, or untracked where the landing writes. */
  inTheWay: string[];
}

export async function baseCheckouts(root: string, base: string): Promise<string[]> {
  const entries = await listWorktrees(root);
  return entries
    .filter((w) => !w.bare && w.branch === base && fs.existsSync(w.path))
    .map((w) => w.path);
}

/** For each checkout of base, the files that stand in the way of writing `paths` there. */
export async function checkoutsInTheWay(
  root: string,
  base: string,
  paths: readonly string[],
): Promise<BaseCheckout[]> {
  const wanted = new Set(paths);
  const result: BaseCheckout[] = [];
  for (const dir of await baseCheckouts(root, base)) {
    const local = (await trackedChanges(dir)).filter((p) => wanted.has(p));
    const untracked = await untrackedAmong(dir, paths);
    result.push({ path: dir, inTheWay: [...new Set([...local, ...untracked])].sort() });
  }
  return result;
}

/**
 * Brings every checkout from `from` to `to`; when one refuses, the ones already moved are moved
 * back, and the refusal is returned (nothing changed).
 */
export async function moveCheckouts(
  dirs: readonly string[],
  from: string,
  to: string,
  session: string,
): Promise<{ ok: true } | { ok: false; path: string; reason: string }> {
  const moved: string[] = [];
  for (const dir of dirs) {
    const step = await moveCheckout(dir, from, to, session);
    if (!step.ok) {
      await moveCheckoutsBack(moved, from, to, session);
      return { ok: false, path: dir, reason: step.reason };
    }
    moved.push(dir);
  }
  return { ok: true };
}

export async function moveCheckoutsBack(
  dirs: readonly string[],
  from: string,
  to: string,
  session: string,
): Promise<void> {
  for (const dir of dirs) await moveCheckout(dir, to, from, session);
}
