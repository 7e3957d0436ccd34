import { writeTree } from '../git/objects.js';
import { headCommit } from '../git/repo.js';
import { findBlockingLocks } from '../locks/lockTable.js';
import type { Workspace } from '../project/openWorkspace.js';
import { sessionForPath } from '../sessions/resolveSession.js';
import { otherMachinesLockedPaths, othersMayHoldLocks } from '../shared/sharedMode.js';
import { hookMessages } from '../ui/messages/hooks.js';
import type { HookHandler, HookOutcome } from './hookTypes.js';
import { lockedPaths } from './lockedPaths.js';
import { readAppliedPatchCommits, readSquashedCommits, sessionsAtCommits } from './mergeHeads.js';
import { otherLiveSessions } from './otherSessions.js';
import { sessionsTouching, type Touching } from './sessionsTouching.js';
import { commitChanges, hookGitEnv, readMergeHeads } from './stagedPaths.js';

/**
 * pre-commit: what is about to be committed against the other sessions.
 * - staged paths locked by another session: block (onLocked), naming holder, reason, ways forward;
 * - staged paths in another live session's change set: warn or block (onOverlap);
 * - the staged tree against those sessions' work with merge-tree: warn or block (onConflict).
 *
 * Cost: the registry read, then nothing more unless there is a lock or a live session to compare
 * against; the staged paths come from the runner's `git diff --cached` (run while node starts);
 * other sessions' work costs at most one `git cat-file` in all (sessionsTouching.ts); the conflict
 * check runs only against the sessions that touch a staged path (no shared path, no conflict).
 */

export const handle: HookHandler = async (input) => {
  const { ws, registry, ctx, now } = input;
  const { project, config } = ws;
  // Concluding a merge into base with `git commit`: pre-merge-commit does not run then, so its
  // checks run here (and a merge it stopped cannot slip through this way).
  if (project.gitDir && readMergeHeads(project.gitDir).length) {
    const { checkMergeIntoBase } = await import('./preMergeCommit.js');
    const merge = await checkMergeIntoBase(input, 'merge-commit');
    if (merge) return merge;
  }
  const outcome: HookOutcome = { block: false, lines: [] };
  const current = sessionForPath(registry, project.worktreeRoot)?.name;
  // Concluding `git merge --squash`: the sessions whose work is squashed are its authors, not
  // others (their own files neither warn nor block), as for a merge.
  // Likewise `git am` of a format-patch made from a session's commit (pre-applypatch).
  const squashed = project.gitDir
    ? [...readSquashedCommits(project.gitDir), ...readAppliedPatchCommits(project.gitDir)]
    : [];
  const authors = squashed.length
    ? await sessionsAtCommits(project, registry, squashed, { orDescendants: true })
    : new Set<string>();
  if (current) authors.add(current);
  // Other machines' locks (shared mode) count too, even with none here.
  const checkLocks =
    config.onLocked !== 'off' &&
    (othersMayHoldLocks(config) || registry.locks.some((l) => !authors.has(l.session)));
  const others =
    config.onOverlap !== 'off' || config.onConflict !== 'off'
      ? otherLiveSessions(registry, project.worktreeRoot, now, config, authors)
      : [];
  if (!checkLocks && !others.length) return outcome;

  const changes = await commitChanges(ctx, project.gitDir);
  const paths = changes.map((c) => c.path);
  if (!paths.length) return outcome;

  if (checkLocks) {
    const locks = findBlockingLocks(registry, paths, current, now).filter(
      (l) => !authors.has(l.session),
    );
    const locked = await lockedPaths(locks, paths, now);
    const remote = await otherMachinesLockedPaths(ws, paths, now);
    outcome.lines.push(...remote.warnings);
    for (const l of remote.locked) if (!locked.some((x) => x.path === l.path)) locked.push(l);
    if (locked.length) {
      if (config.onLocked === 'block') outcome.block = true;
      outcome.lines.push(
        config.onLocked === 'block'
          ? hookMessages.lockedBlock(locked)
          : hookMessages.lockedWarn(locked),
      );
    }
  }

  if (others.length) {
    const ignored = await ignoreMatcher(config.ignore);
    const considered = ignored ? paths.filter((p) => !ignored(p)) : paths;
    const added = new Set(changes.filter((c) => c.status === 'A').map((c) => c.path));
    const heads = new Map(changes.map((c) => [c.path, c.oldOid]));
    const touching = await sessionsTouching(project, others, considered, added, heads);
    if (touching.length && config.onOverlap === 'block') {
      outcome.block = true;
      outcome.lines.push(hookMessages.overlapBlock(touching));
    } else if (config.onOverlap === 'warn') {
      for (const t of touching) outcome.lines.push(hookMessages.overlapWarn(t.session, t.paths));
    }
    if (touching.length && config.onConflict !== 'off') {
      const conflicts = await stagedConflicts(ws, ctx.cwd, ctx.env, touching);
      if (conflicts.length && config.onConflict === 'block') {
        outcome.block = true;
        outcome.lines.push(hookMessages.conflictBlock(conflicts));
      } else {
        for (const c of conflicts)
          outcome.lines.push(hookMessages.conflictWarn(c.session, c.paths));
      }
    }
  }
  return outcome;
};

async function ignoreMatcher(
  ignore: readonly string[],
): Promise<((p: string) => boolean) | undefined> {
  if (!ignore.length) return undefined;
  const { makeIgnoreMatcher } = await import('../changes/snapshot.js');
  return makeIgnoreMatcher(ignore);
}

/** The staged tree (`git write-tree` on the hook's index) against the sessions that share paths. */
async function stagedConflicts(
  ws: Workspace,
  cwd: string,
  env: NodeJS.ProcessEnv,
  touching: Touching[],
): Promise<Touching[]> {
  const hookEnv = hookGitEnv(env);
  const [tree, head] = await Promise.all([writeTree(cwd, hookEnv), headCommit(cwd, hookEnv)]);
  if (head === undefined) return []; // the first commit: nothing to merge with yet
  const { predictTreeConflicts } = await import('../conflicts/predictTreeConflicts.js');
  return predictTreeConflicts(
    ws,
    tree,
    head,
    touching.map((t) => t.session),
    { cachedSnapshots: true, sharedPaths: new Map(touching.map((t) => [t.session, t.paths])) },
  );
}
