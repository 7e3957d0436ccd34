import fs from 'node:fs';
import path from 'node:path';

import { deleteBranch, removeWorktree } from '../git/branches.js';
import { resolveCommit } from '../git/repo.js';
import { atomicWrite } from '../store/atomicWrite.js';
import { withWorktreeMutex } from '../store/mutex.js';

/**
 * `qlock new` makes a branch and a worktree before it registers the session. Killed in between
 * (Ctrl-C twice, kill -9, a closed terminal), it leaves them behind, and the retry refused both
 * ("branch exists", "directory not empty") while neither doctor nor gc knew of them. So `new`
 * writes what it is about to make here first and removes the record once the session is
 * registered (or undone): a record whose writer is dead names exactly what was left behind.
 */
export interface PendingNew {
  name: string;
  dir: string;
  branch: string;
  /** The branch was created by this `new` (not an existing one reused with --branch). */
  createdBranch: boolean;
  /** The commit the branch was created at: a branch still there has no work of its own. */
  baseTip: string;
  pid: number;
  startedAt: string;
}

const DIR = 'pending-new';

function recordFile(stateDir: string, name: string): string {
  return path.join(stateDir, DIR, `${name}.json`);
}

export function writePendingNew(stateDir: string, record: PendingNew): void {
  fs.mkdirSync(path.join(stateDir, DIR), { recursive: true });
  atomicWrite(recordFile(stateDir, record.name), JSON.stringify(record) + '\n');
}

export function clearPendingNew(stateDir: string, name: string): void {
  fs.rmSync(recordFile(stateDir, name), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Records left by a `qlock new` that died before it finished. */
export function interruptedNews(stateDir: string): PendingNew[] {
  let names: string[];
  try {
    names = fs.readdirSync(path.join(stateDir, DIR)).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: PendingNew[] = [];
  for (const n of names) {
    try {
      const record = JSON.parse(fs.readFileSync(path.join(stateDir, DIR, n), 'utf8')) as PendingNew;
      if (typeof record.pid === 'number' && !alive(record.pid)) out.push(record);
    } catch {
      // A half-written record cannot exist (atomic writes); an unreadable one is not ours to judge.
    }
  }
  return out;
}

export interface UndoResult {
  /** What was removed, in words. */
  removed: string[];
  /** What was kept because it holds work, in words; empty when everything left was removed. */
  kept: string[];
}

/**
 * Removes what an interrupted `new` left, as long as that loses nothing: the worktree only when
 * git agrees it is clean (no --force), the branch only when it still points where it was made.
 */
export async function undoInterruptedNew(
  root: string,
  stateDir: string,
  record: PendingNew,
): Promise<UndoResult> {
  const removed: string[] = [];
  const kept: string[] = [];
  if (fs.existsSync(record.dir)) {
    const gone = await withWorktreeMutex(stateDir, () => removeWorktree(root, record.dir));
    if (gone) removed.push(`the worktree ${record.dir}`);
    else kept.push(`the worktree ${record.dir} (it holds changes, or is not a worktree)`);
  } else {
    await withWorktreeMutex(stateDir, () => removeWorktree(root, record.dir));
  }
  if (record.createdBranch && !kept.length) {
    const tip = await resolveCommit(root, `refs/heads/${record.branch}`);
    if (tip === record.baseTip) {
      if (await deleteBranch(root, record.branch)) removed.push(`the branch ${record.branch}`);
    } else if (tip) kept.push(`the branch ${record.branch} (it has commits of its own)`);
  }
  if (!kept.length) clearPendingNew(stateDir, record.name);
  return { removed, kept };
}
