import fs from 'node:fs';
import path from 'node:path';

import {
  operationInProgress,
  restoreHead,
  restoreStash,
  syncWorktree,
} from '../conflicts/syncSession.js';
import { QlockError } from '../errors.js';
import { changedPaths, changedSinceFork, trackedChanges, untrackedFiles } from '../git/diff.js';
import { commitSubjects, countCommits } from '../git/history.js';
import { treeOf } from '../git/objects.js';
import { currentBranch, inHistory, resolveCommit } from '../git/repo.js';
import { stashChanges } from '../git/stash.js';
import { worktreeGitDir } from '../git/worktreeGitDir.js';
import { findBlockingLocks } from '../locks/lockTable.js';
import type { Workspace } from '../project/openWorkspace.js';
import { readRegistry, updateRegistry } from '../store/registry.js';
import type { Session } from '../store/types.js';
import { createDebug } from '../ui/debug.js';
import { messages } from '../ui/messages.js';
import { checkoutsInTheWay, moveCheckouts, moveCheckoutsBack } from './baseCheckouts.js';
import { commitTree, moveBranch, stashConflicts } from './landGit.js';
import {
  type LandFailure,
  type LandOutcome,
  type LandStrategy,
  startOutcome,
} from './landTypes.js';
import { runCheck } from './runCheck.js';

const debug = createDebug('land');

/**
 * Landing one git session into base. The refusals come first and change nothing (a busy or dirty
 * tree, another session's lock on the work, a checkout of base with local changes in the way).
 * Then base is brought into the session (as `qlock sync`), the check runs in the session's tree,
 * and the new base commit is made as an object. Base moves last, inside the registry mutex (no lock
 * can be taken meanwhile), with a compare-and-set on the ref; base's checkouts are updated first
 * and moved back when the ref cannot move. Any failure after the sync puts the session back:
 * branch at its old commit, index and files as they were, its uncommitted changes re-applied.
 */

export interface LandInput {
  ws: Workspace;
  session: Session;
  base: string;
  strategy: LandStrategy;
  syncMode: 'rebase' | 'merge';
  /** The check to run (undefined: none configured). */
  check?: string;
  checkTimeoutMs: number;
  autostash: boolean;
  now: Date;
  /** The check's output, as it comes. */
  stream: (chunk: string) => void;
}

export async function landSession(input: LandInput): Promise<LandOutcome> {
  const { ws, session, base, strategy } = input;
  const { project } = ws;
  const root = project.root;
  const dir = session.path;
  const name = session.name;
  const out = startOutcome(name, base, strategy);
  const fail = (failure: LandFailure): LandOutcome => ({ ...out, ok: false, failure });

  if (!fs.existsSync(dir)) return fail({ stage: 'missing' });
  const gitDir = worktreeGitDir(dir);
  const busy = operationInProgress(gitDir);
  if (busy) return fail({ stage: 'busy', reason: busy });
  const branch = await currentBranch(dir);
  if (branch === base) return fail({ stage: 'on-base' });
  const head = await resolveCommit(dir, 'HEAD');
  let oldTip = await resolveCommit(root, base);
  if (!oldTip) throw new QlockError(messages.syncUnknownBase(base));
  if (!head) throw new QlockError(messages.syncUnknownBase('HEAD'));
  out.from = oldTip;
  out.to = oldTip;

  const dirty = await trackedChanges(dir);
  out.untracked = await untrackedFiles(dir);
  if (dirty.length && !input.autostash) return fail({ stage: 'dirty', files: dirty });
  if (await inHistory(root, head, oldTip)) return out; // nothing that base lacks

  const work = await changedSinceFork(root, oldTip, head);
  const locks = findBlockingLocks(readRegistry(project.stateDir), work, name, input.now);
  if (locks.length) return fail({ stage: 'locked', locks });
  const inTheWay = (await checkoutsInTheWay(root, base, work)).filter((c) => c.inTheWay.length);
  if (inTheWay.length) return fail({ stage: 'base-checkout', checkouts: inTheWay });

  // From here on the session's tree changes: every way out puts it back.
  let stash: string | undefined;
  if (dirty.length) {
    try {
      stash = await stashChanges(
        dir,
        `qlock land: autostash of ${name} before landing into ${base}`,
      );
    } catch (error) {
      throw new QlockError(messages.syncStashFailed(dir, (error as Error).message));
    }
  }
  const putBack = async (failure: LandFailure): Promise<LandOutcome> => {
    // Whatever was changed in the tree meanwhile (by the check, by someone) is set aside, not lost.
    if ((await trackedChanges(dir)).length)
      out.keptStash = await stashChanges(dir, `qlock land: changes made in ${name} while landing`);
    await restoreHead(dir, gitDir, branch, head);
    if (stash) {
      const back = await restoreStash(dir, stash);
      if (!back.ok) out.keptStash = stash;
    }
    return fail(failure);
  };

  try {
    const synced = await syncWorktree({
      dir,
      base: oldTip,
      mode: input.syncMode,
      autostash: false,
    });
    if (!synced.ok) {
      if (stash && !(await restoreStash(dir, stash)).ok) out.keptStash = stash;
      return fail({
        stage: 'sync',
        mode: input.syncMode,
        files: synced.conflicts?.length ? synced.conflicts : (synced.untracked ?? []),
        ...(synced.reason ? { reason: synced.reason } : {}),
      });
    }
    out.sync = {
      mode: input.syncMode,
      from: synced.from,
      to: synced.to,
      upToDate: synced.upToDate,
    };
    const newHead = synced.to;

    if (input.check) {
      const log = path.join(project.stateDir, 'land', `${name}.check.log`);
      out.check = await runCheck({
        command: input.check,
        cwd: dir,
        timeoutMs: input.checkTimeoutMs,
        log,
        stream: input.stream,
      });
      if (!out.check.ok) return await putBack({ stage: 'check' });
    }
    const changedByCheck = await trackedChanges(dir);
    if (changedByCheck.length || (await resolveCommit(dir, 'HEAD')) !== newHead)
      return await putBack({ stage: 'tree-changed', files: changedByCheck });

    if (stash) {
      const conflicts = await stashConflicts(root, head, newHead, stash, name);
      if (conflicts?.length) return await putBack({ stage: 'autostash', files: conflicts });
    }

    // Base may have moved while we synced and checked; what we checked sits on oldTip.
    const tipNow = await resolveCommit(root, base);
    if (tipNow !== oldTip) return await putBack({ stage: 'base-moved' });

    const newTip = await baseCommit(root, strategy, oldTip, newHead, name, base);
    out.commits = await countCommits(root, oldTip, newHead, { noMerges: true });
    if (newTip === oldTip) {
      // The sync found all of the session's work already in base: nothing to move.
      if (stash && !(await restoreStash(dir, stash)).ok) out.keptStash = stash;
      return out;
    }
    out.paths = await changedPaths(root, oldTip, newTip);

    const moved = await moveBase(input, oldTip, newTip, out.paths);
    if (!moved.ok) return await putBack(moved.failure);
    out.landed = true;
    out.to = newTip;
    out.baseCheckouts = moved.checkouts;
    oldTip = newTip;
  } catch (error) {
    debug(`landing ${name} failed: ${(error as Error).message}; putting it back`);
    await putBack({ stage: 'sync' }).catch((again: Error) =>
      debug(`putting back failed too: ${again.message}`),
    );
    throw error;
  }

  if (stash) {
    const back = await restoreStash(dir, stash);
    if (!back.ok) out.keptStash = stash;
  }
  try {
    const { checkMainMoved } = await import('../conflicts/mainMoved.js');
    const events = await checkMainMoved(ws, input.now);
    out.notified = [...new Set(events.flatMap((e) => e.to ?? []))].sort();
  } catch (error) {
    // The landing stands; the others hear of it at their next qlock run (status, hooks, watch).
    debug(`main-moved notice failed: ${(error as Error).message}`);
  }
  return out;
}

