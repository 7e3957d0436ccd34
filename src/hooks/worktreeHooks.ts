import fs from 'node:fs';
import path from 'node:path';

import { listWorktrees } from '../git/repo.js';
import type { Project } from '../project/findProject.js';
import { hooksStateDir } from '../project/hookPaths.js';
import { createDebug } from '../ui/debug.js';
import { hookMessages } from '../ui/messages/hooks.js';
import { hookLocation } from './hookLocation.js';

const debug = createDebug('hooks');

/**
 * A new session worktree must run qlock's hooks. Where the hooks live per worktree (husky's
 * `.husky/_`, any relative core.hooksPath), git resolves them inside the new worktree, where the
 * untracked files are not: husky's stubs and runner, the reference-transaction file qlock puts
 * beside them, an untracked hooks directory. This copies the files the new worktree lacks from a
 * worktree that has them (the main one first): only missing files, never over an existing one
 * (a tracked hook file stays the session's own), the same files `npx husky` or qlock's install
 * would write there, silently. Called by `qlock new`, `qlock join` and the auto-join of `git worktree add`.
 * Does nothing where hooks are shared by every worktree (`.git/hooks`, an absolute hooksPath), or
 * before `qlock hooks install`. Returns a note for the user when no worktree has the files.
 */
export async function prepareWorktreeHooks(project: Project, worktree: string): Promise<string[]> {
  if (project.kind !== 'git' || !fs.existsSync(hooksStateDir(project.stateDir))) return [];
  const target = await hookLocation(worktree);
  if (!target.perWorktree) return [];
  const here = path.resolve(worktree);
  const others = (await listWorktrees(project.root).catch(() => []))
    .filter((w) => !w.bare && path.resolve(w.path) !== here && fs.existsSync(w.path))
    .map((w) => w.path);
  // The main worktree first: it is where `qlock hooks install` and `npx husky` ran.
  others.sort((a, b) => Number(b === project.root) - Number(a === project.root));
  for (const other of others) {
    const source = await hookLocation(other).catch(() => undefined);
    if (!source || source.hooksPath !== target.hooksPath) continue;
    if (!fs.existsSync(source.gitHooksDir) || !fs.statSync(source.gitHooksDir).isDirectory())
      continue;
    const copied = copyMissing(source.gitHooksDir, target.gitHooksDir);
    // Silent when it worked: the user expects the hooks to run, nothing else happened.
    debug(`copied ${copied.length} hook file(s) from ${source.gitHooksDir} into ${worktree}`);
    return [];
  }
  return [hookMessages.worktreeHooksNoSource(worktree, target.hooksPath!)];
}

/** Copies every file of `from` that `to` lacks (recursively), keeping modes; returns them. */
function copyMissing(from: string, to: string): string[] {
  const copied: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(from, rel), { withFileTypes: true })) {
      const r = path.join(rel, entry.name);
      const src = path.join(from, r);
      const dst = path.join(to, r);
      if (entry.isDirectory()) {
        walk(r);
        continue;
      }
      if (!entry.isFile() || fs.existsSync(dst)) continue;
      fs.mkdirSync(path.dirname(dst), { recursive: true });
      fs.copyFileSync(src, dst, fs.constants.COPYFILE_EXCL);
      fs.chmodSync(dst, fs.statSync(src).mode & 0o7777);
      copied.push(r);
    }
  };
  walk('');
  return copied;
}
