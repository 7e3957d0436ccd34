import type { Context } from '../context.js';
import { QlockError } from '../errors.js';
import { openWorkspace } from '../project/openWorkspace.js';
import { messages } from '../ui/messages.js';
import { safeText } from '../ui/safeText.js';
import { formatAge } from '../util/duration.js';
import { participant } from './identity.js';
import type { Participant, PresenceSession, RemoteLock } from './remoteDoc.js';
import { remoteView } from './remoteLocks.js';
import { sharedSettings } from './settings.js';
import { type ConflictRecord, type PendingLock, readPending } from './sharedFiles.js';
import { syncShared } from './syncShared.js';

/**
 * `qlock shared [status|sync]`: what the shared remote holds (participants and their sessions,
 * remote locks), what is waiting to be shared, unresolved conflicts; `sync` runs a reconcile
 * round now (after the remote was unreachable, say) instead of waiting for the next lock/unlock.
 */

export interface SharedOptions {
  action?: 'status' | 'sync';
}

export interface SharedParticipant extends Participant {
  me: boolean;
  seenAt: string;
  sessions: PresenceSession[];
}

export interface SharedResult {
  remote: string;
  ref: string;
  online: boolean;
  reason?: string;
  /** When the remote was last confirmed to hold what is shown. */
  asOf?: string;
  me: Participant;
  participants: SharedParticipant[];
  locks: RemoteLock[];
  pending: { acquire: PendingLock[]; release: PendingLock[] };
  conflicts: ConflictRecord[];
  warnings: string[];
}

export async function shared(options: SharedOptions, ctx: Context): Promise<SharedResult> {
  const ws = await openWorkspace(ctx);
  const s = sharedSettings(ws.config);
  if (!s) throw new QlockError(messages.sharedOff(ws.configFile));
  if (ws.project.kind !== 'git') throw new QlockError(messages.sharedNeedsGit());
  const now = ctx.now();
  const me = await participant(ws.project.stateDir, ws.project.worktreeRoot);

  let online: boolean;
  let reason: string | undefined;
  let warnings: string[];
  let doc;
  let asOf: Date | undefined;
  if (options.action === 'sync') {
    const sync = await syncShared(ws.project, s, { now: () => ctx.now() });
    ({ online, warnings, doc } = sync);
    reason = sync.reason;
    if (online) asOf = ctx.now();
  } else {
    const view = await remoteView(ws.project, s, now, { maxAgeMs: 0 });
    ({ online, warnings, doc, asOf, reason } = view);
  }
  for (const w of warnings) ctx.err(w);
  const pending = readPending(ws.project.stateDir);
  const participants: SharedParticipant[] = Object.entries(doc?.presence ?? {}).map(
    ([clone, p]) => ({
      clone,
      user: p.user,
      email: p.email,
      host: p.host,
      me: clone === me.clone,
      seenAt: p.seenAt,
      sessions: p.sessions,
    }),
  );
  return {
    remote: s.remote,
    ref: s.ref,
    online,
    ...(reason ? { reason } : {}),
    ...(asOf ? { asOf: asOf.toISOString() } : {}),
    me,
    participants,
    locks: doc?.locks ?? [],
    pending: { acquire: pending.acquire, release: pending.release },
    conflicts: pending.conflicts,
    warnings,
  };
}

export function renderShared(result: SharedResult, ctx?: Pick<Context, 'now'>): string {
  const now = ctx?.now() ?? new Date();
  const lines = [
    messages.sharedStatusHead(
      result.remote,
      result.ref,
      result.asOf ? formatAge(now.getTime() - Date.parse(result.asOf)) : undefined,
      result.online,
    ),
  ];
  lines.push(messages.sharedStatusParticipants(result.participants.length));
  for (const p of result.participants)
    lines.push(
      `  ${messages.sharedParticipantLine(p, p.me, formatAge(now.getTime() - Date.parse(p.seenAt)))}`,
    );
  lines.push(messages.sharedStatusLocks(result.locks.length));
  for (const l of result.locks)
    lines.push(`  ${safeText(l.path, 500)}  ${messages.sharedHolder(l, now)}`);
  const { acquire, release } = result.pending;
  if (acquire.length || release.length)
    lines.push(
      messages.sharedStatusPending(
        acquire.map((p) => `${safeText(p.path, 500)} (${p.session})`),
        release.map((p) => `${safeText(p.path, 500)} (${p.session})`),
      ),
    );
  for (const c of result.conflicts) lines.push(messages.sharedConflict(c, result.remote, now));
  return lines.join('\n');
}
