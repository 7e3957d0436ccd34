import fs from 'node:fs';
import path from 'node:path';

/** The git dir of a worktree: `.git` itself, or where a linked worktree's `.git` file points. */
export function worktreeGitDir(worktree: string): string | undefined {
  const dotGit = path.join(worktree, '.git');
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dotGit);
  } catch {
    return undefined;
  }
  if (stat.isDirectory()) return dotGit;
  try {
    const match = /^gitdir:\s*(.+?)\s*$/m.exec(fs.readFileSync(dotGit, 'utf8'));
    return match ? path.resolve(worktree, match[1]!) : undefined;
  } catch {
    return undefined;
  }
}
