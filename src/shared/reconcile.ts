import crypto from 'node:crypto';

import { isLockHonoured, lockCovers, locksOverlap } from '../locks/lockTable.js';
import type { Lock, Registry } from '../store/types.js';
import {
  type Notice,
  type Participant,
  type Presence,
  type RemoteDoc,
  type RemoteLock,
  remoteLockExpired,
  serializeDoc,
} from './remoteDoc.js';
import type { ConflictRecord, PendingLock, SharedPending } from './sharedFiles.js';

/**
 * The heart of shared mode, as a pure function: given the remote document, this clone's registry
 * and what the command wants, compute the next document. syncShared() runs it inside the
 * compare-and-swap loop, so it is computed again from the newest version after every lost race.
 *
 * Rules, for this clone's entries on the remote (the only ones it ever adds or removes, apart
 * from --force and expiry):
 *
 * 1. Locally first. A lock is taken in the local registry before it is published, and released
 *    locally before it is withdrawn. So an entry of ours on the remote that is not held locally
 *    (any more) is withdrawn: its local release happened, or it was never granted. The registry
 *    is read after the document was fetched, and every entry in that document was pushed after
 *    its local lock was taken, so a lock still held is never withdrawn by mistake.
 * 2. A lock the command just took (`intent.acquire`) is published only if no other participant
 *    holds an overlapping one: otherwise the whole request is refused (all or nothing) and the
 *    caller gives the local locks back.
 * 3. A lock taken while the remote was unreachable (pending), or a local lock the remote does not
 *    know that is older than `adoptAfterMs` (taken by a path that bypassed shared mode, or left
 *    behind when the ref was deleted), is published when nobody holds an overlapping one. If
 *    someone does, that is a conflict: it is kept (never merged, never dropped), reported to
 *    this clone, and a notice tells the other holder.
 * 4. Expired locks are dropped, whoever holds them. Notices addressed to this clone are taken out
 *    (and delivered by the caller). This clone's presence is refreshed when it changed.
 */

export interface Intent {
  /** Locks just taken locally that must now be taken on the remote, all or nothing. */
  acquire?: { session: string; paths: string[] };
  /** `unlock --force`: break other participants' locks named by these paths. */
  breakLocks?: { session: string; paths: string[] };
}

export interface ReconcileInput {
  doc: RemoteDoc;
  me: Participant;
  registry: Registry;
  pending: SharedPending;
  intent: Intent;
  now: Date;
  adoptAfterMs: number;
}

export interface Refusal {
  path: string;
  holders: RemoteLock[];
}

export interface ReconcileOutput {
  doc: RemoteDoc;
  changed: boolean;
  message: string;
  refused: Refusal[];
  /** Pending (or adopted) locks that are on the remote now. */
  published: PendingLock[];
  /** Pending locks no longer held locally: nothing to publish. */
  dropped: PendingLock[];
  /** Every current conflict (rule 3), and which of them are new. */
  conflicts: ConflictRecord[];
  newConflicts: ConflictRecord[];
  /** Notices addressed to this clone, taken out of the document. */
  inbox: Notice[];
  /** Other participants' locks broken by intent.breakLocks. */
  broken: RemoteLock[];
}

/** Notices and absent clones are forgotten after this long. */
const FORGET_AFTER_MS = 30 * 24 * 3600_000;
/** Presence is rewritten at least this often while this clone writes anything. */
export const PRESENCE_REFRESH_MS = 10 * 60_000;

const key = (session: string, path: string) => `${session}\0${path}`;

export function toRemoteLock(lock: Lock, me: Participant): RemoteLock {
  return {
    path: lock.path,
    session: lock.session,
    reason: lock.reason,
    acquiredAt: lock.acquiredAt,
    ...(lock.expiresAt ? { expiresAt: lock.expiresAt } : {}),
    ...me,
  };
}

function conflictKey(c: ConflictRecord): string {
  return `${key(c.session, c.path)}\0${c.holder.clone}\0${c.holder.session}\0${c.holder.acquiredAt}`;
}

function presenceFor(me: Participant, registry: Registry, now: Date): Presence {
  return {
    user: me.user,
    email: me.email,
    host: me.host,
    sessions: Object.values(registry.sessions).map((s) => ({
      name: s.name,
      ...(s.branch ? { branch: s.branch } : {}),
      lastSeen: s.lastSeen,
    })),
    seenAt: now.toISOString(),
  };
}

