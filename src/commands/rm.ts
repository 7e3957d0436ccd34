import fs from 'node:fs';

import { qlockExcludedFiles } from '../agents/gitExclude.js';
import { tryReadChangeSet } from '../changes/readChangeSet.js';
import { deleteSnapshot, discardSnapshot } from '../changes/snapshot.js';
import type { Context } from '../context.js';
import { QlockError } from '../errors.js';
import { commitsAhead, removeWorktree } from '../git/branches.js';
import { forgetWorktree } from '../git/forgetWorktree.js';
import { openWorkspace, type Workspace } from '../project/openWorkspace.js';
import { lostOnRemoveCopy, lostOnRemoveGit, someNames } from '../sessions/lostOnRemove.js';
import { requireSession } from '../sessions/resolveSession.js';
import { withWorktreeMutex } from '../store/mutex.js';
import { readRegistry, updateRegistry } from '../store/registry.js';
import type { Session } from '../store/types.js';
import { messages } from '../ui/messages.js';

export interface RmOptions {
  name: string;
  force?: boolean;
  keepWorktree?: boolean;
}

export interface RmResult {
  name: string;
  path: string;
  removedDirectory: boolean;
  releasedLocks: string[];
  notes: string[];
}

/** What would be lost by deleting the session's directory; empty when nothing would. */
async function unsavedWork(ws: Workspace, session: Session): Promise<string[]> {
  if (!fs.existsSync(session.path)) return [];
  const { changes, problem } = await tryReadChangeSet(ws.project, session, session.base, []);
  // Unreadable: nothing can be said about its work, so it is not deleted (--keep-worktree is).
  if (problem)
    throw new QlockError(
      problem.cause === 'git'
        ? messages.rmUnreadable(session.name, problem.reason)
        : messages.rmUnreadableSnapshot(session.name, problem.reason),
    );
  const problems: string[] = [];
  const uncommitted = new Set([...changes.staged, ...changes.unstaged, ...changes.untracked]);
  if (uncommitted.size)
    problems.push(
      ws.project.kind === 'git'
        ? `${uncommitted.size} file(s) with uncommitted changes`
        : `${uncommitted.size} file(s) with uncommitted changes (changed since the copy was made)`,
    );
  const lost =
    ws.project.kind === 'git'
      ? await lostOnRemoveGit(
          session.path,
          ws.project.commonDir ? qlockExcludedFiles(ws.project.commonDir) : [],
        )
      : lostOnRemoveCopy(session.path, ws.config.ignore);
  const nested = new Set(lost.nestedRepos);
  const ignored = lost.ignored.filter((p) => !nested.has(p));
  if (ignored.length) problems.push(messages.rmIgnoredLost(someNames(ignored)));
  if (nested.size) problems.push(messages.rmNestedReposLost(someNames(lost.nestedRepos)));
  if (ws.project.kind === 'git') {
    const ahead = await commitsAhead(session.path, session.base);
    // Base gone (renamed, deleted): we cannot tell what is unmerged, so treat it as unsafe.
    if (ahead === undefined) problems.push(`cannot tell which commits are not in ${session.base}`);
    else if (ahead > 0) problems.push(`${ahead} commit(s) not in ${session.base}`);
  }
  return problems;
}

/**
 * Unregisters a session, releases its locks and removes its directory. Refuses while that would
 * lose work (uncommitted changes, commits not in base) unless --force. Never deletes the main
 * worktree or a directory that was only joined; never deletes the session's branch.
 */
export async function rm(options: RmOptions, ctx: Context): Promise<RmResult> {
  const ws = await openWorkspace(ctx);
  const { project } = ws;
  const session = requireSession(readRegistry(project.stateDir), options.name);
  const notes: string[] = [];
  const isMain = project.kind === 'git' && session.path === project.root;
  const deletable =
    !options.keepWorktree && !isMain && session.kind !== 'dir' && fs.existsSync(session.path);

  if (deletable && !options.force) {
    const problems = await unsavedWork(ws, session);
    // A plain-directory copy has nothing to commit or merge: its work is copied back by hand.
    const refuse = project.kind === 'git' ? messages.rmDirty : messages.rmDirtyCopy;
    if (problems.length) throw new QlockError(refuse(session.name, problems));
  }
  let removedDirectory = false;
  if (deletable) {
    if (session.kind === 'worktree' || session.kind === 'clone') {
      await withWorktreeMutex(project.stateDir, () =>
        removeWorktree(project.root, session.path, { force: options.force, throwRefusal: true }),
      );
      if (session.branch)
        notes.push(
          `Branch ${session.branch} is kept; delete it with \`git branch -D ${session.branch}\`.`,
        );
    } else {
      fs.rmSync(session.path, { recursive: true, force: true });
    }
    removedDirectory = true;
  } else if (isMain && !options.keepWorktree) {
    notes.push(messages.rmMainWorktree(session.name));
  }
  if (project.kind === 'git' && !fs.existsSync(session.path) && session.kind === 'worktree') {
    await withWorktreeMutex(project.stateDir, () => forgetWorktree(project.root, session.path));
  }

  let discarded: string | undefined;
  const releasedLocks = await updateRegistry(project.stateDir, ({ registry, emit }) => {
    const released = registry.locks.filter((l) => l.session === session.name).map((l) => l.path);
    registry.locks = registry.locks.filter((l) => l.session !== session.name);
    delete registry.sessions[session.name];
    // Moved away under the mutex: a new session may take this name (and snapshot) right after.
    if (session.snapshot) discarded = discardSnapshot(project.stateDir, session.snapshot);
    emit({
      kind: 'session-left',
      from: session.name,
      message: `Session "${session.name}" was removed.`,
    });
    return released;
  });
  deleteSnapshot(discarded);
  return { name: session.name, path: session.path, removedDirectory, releasedLocks, notes };
}

export function renderRm(result: RmResult): string {
  const lines = [
    `Removed session "${result.name}"${result.removedDirectory ? ` and its directory ${result.path}` : ` (directory ${result.path} kept)`}.`,
  ];
  if (result.releasedLocks.length)
    lines.push(`Released locks: ${result.releasedLocks.join(', ')}.`);
  lines.push(...result.notes);
  return lines.join('\n');
}
