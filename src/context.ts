import path from 'node:path';

import { ExitCode, QlockError } from './errors.js';
// The core area's messages, not the aggregator: every fast path builds a context.
import { coreMessages } from './ui/messages/core.js';

/**
 * What every command receives instead of reaching for globals: the cwd, the environment, the
 * clock and the output streams. Tests pass their own.
 */
export interface Context {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** --session NAME, if given. */
  session?: string;
  json: boolean;
  now(): Date;
  out(text: string): void;
  err(text: string): void;
}

/**
 * process.cwd(), or a clear error when the directory was deleted under the shell (a session
 * removed with `qlock rm` or by hand while a shell or agent is still in it): node's own error is
 * an ENOENT from uv_cwd, which reads like a qlock bug.
 */
export function currentDir(): string {
  try {
    return process.cwd();
  } catch (error) {
    throw new QlockError(coreMessages.cwdGone(process.env.PWD), ExitCode.failure, {
      cause: error,
    });
  }
}

/** `-C <dir>` made absolute (a relative one needs the cwd, which may be gone). */
export function resolveDir(dir: string): string {
  return path.isAbsolute(dir) ? path.resolve(dir) : path.resolve(currentDir(), dir);
}

export function defaultContext(overrides: Partial<Context> = {}): Context {
  return {
    cwd: overrides.cwd ?? currentDir(),
    env: process.env,
    json: false,
    now: () => new Date(),
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
    ...overrides,
  };
}
