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
 * Base class: a message for the user (one or two lines, saying what to do next) and an exit code.
 * Recognised by class identity (`instanceof`): a process loads each module once, a hot command's
 * bundle and its lazily required chunks included (scripts/bundle.mjs), so there is one class of
 * each kind per process.
 */
export class QlockError extends Error {
  readonly exitCode: ExitCodeValue;
  constructor(message: string, exitCode: ExitCodeValue = ExitCode.failure, options?: ErrorOptions) {
    super(message, options);
    this.name = 'QlockError';
    this.exitCode = exitCode;
  }
}

/** Bad arguments, bad names, bad paths: exit 2. Nothing was changed. */
export class UsageError extends QlockError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, ExitCode.usage, options);
    this.name = 'UsageError';
  }
}

/** Refused because of another session (a lock it holds, a predicted conflict with --check): exit 3. */
export class RefusedError extends QlockError {
  readonly details: unknown;
  constructor(message: string, details?: unknown) {
    super(message, ExitCode.refused);
    this.name = 'RefusedError';
    this.details = details;
  }
}

/** A hook that blocks (a commit, a merge, a push): exit 1 with the reason. */
export class ConflictError extends QlockError {
  constructor(message: string) {
    super(message, ExitCode.failure);
    this.name = 'ConflictError';
  }
}

/** A state file that cannot be read: names the file and the recovery command. */
export class StateError extends QlockError {
  readonly file: string;
  constructor(message: string, file: string, options?: ErrorOptions) {
    super(message, ExitCode.failure, options);
    this.name = 'StateError';
    this.file = file;
  }
}

/** A git command failed; carries the command and its stderr as the cause. */
export class GitError extends QlockError {
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
  constructor(message: string, options?: ErrorOptions) {
    super(message, ExitCode.failure, options);
    this.name = 'InternalError';
  }
}

export function isQlockError(error: unknown): error is QlockError {
  return error instanceof QlockError;
}
