/**
 * The small set of typed errors qlock uses. Core code throws these; only src/cli.ts turns them
 * into an exit code and a message (see STYLE.md §2 and §6).
 */

export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  refused: 3,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * `instanceof` by kind, not by class identity. A hot command runs from its bundle
 * (scripts/bundle.mjs) and loads rarely used modules (shared mode, auto-locking) from dist/, each
 * with its own copy of this module: an error thrown by one copy must still be recognised by the
 * other. So every error carries the names of its classes under a registry-wide symbol, and each
 * class's `instanceof` checks for its own name there.
 */
const KINDS = Symbol.for('qlock.errorKinds');

type Branded = { [KINDS]?: readonly string[] };

/** A class's kind: its own static `kind` (stable under bundling, which may rename classes). */
function kindOf(constructor: object): string {
  return Object.hasOwn(constructor, 'kind')
    ? (constructor as { kind: string }).kind
    : (constructor as { name: string }).name;
}

function kindsOf(constructor: { prototype: object }): string[] {
  const kinds: string[] = [];
  for (let p = constructor.prototype; p && p !== Error.prototype; p = Object.getPrototypeOf(p))
    kinds.push(kindOf(p.constructor as object));
  return kinds;
}

/** Base class: a message for the user (one or two lines, saying what to do next) and an exit code. */
export class QlockError extends Error {
  static readonly kind: string = 'QlockError';
  static override [Symbol.hasInstance](value: unknown): boolean {
    const kinds = (value as Branded | null | undefined)?.[KINDS];
    return Array.isArray(kinds) && kinds.includes(kindOf(this));
  }
  readonly exitCode: ExitCodeValue;
  constructor(message: string, exitCode: ExitCodeValue = ExitCode.failure, options?: ErrorOptions) {
    super(message, options);
    this.name = 'QlockError';
    this.exitCode = exitCode;
    Object.defineProperty(this, KINDS, { value: kindsOf(new.target) });
  }
}

/** Bad arguments, bad names, bad paths: exit 2. Nothing was changed. */
export class UsageError extends QlockError {
  static override readonly kind: string = 'UsageError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, ExitCode.usage, options);
    this.name = 'UsageError';
  }
}

/** Refused because of another session (a lock it holds, a predicted conflict with --check): exit 3. */
export class RefusedError extends QlockError {
  static override readonly kind: string = 'RefusedError';
  readonly details: unknown;
  constructor(message: string, details?: unknown) {
    super(message, ExitCode.refused);
    this.name = 'RefusedError';
    this.details = details;
  }
}

/** A hook that blocks (a commit, a merge, a push): exit 1 with the reason. */
export class ConflictError extends QlockError {
  static override readonly kind: string = 'ConflictError';
  constructor(message: string) {
    super(message, ExitCode.failure);
    this.name = 'ConflictError';
  }
}

/** A state file that cannot be read: names the file and the recovery command. */
export class StateError extends QlockError {
  static override readonly kind: string = 'StateError';
  readonly file: string;
  constructor(message: string, file: string, options?: ErrorOptions) {
    super(message, ExitCode.failure, options);
    this.name = 'StateError';
    this.file = file;
  }
}

/** A git command failed; carries the command and its stderr as the cause. */
export class GitError extends QlockError {
  static override readonly kind: string = 'GitError';
  readonly args: readonly string[];
  readonly stderr: string;
  readonly code: number | null;
  constructor(args: readonly string[], code: number | null, stderr: string, cwd: string) {
    // git often prints progress ("Preparing worktree …") before the line that says what failed.
    const lines = stderr.trim().split('\n');
    const first = lines.find((l) => /^(fatal|error):/.test(l)) ?? lines[0] ?? '';
    super(`git ${args.filter((a) => !a.startsWith('-c')).join(' ')} failed in ${cwd}: ${first}`);
    this.name = 'GitError';
    this.args = args;
    this.stderr = stderr;
    this.code = code;
  }
}

/** A bug in qlock. The CLI prints a bug-report hint with it. */
export class InternalError extends QlockError {
  static override readonly kind: string = 'InternalError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, ExitCode.failure, options);
    this.name = 'InternalError';
  }
}

export function isQlockError(error: unknown): error is QlockError {
  return error instanceof QlockError;
}
