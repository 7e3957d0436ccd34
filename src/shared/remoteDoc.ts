import { locksOverlap } from '../locks/lockTable.js';
import type { Lock } from '../store/types.js';

/**
 * The document stored on the remote (`state.json` in the tree of `<refPrefix>/locks`): every
 * participant's locks, who is working where (presence), and notices from one participant to
 * another (a lock broken with --force, a conflict found when an offline clone came back).
 *
 * It is serialised canonically (sorted, fixed key order) so that "nothing changed" is a string
 * comparison and the remote's history shows real changes only.
 */

export const DOC_VERSION = 1;

/** One clone of the repository, used by one person on one host. */
export interface Participant {
  /** Random id of the clone (its state dir), so two clones on one host stay apart. */
  clone: string;
  /** git user.name / user.email of that clone. */
  user: string;
  email: string;
  /** os.hostname() */
  host: string;
}

/** A lock as stored on the remote: the local Lock plus who and where. */
export interface RemoteLock extends Lock, Participant {}

export interface PresenceSession {
  name: string;
  branch?: string;
  lastSeen: string;
}

export interface Presence extends Omit<Participant, 'clone'> {
  sessions: PresenceSession[];
  /** When this clone last wrote its presence. */
  seenAt: string;
}

export type NoticeKind = 'conflict' | 'lock-broken';

export interface Notice {
  id: string;
  kind: NoticeKind;
  to: { clone: string; session: string };
  from: Participant & { session: string };
  paths: string[];
  at: string;
  /** conflict: when the sender took its (offline) lock. */
  since?: string;
  /** lock-broken: acquiredAt of the broken lock, so the holder ends exactly that one. */
  lockAcquiredAt?: string;
}

export interface RemoteDoc {
  version: typeof DOC_VERSION;
  locks: RemoteLock[];
  presence: Record<string, Presence>;
  notices: Notice[];
}

export function emptyDoc(): RemoteDoc {
  return { version: DOC_VERSION, locks: [], presence: {}, notices: [] };
}

/** Why a document could not be used; the caller names the ref and what to do. */
export class DocError extends Error {
  readonly newer: boolean;
  constructor(message: string, newer = false) {
    super(message);
    this.name = 'DocError';
    this.newer = newer;
  }
}

const isString = (v: unknown): v is string => typeof v === 'string';

function checkParticipant(p: Record<string, unknown>): boolean {
  return isString(p.clone) && isString(p.user) && isString(p.email) && isString(p.host);
}

/**
 * Parses and checks a document. A newer version or a damaged one throws DocError: qlock must
 * never overwrite what it cannot read (that would drop other people's locks).
 */
export function parseDoc(text: string): RemoteDoc {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new DocError(`not JSON (${(error as Error).message})`);
  }
  if (!data || typeof data !== 'object') throw new DocError('not a JSON object');
  const doc = data as Record<string, unknown>;
  if (typeof doc.version === 'number' && doc.version > DOC_VERSION)
    throw new DocError(`format version ${doc.version}, newer than this qlock's`, true);
  if (doc.version !== DOC_VERSION)
    throw new DocError(`unknown format version ${String(doc.version)}`);
  const locks = doc.locks;
  if (!Array.isArray(locks)) throw new DocError('"locks" is not a list');
  for (const raw of locks) {
    const l = raw as Record<string, unknown>;
    if (
      !l ||
      !isString(l.path) ||
      !isString(l.session) ||
      !isString(l.acquiredAt) ||
      !checkParticipant(l) ||
      (l.expiresAt !== undefined && !isString(l.expiresAt))
    )
      throw new DocError(`a lock entry is malformed: ${JSON.stringify(raw)}`);
  }
  const presence = doc.presence ?? {};
  if (typeof presence !== 'object' || Array.isArray(presence))
    throw new DocError('"presence" is not an object');
  const notices = doc.notices ?? [];
  if (!Array.isArray(notices)) throw new DocError('"notices" is not a list');
  return {
    version: DOC_VERSION,
    locks: (locks as RemoteLock[]).map((l) => ({
      ...l,
      reason: isString(l.reason) ? l.reason : '',
    })),
    presence: presence as Record<string, Presence>,
    notices: (notices as Notice[]).filter(
      (n) => n && isString(n.id) && n.to && isString(n.to.clone) && Array.isArray(n.paths),
    ),
  };
}

function canonicalLock(l: RemoteLock): RemoteLock {
  return {
    path: l.path,
    session: l.session,
    clone: l.clone,
    user: l.user,
    email: l.email,
    host: l.host,
    reason: l.reason,
    acquiredAt: l.acquiredAt,
    ...(l.expiresAt ? { expiresAt: l.expiresAt } : {}),
  };
}

const byKey =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

/** The canonical text: the same document always gives the same bytes. */
export function serializeDoc(doc: RemoteDoc): string {
  const presence: Record<string, Presence> = {};
  for (const clone of Object.keys(doc.presence).sort()) {
    const p = doc.presence[clone]!;
    presence[clone] = {
      user: p.user,
      email: p.email,
      host: p.host,
      sessions: [...p.sessions].sort(byKey((s) => s.name)).map((s) => ({
        name: s.name,
        ...(s.branch ? { branch: s.branch } : {}),
        lastSeen: s.lastSeen,
      })),
      seenAt: p.seenAt,
    };
  }
  const out: RemoteDoc = {
    version: DOC_VERSION,
    locks: doc.locks.map(canonicalLock).sort(byKey((l) => `${l.path}\0${l.clone}\0${l.session}`)),
    presence,
    notices: [...doc.notices].sort(byKey((n) => `${n.at}\0${n.id}`)),
  };
  return JSON.stringify(out, null, 2) + '\n';
}

/** Whether a remote lock has expired at `now` (by this machine's clock). */
export function remoteLockExpired(lock: RemoteLock, now: Date): boolean {
  return lock.expiresAt !== undefined && Date.parse(lock.expiresAt) <= now.getTime();
}

/** The same person and place, for messages: "alice <a@x> on laptop". */
export function sameLock(a: Pick<RemoteLock, 'clone' | 'session' | 'path'>, b: typeof a): boolean {
  return a.clone === b.clone && a.session === b.session && a.path === b.path;
}

/** Other participants' honoured locks that equal, cover or lie below any of `paths`. */
export function othersLocks(
  doc: RemoteDoc | undefined,
  clone: string,
  paths: readonly string[],
  now: Date,
): RemoteLock[] {
  if (!doc) return [];
  return doc.locks.filter(
    (l) =>
      l.clone !== clone && !remoteLockExpired(l, now) && paths.some((p) => locksOverlap(l.path, p)),
  );
}
