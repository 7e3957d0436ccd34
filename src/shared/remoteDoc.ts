import { locksOverlap } from '../locks/lockTable.js';
import type { Lock } from '../store/types.js';
import { safeText } from '../ui/safeText.js';

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

const isOptString = (v: unknown) => v === undefined || isString(v);
const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

function checkPresence(p: unknown): p is Presence {
  if (!isObject(p) || !isString(p.user) || !isString(p.email) || !isString(p.host)) return false;
  if (!isString(p.seenAt) || !Array.isArray(p.sessions)) return false;
  return p.sessions.every(
    (s) => isObject(s) && isString(s.name) && isString(s.lastSeen) && isOptString(s.branch),
  );
}

function checkNotice(n: unknown): n is Notice {
  if (!isObject(n) || !isString(n.id) || !isString(n.at)) return false;
  if (n.kind !== 'conflict' && n.kind !== 'lock-broken') return false;
  const to = n.to;
  const from = n.from;
  if (!isObject(to) || !isString(to.clone) || !isString(to.session)) return false;
  if (!isObject(from) || !checkParticipant(from) || !isString(from.session)) return false;
  if (!Array.isArray(n.paths) || !n.paths.every(isString)) return false;
  return isOptString(n.since) && isOptString(n.lockAcquiredAt);
}

/** A document, and the entries left out of it because they were malformed (for one warning). */
export interface ParsedDoc {
  doc: RemoteDoc;
  /** e.g. `presence entry "clone-id"`, `notice "n1"`: escaped, for a message. */
  ignored: string[];
}

/**
 * Parses and checks a document. A newer version or a damaged one throws DocError: qlock must
 * never overwrite what it cannot read (that would drop other people's locks). Presence entries
 * and notices are different: each clone rewrites its own presence at its next sync, and a notice
 * is a one-time message, so a malformed one is left out (and said so) instead of stopping every
 * participant; the next update of the ref drops it.
 */
export function parseDocChecked(text: string): ParsedDoc {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new DocError(`not JSON (${(error as Error).message})`);
  }
  if (!isObject(data)) throw new DocError('not a JSON object');
  const doc = data;
  if (typeof doc.version === 'number' && doc.version > DOC_VERSION)
    throw new DocError(`format version ${doc.version}, newer than this qlock's`, true);
  if (doc.version !== DOC_VERSION)
    throw new DocError(`unknown format version ${safeText(String(doc.version), 40)}`);
  const locks = doc.locks;
  if (!Array.isArray(locks)) throw new DocError('"locks" is not a list');
  for (const raw of locks) {
    const l = raw as Record<string, unknown>;
    if (
      !isObject(l) ||
      !isString(l.path) ||
      !isString(l.session) ||
      !isString(l.acquiredAt) ||
      !checkParticipant(l) ||
      !isOptString(l.expiresAt)
    )
      throw new DocError(`a lock entry is malformed: ${safeText(JSON.stringify(raw) ?? '', 200)}`);
  }
  const presence = doc.presence ?? {};
  if (!isObject(presence)) throw new DocError('"presence" is not an object');
  const notices = doc.notices ?? [];
  if (!Array.isArray(notices)) throw new DocError('"notices" is not a list');
  const ignored: string[] = [];
  const goodPresence: Record<string, Presence> = {};
  for (const [clone, p] of Object.entries(presence)) {
    if (checkPresence(p)) goodPresence[clone] = p;
    else ignored.push(`presence entry "${safeText(clone, 80)}"`);
  }
  const goodNotices: Notice[] = [];
  for (const n of notices) {
    if (checkNotice(n)) goodNotices.push(n);
    else {
      const id = isObject(n) && isString(n.id) ? ` "${safeText(n.id, 80)}"` : '';
      ignored.push(`notice${id}`);
    }
  }
  return {
    doc: {
      version: DOC_VERSION,
      locks: (locks as RemoteLock[]).map((l) => ({
        ...l,
        reason: isString(l.reason) ? l.reason : '',
      })),
      presence: goodPresence,
      notices: goodNotices,
    },
    ignored,
  };
}

/** parseDocChecked() without the list of what was left out. */
export function parseDoc(text: string): RemoteDoc {
  return parseDocChecked(text).doc;
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
