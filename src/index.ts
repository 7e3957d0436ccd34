/**
 * qlock as a library: `import { findProject, status, lock } from 'qlock'`.
 *
 * A small, stable surface for tools that want qlock's answers without spawning the CLI (an editor
 * extension, a CI check, another agent harness). Each command function is the one the CLI runs:
 * `(options, context) → result`, where the result is exactly what `qlock <command> --json` prints
 * and failures are the typed errors below (their `exitCode` is the CLI's). Build a context with
 * `defaultContext({ cwd })`; `--session` is `session` on it.
 *
 * Anything not exported here is internal and may change between versions.
 */

export { type Context, defaultContext } from './context.js';
export {
  ConflictError,
  ExitCode,
  GitError,
  InternalError,
  isQlockError,
  QlockError,
  RefusedError,
  StateError,
  UsageError,
} from './errors.js';
export { findProject, type Project, requireProject } from './project/findProject.js';

// Commands: the same functions as `qlock status`, `lock`, `unlock`, `locks`, `who`, `list`, `conflicts`.
export { conflicts, type ConflictsOptions, type ConflictsResult } from './commands/conflicts.js';
export { list, type ListedSession } from './commands/list.js';
export { lock, type LockOptions, type LockResult } from './commands/lock.js';
export { locks, type LocksResult } from './commands/locks.js';
export { status, type StatusOptions, type StatusOutput } from './commands/status.js';
export { unlock, type UnlockOptions, type UnlockResult } from './commands/unlock.js';
export { who, type WhoOptions, type WhoResult } from './commands/who.js';

// The lock table's pure checks, for tools that read the registry themselves.
export { lockCovers, lockExpired, locksOverlap } from './locks/lockTable.js';
export type { Lock, Registry, Session } from './store/types.js';