/** Whether presence changed in a way others care about (not just lastSeen ticking). */
function presenceMoved(old: Presence | undefined, next: Presence, now: Date): boolean {
  if (!old) return true;
  if (old.user !== next.user || old.email !== next.email || old.host !== next.host) return true;
  const shape = (p: Presence) =>
    p.sessions
      .map((s) => `${s.name}:${s.branch ?? ''}`)
      .sort()
      .join(',');
  if (shape(old) !== shape(next)) return true;
  return now.getTime() - Date.parse(old.seenAt) > PRESENCE_REFRESH_MS;
}

function notice(
  kind: Notice['kind'],
  to: RemoteLock,
  from: Participant & { session: string },
  paths: string[],
  now: Date,
  since?: string,
): Notice {
  return {
    id: crypto.randomBytes(6).toString('hex'),
    kind,
    to: { clone: to.clone, session: to.session },
    from,
    paths,
    at: now.toISOString(),
    ...(since ? { since } : {}),
  };
}

export function reconcile(input: ReconcileInput): ReconcileOutput {
  const { doc, me, registry, pending, intent, now } = input;
  const nowIso = now.toISOString();

  // Rule 4: expired locks go, whoever holds them.
  let others = doc.locks.filter((l) => l.clone !== me.clone && !remoteLockExpired(l, now));
  const ownBefore = doc.locks.filter((l) => l.clone === me.clone);
  const ownKeys = new Set(ownBefore.map((l) => key(l.session, l.path)));
  const newNotices: Notice[] = [];

  // --force: other participants' locks named by the paths are broken, and each holder is told.
  const broken: RemoteLock[] = [];
  if (intent.breakLocks) {
    const by = { ...me, session: intent.breakLocks.session };
    for (const path of intent.breakLocks.paths) {
      for (const l of others) if (lockCovers(path, l.path) && !broken.includes(l)) broken.push(l);
    }
    others = others.filter((l) => !broken.includes(l));
    for (const l of broken)
      newNotices.push({
        ...notice('lock-broken', l, by, [l.path], now),
        lockAcquiredAt: l.acquiredAt,
      });
  }

  // Notices for us are taken out of the document (the caller delivers them). A lock someone
  // broke is over here too: it is neither kept nor published again.
  const inbox = doc.notices.filter((n) => n.to.clone === me.clone);
  const brokenHere = new Set(
    inbox
      .filter((n) => n.kind === 'lock-broken' && n.lockAcquiredAt)
      .flatMap((n) => n.paths.map((p) => `${key(n.to.session, p)}\0${n.lockAcquiredAt}`)),
  );
  const held = new Map<string, Lock>();
  for (const lock of registry.locks) {
    if (brokenHere.has(`${key(lock.session, lock.path)}\0${lock.acquiredAt}`)) continue;
    if (isLockHonoured(lock, registry, now)) held.set(key(lock.session, lock.path), lock);
  }

  // Rule 1: our entries stay while held locally (refreshed from the local record).
  const mine = new Map<string, RemoteLock>();
  for (const [k, lock] of held) if (ownKeys.has(k)) mine.set(k, toRemoteLock(lock, me));

  const blockersOf = (path: string) => others.filter((o) => locksOverlap(o.path, path));

  // Rule 2: the command's own request, all or nothing.
  const refused: Refusal[] = [];
  const intentKeys = new Set<string>();
  if (intent.acquire) {
    const { session } = intent.acquire;
    const add: Lock[] = [];
    for (const path of new Set(intent.acquire.paths)) {
      intentKeys.add(key(session, path));
      const lock = held.get(key(session, path));
      if (!lock) continue; // released meanwhile by another process: nothing to publish
      const holders = blockersOf(path);
      if (holders.length) refused.push({ path, holders });
      else add.push(lock);
    }
    if (!refused.length) for (const l of add) mine.set(key(l.session, l.path), toRemoteLock(l, me));
  }

  // Rule 3: pending and unknown local locks.
  const published: PendingLock[] = [];
  const dropped: PendingLock[] = [];
  const conflicts: ConflictRecord[] = [];
  const seen = new Set<string>();
  const candidates: { p: PendingLock; pending: boolean }[] = pending.acquire.map((p) => ({
    p,
    pending: true,
  }));
  for (const [k, lock] of held) {
    if (mine.has(k) || intentKeys.has(k)) continue;
    if (now.getTime() - Date.parse(lock.acquiredAt) < input.adoptAfterMs) continue;
    candidates.push({
      p: { session: lock.session, path: lock.path, at: lock.acquiredAt },
      pending: false,
    });
  }
  const known = new Map(pending.conflicts.map((c) => [conflictKey(c), c]));
  for (const { p, pending: isPending } of candidates) {
    const k = key(p.session, p.path);
    if (seen.has(k)) continue;
    seen.add(k);
    const lock = held.get(k);
    if (!lock) {
      if (isPending) dropped.push(p);
      continue;
    }
    if (mine.has(k)) {
      if (isPending) published.push(p);
      continue;
    }
    const holders = blockersOf(p.path);
    if (holders.length) {
      // One record per holder (a directory lock here can meet several locks there): each of them
      // is told, and each is reported here until it is sorted out.
      for (const holder of holders) {
        const record: ConflictRecord = {
          session: p.session,
          path: p.path,
          since: lock.acquiredAt,
          holder,
          detectedAt: nowIso,
        };
        conflicts.push(known.get(conflictKey(record)) ?? record);
      }
      continue;
    }
    mine.set(k, toRemoteLock(lock, me));
    published.push(p);
  }
  const newConflicts = conflicts.filter((c) => !known.has(conflictKey(c)));
  for (const c of newConflicts)
    newNotices.push(
      notice('conflict', c.holder, { ...me, session: c.session }, [c.path], now, c.since),
    );

  // Old notices are forgotten.
  const notices = [
    ...doc.notices.filter(
      (n) => n.to.clone !== me.clone && now.getTime() - Date.parse(n.at) < FORGET_AFTER_MS,
    ),
    ...newNotices,
  ];

  const locks = [...others, ...mine.values()];
  const presence: Record<string, Presence> = {};
  for (const [clone, p] of Object.entries(doc.presence)) {
    if (clone === me.clone) continue;
    const holdsLocks = locks.some((l) => l.clone === clone);
    if (!holdsLocks && now.getTime() - Date.parse(p.seenAt) > FORGET_AFTER_MS) continue;
    presence[clone] = p;
  }
  const ownPresence = presenceFor(me, registry, now);
  const oldPresence = doc.presence[me.clone];
  presence[me.clone] = presenceMoved(oldPresence, ownPresence, now) ? ownPresence : oldPresence!;

  const next: RemoteDoc = { version: doc.version, locks, presence, notices };
  const changed = serializeDoc(next) !== serializeDoc(doc);
  return {
    doc: next,
    changed,
    message: commitMessage(me, ownBefore, [...mine.values()], broken, changed),
    refused,
    published,
    dropped,
    conflicts,
    newConflicts,
    inbox,
    broken,
  };
}

/** "qlock: alice@laptop: lock src/a.ts (feature-a); unlock src/b.ts (feature-a)". */
function commitMessage(
  me: Participant,
  before: RemoteLock[],
  after: RemoteLock[],
  broken: RemoteLock[],
  changed: boolean,
): string {
  const k = (l: RemoteLock) => key(l.session, l.path);
  const beforeKeys = new Set(before.map(k));
  const afterKeys = new Set(after.map(k));
  const parts: string[] = [];
  const list = (ls: RemoteLock[]) => ls.map((l) => `${l.path} (${l.session})`).join(', ');
  const added = after.filter((l) => !beforeKeys.has(k(l)));
  const removed = before.filter((l) => !afterKeys.has(k(l)));
  if (added.length) parts.push(`lock ${list(added)}`);
  if (removed.length) parts.push(`unlock ${list(removed)}`);
  if (broken.length)
    parts.push(`break ${broken.map((l) => `${l.path} (${l.session} of ${l.user})`).join(', ')}`);
  if (!parts.length) parts.push(changed ? 'update' : 'no change');
  return `qlock: ${me.user || me.email}@${me.host}: ${parts.join('; ')}`;
}
