import fs from 'node:fs';

import { git } from './exec.js';

/**
 * Makes git forget one worktree whose directory is gone, and only that one. Never a repository-wide
 * `git worktree prune`: a user's own worktree that is absent for a moment (an unmounted disk, a `mv`
 * in progress) would lose its index, in-progress rebase and reflog. No --force: should the
 * directory be back by now, git refuses to delete it while it holds changes.
 */
export async function forgetWorktree(root: string, dir: string): Promise<boolean> {
  if (fs.existsSync(dir)) return false;
  const { code } = await git(['worktree', 'remove', dir], { cwd: root, okCodes: [0, 128] });
  return code === 0;
}