/** The commit base moves to: the synced session itself (ff), a merge commit, or a squash commit. */
async function baseCommit(
  cwd: string,
  strategy: LandStrategy,
  oldTip: string,
  newHead: string,
  session: string,
  base: string,
): Promise<string> {
  if (strategy === 'ff' || newHead === oldTip) return newHead;
  // newHead contains oldTip (the sync saw to it), so the merge result is newHead's tree.
  const tree = await treeOf(cwd, newHead);
  if (strategy === 'merge')
    return commitTree(
      cwd,
      tree,
      [oldTip, newHead],
      `Merge session ${session} into ${base} (qlock land)\n`,
      session,
    );
  const subjects = await commitSubjects(cwd, oldTip, newHead);
  const body = subjects.map((s) => `* ${s}`).join('\n');
  return commitTree(
    cwd,
    tree,
    [oldTip],
    `${session}: ${subjects.length === 1 ? subjects[0] : `${subjects.length} commits`} (qlock land, squashed)\n\n${body}\n`,
    session,
  );
}

type MoveResult = { ok: true; checkouts: string[] } | { ok: false; failure: LandFailure };

/**
 * The move itself, inside the registry mutex: no session can take a lock on the landed files
 * while it happens. Checks the locks again, that base is still where the landing started, and
 * base's checkouts; updates the checkouts, then the ref (compare-and-set), and moves the checkouts
 * back if the ref cannot move. The landed session's stored base tip is the new one (no main-moved
 * notice for its own landing).
 */
async function moveBase(
  input: LandInput,
  oldTip: string,
  newTip: string,
  paths: string[],
): Promise<MoveResult> {
  const { ws, base, session, now } = input;
  const root = ws.project.root;
  const name = session.name;
  return updateRegistry(ws.project.stateDir, async ({ registry }): Promise<MoveResult> => {
    const locks = findBlockingLocks(registry, paths, name, now);
    if (locks.length) return { ok: false, failure: { stage: 'locked-meanwhile', locks } };
    if ((await resolveCommit(root, base)) !== oldTip)
      return { ok: false, failure: { stage: 'base-moved' } };
    const checkouts = await checkoutsInTheWay(root, base, paths);
    const blocked = checkouts.filter((c) => c.inTheWay.length);
    if (blocked.length)
      return { ok: false, failure: { stage: 'base-checkout', checkouts: blocked } };
    const dirs = checkouts.map((c) => c.path);
    const updated = await moveCheckouts(dirs, oldTip, newTip, name);
    if (!updated.ok)
      return {
        ok: false,
        failure: {
          stage: 'base-checkout',
          checkouts: [{ path: updated.path, inTheWay: [] }],
          reason: updated.reason,
        },
      };
    let ref = false;
    try {
      ref = await moveBranch(root, base, newTip, oldTip, `qlock land: ${name}`, name);
    } finally {
      if (!ref) await moveCheckoutsBack(dirs, oldTip, newTip, name);
    }
    if (!ref) return { ok: false, failure: { stage: 'base-moved' } };
    const stored = registry.sessions[name];
    if (stored) stored.baseTip = newTip;
    return { ok: true, checkouts: dirs };
  });
}
