/** The shapes kept in the state dir. Field names are stable: they also appear in --json output. */

export type SessionKind = 'worktree' | 'clone' | 'dir' | 'copy';

export interface Session {
  name: string;
  /** Absolute, real path of the session's working copy. */
  path: string;
  kind: SessionKind;
  /** The branch checked out when registered (git); the live branch is read from git. */
  branch?: string;
  base: string;
  createdAt: string;
  lastSeen: string;
  /** Pid of the agent process, when one told us. */
  pid?: number;
  agent?: string;
  /** Byte offset into the event log up to which this session has read (its inbox cursor). */
  cursor: number;
  /** Base's tip when this session last looked, to notice that main moved. */
  baseTip?: string;
  /** Plain directories: where the snapshot taken at creation lives, relative to the state dir. */
  snapshot?: string;
}

export interface Lock {
  /** Repo-relative, '/'-separated; a directory prefix ends with '/'. */
  path: string;
  session: string;
  reason: string;
  acquiredAt: string;
  expiresAt?: string;
}

export interface Registry {
  version: 1;
  /** The base detected at init, used when config `base` is not set. */
  base?: string;
  sessions: Record<string, Session>;
  locks: Lock[];
}

export type EventKind =
  | 'main-moved'
  | 'overlap'
  | 'lock-taken'
  | 'lock-broken'
  | 'conflict'
  | 'note'
  | 'session-joined'
  | 'session-left';

export interface QlockEvent {
  /** Byte offset of the event's line in the log: unique and increasing. */
  id: number;
  ts: string;
  kind: EventKind;
  /** The session the event comes from, if any. */
  from?: string;
  /** Recipients; absent = every session except `from`. */
  to?: string[];
  message: string;
  paths?: string[];
  data?: Record<string, unknown>;
}

export type NewEvent = Omit<QlockEvent, 'id' | 'ts'> & { ts?: string };

export function emptyRegistry(): Registry {
  return { version: 1, sessions: {}, locks: [] };
}
