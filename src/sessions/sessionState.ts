import fs from 'node:fs';
import path from 'node:path';

import { worktreeGitDir } from '../git/worktreeGitDir.js';
import type { Config } from '../project/configSchema.js';
import type { Session } from '../store/types.js';
import { parseDuration } from '../util/duration.js';

export type SessionState = 'active' | 'idle' | 'stale' | 'missing';

/**
 * When the session's own working copy last showed activity, from a few stats (no git process):
 * its git index (written by `git add`, by every `git status` that refreshes it, by commits), HEAD
 * and HEAD's reflog (commits, checkouts, rebases), and the top directory (files created or
 * removed there). An agent that edits without ever calling qlock still runs git now and then; its
 * agent hooks refresh lastSeen themselves. Undefined when none of them can be read.
 */
export function lastActivity(session: Session): number | undefined {
  const places = [session.path];
  const gitDir =
    session.kind === 'dir' || session.kind === 'copy' ? undefined : worktreeGitDir(session.path);
  if (gitDir)
    places.push(
      path.join(gitDir, 'index'),
      path.join(gitDir, 'HEAD'),
      path.join(gitDir, 'logs', 'HEAD'),
    );
  let latest: number | undefined;
  for (const place of places) {
    try {
      const t = fs.statSync(place).mtimeMs;
      if (latest === undefined || t > latest) latest = t;
    } catch {
      // not there (no reflog, say): the others tell
    }
  }
  return latest;
}

/**
 * missing: its directory is gone; stale: no activity for `staleAfter`; idle: for `idleAfter`.
 * Activity is qlock running for the session (lastSeen) or its own working copy changing
 * (lastActivity), looked at only when lastSeen alone would call it idle or stale.
 */
export function sessionState(
  session: Session,
  now: Date,
  config: Pick<Config, 'staleAfter' | 'idleAfter'>,
): SessionState {
  if (!fs.existsSync(session.path)) return 'missing';
  let age = now.getTime() - Date.parse(session.lastSeen);
  const idleAfter = parseDuration(config.idleAfter);
  if (age > idleAfter) {
    const seen = lastActivity(session);
    if (seen !== undefined) age = Math.min(age, Math.max(0, now.getTime() - seen));
  }
  if (age > parseDuration(config.staleAfter)) return 'stale';
  if (age > idleAfter) return 'idle';
  return 'active';
}

/** Live sessions are the ones whose work still counts against others (not missing, not stale). */
export function isLive(state: SessionState): boolean {
  return state === 'active' || state === 'idle';
}

/**
 * Whether a session's work counts in overlap and conflict checks: every session whose directory
 * is still there. A quiet (stale) session's uncommitted or unmerged work conflicts at merge time
 * just the same, so it is never left out for being quiet; `qlock rm` or `gc` ends that.
 */
export function workCounts(state: SessionState): boolean {
  return state !== 'missing';
}

/**
 * A session whose directory is absent counts as gone for good only once it has not been seen for
 * `staleAfter`: before that, it may be on an unmounted disk or in the middle of a `mv`, and
 * releasing its locks (or forgetting its worktree) would hurt it when it comes back.
 */
export function goneForGood(session: Session, now: Date, staleAfter: string): boolean {
  if (fs.existsSync(session.path)) return false;
  return now.getTime() - Date.parse(session.lastSeen) > parseDuration(staleAfter);
}
