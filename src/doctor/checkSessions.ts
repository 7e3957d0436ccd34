import fs from 'node:fs';

import { readManifest, rebuildManifest } from '../changes/snapshot.js';
import { StateError } from '../errors.js';
import { interruptedNews, undoInterruptedNew } from '../sessions/interruptedNew.js';
import { goneForGood, sessionState } from '../sessions/sessionState.js';
import { readRegistry } from '../store/registry.js';
import { messages } from '../ui/messages.js';
import type { Check, Finding } from './types.js';

/**
 * Orphan sessions: a session whose directory was deleted by hand (`rm -rf` of a worktree instead
 * of `qlock rm`) still holds its locks and shows in every `qlock status` until it is cleaned up.
 * `qlock gc` is the fix and is safe: the directory is already gone, and gc only unregisters the
 * session, releases its locks and prunes git's worktree entry (the branch and its commits stay).
 * Stale sessions (not seen for `staleAfter`) are mentioned, not failed: they may just be idle.
 */
export const checkSessions: Check = async (ws, ctx) => {
  let registry;
  try {
    registry = readRegistry(ws.project.stateDir);
  } catch {
    return []; // the state check reports an unreadable registry
  }
  const now = ctx.now();
  const sessions = Object.values(registry.sessions);
  const findings: Finding[] = [];
  const gone = sessions.filter((s) => !fs.existsSync(s.path));
  for (const s of gone) {
    if (!goneForGood(s, now, ws.config.staleAfter)) {
      findings.push({
        check: 'sessions',
        ok: false,
        message: messages.doctorSessionAbsent(s.name, s.path),
        fix: messages.doctorSessionAbsentFix(s.name),
      });
      continue;
    }
    findings.push({
      check: 'sessions',
      ok: false,
      message: messages.doctorSessionGone(s.name, s.path),
      fix: messages.doctorSessionGoneFix(),
      // One gc cleans up every orphan: the first finding runs it, the others find it done.
      apply: async () => {
        if (readRegistry(ws.project.stateDir).sessions[s.name]) {
          const { collectGarbage } = await import('../sessions/collectGarbage.js');
          await collectGarbage({}, ctx);
        }
        return messages.doctorSessionGoneFixed(s.name);
      },
    });
  }
  // A `qlock new` killed midway: its branch and worktree are left unregistered.
  for (const record of interruptedNews(ws.project.stateDir)) {
    findings.push({
      check: 'sessions',
      ok: false,
      message: messages.interruptedNew(record.name, record.dir, record.branch),
      fix: messages.interruptedNewFix(record.name),
      apply: async () => {
        const { removed, kept } = await undoInterruptedNew(
          ws.project.root,
          ws.project.stateDir,
          record,
        );
        if (kept.length)
          throw new Error(messages.newInterruptedKept(record.name, record.dir, kept));
        return messages.newInterruptedCleaned(record.name, removed);
      },
    });
  }
  // Plain directories: a damaged snapshot manifest leaves the session's changes unknown.
  for (const s of sessions) {
    if (!s.snapshot || gone.includes(s)) continue;
    try {
      readManifest(ws.project.stateDir, s.snapshot);
    } catch (error) {
      if (!(error instanceof StateError)) throw error;
      const snapshot = s.snapshot;
      findings.push({
        check: 'sessions',
        ok: false,
        message: messages.doctorSnapshotUnreadable(s.name, error.file),
        fix: messages.doctorSnapshotUnreadableFix(),
        apply: async () =>
          messages.doctorSnapshotRebuilt(
            s.name,
            rebuildManifest(ws.project.stateDir, snapshot, s.path),
          ),
      });
    }
  }
  const stale = sessions
    .filter((s) => !gone.includes(s) && sessionState(s, now, ws.config) === 'stale')
    .map((s) => s.name);
  findings.push({
    check: 'sessions',
    ok: true,
    message: stale.length
      ? messages.doctorSessionStale(stale, ws.config.staleAfter)
      : messages.doctorSessionsOk(sessions.length - gone.length),
  });
  return findings;
};
