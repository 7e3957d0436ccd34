import { countCommitsIfKnown } from '../git/repo.js';
import { lockCovers } from '../locks/lockTable.js';
import { resolveBase, type Workspace } from '../project/openWorkspace.js';
import { eventLogEnd, readEvents } from '../store/eventLog.js';
import { readRegistry, updateRegistry } from '../store/registry.js';
import type { QlockEvent, Registry, Session } from '../store/types.js';
import { messages } from '../ui/messages.js';
import { analyzePairs } from './analyzePairs.js';
import { saveCache } from './conflictCache.js';
import { gitConcurrency } from './mapLimit.js';
import { hasMergeTreeWriteTree } from './mergeTree.js';
import { baseTips, snapshotSessions } from './predictConflicts.js';
import { selectSessions } from './selectSessions.js';
import { diffChanges, touchedPaths } from './sessionSnapshot.js';

/**
 * "Main moved": base's tip differs from the tip a session last saw (`session.baseTip`). Checked
 * on every qlock run that cares (git hooks, status, the watcher, the agent prompt hook), so no
 * reference-transaction hook is needed. When nothing moved this costs one rev-parse.
 *
 * For each session that has not seen the new tip, one `main-moved` event to that session: the
 * files changed on base since the session's merge-base that intersect its change set, and
 * whether its work (uncommitted included) now conflicts with base. A session whose HEAD already
 * contains the new tip (it is on base, or it made the move) gets no event. The stored tip is
 * updated with a compare-and-set inside the registry mutex, so two racing runs emit one event.
 */

interface Move {
  session: string;
  from: string | undefined;
  to: string;
  event?: Omit<QlockEvent, 'id' | 'ts'>;
}

export async function checkMainMoved(ws: Workspace, now: Date): Promise<QlockEvent[]> {
  const { project, config } = ws;
  if (project.kind !== 'git') return [];
  const registry = readRegistry(project.stateDir);
  const sessions = selectSessions(registry.sessions);
  if (!sessions.length) return [];
  const defaultBase = await resolveBase(ws);
  const baseOf = (s: Session) => s.base || defaultBase;
  const tips = await baseTips(project.root, sessions.map(baseOf), project.commonDir);
  const moved = sessions.filter((s) => {
    const tip = tips.get(baseOf(s));
    return tip !== undefined && s.baseTip !== tip;
  });
  if (!moved.length) return [];

  // First look (no stored tip): just remember it. The others get the full picture.
  const toExplain = moved.filter((s) => s.baseTip !== undefined);
  const moves: Move[] = moved
    .filter((s) => s.baseTip === undefined)
    .map((s) => ({ session: s.name, from: undefined, to: tips.get(baseOf(s))! }));

  if (toExplain.length) {
    const [snaps, useMergeTree] = await Promise.all([
      snapshotSessions(ws, toExplain, defaultBase),
      hasMergeTreeWriteTree(project.root),
    ]);
    for (const session of toExplain) {
      const to = tips.get(baseOf(session))!;
      const snap = snaps.snapshots.find((x) => x.name === session.name);
      // Its snapshot failed (a note says why): leave its stored tip, so the next check tells it.
      if (!snap) continue;
      // Its HEAD already has the new tip (it is on base, or it made the move): nothing to tell.
      if (snap.mergeBase === to) {
        moves.push({ session: session.name, from: session.baseTip, to });
        continue;
      }
      const baseChanges = snap.mergeBase ? await diffChanges(project.root, snap.mergeBase, to) : [];
      const [verdict] = await analyzePairs(
        [
          {
            a: {
              name: snap.name,
              commit: snap.commit,
              ...(snap.head ? { head: snap.head } : {}),
              changes: snap.changes,
            },
            b: { name: baseOf(session), commit: to, head: to, changes: baseChanges },
            key: session.name,
          },
        ],
        {
          cwd: project.root,
          mergeTree: useMergeTree,
          ignore: config.ignore,
          cache: snaps.cache,
          concurrency: gitConcurrency(),
        },
      );
      const mine = touchedPaths(snap.changes);
      // The files of this move only (since the tip it last saw), as its commit count: an earlier
      // move was told already. The conflict verdict stays against all of base's changes.
      const lastMove =
        session.baseTip && session.baseTip !== snap.mergeBase
          ? await diffChanges(project.root, session.baseTip, to).catch(() => baseChanges)
          : baseChanges;
      const changedOnBase = [...touchedPaths(lastMove)];
      // Its locked files first: base moved over a lock (a hook could not refuse, or was skipped).
      const locked = lockedByMove(registry, session.name, changedOnBase);
      const paths = [
        ...locked,
        ...changedOnBase.filter((p) => mine.has(p) && !locked.includes(p)).sort(),
      ];
      const commits = await countCommitsIfKnown(project.root, session.baseTip!, to);
      const conflicts = verdict!.conflict ? verdict!.paths : [];
      moves.push({
        session: session.name,
        from: session.baseTip,
        to,
        event: {
          kind: 'main-moved',
          to: [session.name],
          message: messages.mainMovedEvent(
            baseOf(session),
            commits,
            paths,
            verdict!.conflict,
            conflicts,
            locked,
          ),
          paths,
          data: {
            base: baseOf(session),
            from: session.baseTip,
            to,
            ...(commits !== undefined ? { commits } : {}),
            changed: changedOnBase.length,
            conflict: verdict!.conflict,
            conflicts,
            ...(locked.length ? { locked } : {}),
          },
        },
      });
    }
    saveCache(project.stateDir, snaps.cache, snaps.cacheBefore);
  }

  const stamp = now.toISOString();
  let emitted = 0;
  let start = 0;
  await updateRegistry(project.stateDir, ({ registry: reg, emit }) => {
    // We hold the mutex: our events are appended right at the current end of the log.
    start = eventLogEnd(project.stateDir);
    for (const move of moves) {
      const session = reg.sessions[move.session];
      // Compare-and-set: another run already recorded this move (or a newer one).
      if (!session || session.baseTip !== move.from) continue;
      session.baseTip = move.to;
      if (move.event) {
        emit({ ...move.event, ts: stamp });
        emitted++;
      }
    }
  });
  return emitted ? readEvents(project.stateDir, start).events.slice(0, emitted) : [];
}

/** The files changed on base that `session` holds a lock on (a file lock or a directory one). */
function lockedByMove(registry: Registry, session: string, changed: readonly string[]): string[] {
  const mine = registry.locks.filter((l) => l.session === session);
  if (!mine.length) return [];
  return changed.filter((p) => mine.some((l) => lockCovers(l.path, p))).sort();
}
