import type { Context } from '../context.js';
import { ExitCode, isQlockError } from '../errors.js';
import { isDebug } from '../ui/debug.js';
// The core area's messages, not the aggregator: the hot commands' bundles print errors too.
import { coreMessages as messages } from '../ui/messages/core.js';
import { writeStderr, writeStdout } from '../ui/stdio.js';

/**
 * The one place that prints a command's outcome, called by execute() (src/cli/execute.ts) for
 * both parsers (commander and the light parser), and by src/cli.ts for commander's usage errors:
 * the result as JSON with --json, else its rendering; an error as one or two lines on stderr
 * (`qlock: …`, the stack only with --debug) and, with --json, `{"error":{"message","exitCode"}}`
 * on stdout. Returns the exit code the error stands for, which goes back to bin/qlock.js, the one
 * place that sets it.
 */

/**
 * Where the report goes: node's streams for the commander program (commander writes through them
 * too), direct descriptor writes for the light way in (see ui/stdio.ts: no stream set-up).
 */
export interface Streams {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const nodeStreams: Streams = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

export const directStreams: Streams = { stdout: writeStdout, stderr: writeStderr };

export function printResult(
  result: unknown,
  ctx: Context,
  render: () => string | undefined,
  io: Streams = nodeStreams,
): void {
  if (result === undefined) return;
  if (ctx.json) io.stdout(JSON.stringify(result, null, 2) + '\n');
  else {
    const text = render();
    if (text) ctx.out(text);
  }
}

/** A failure already worded for the user (usage errors, typed errors). */
export function printFailure(
  message: string,
  exitCode: number,
  json: boolean,
  io: Streams = nodeStreams,
): number {
  io.stderr(`qlock: ${message}\n`);
  if (json) io.stdout(JSON.stringify({ error: { message, exitCode } }) + '\n');
  return exitCode;
}

/** Any error: a QlockError says what to do; anything else is reported as qlock's bug. */
export function printError(error: unknown, json: boolean, io: Streams = nodeStreams): number {
  const known = isQlockError(error);
  const message = known
    ? error.message
    : (error instanceof Error ? error.message : String(error)) || 'unknown error';
  io.stderr(`qlock: ${known ? message : messages.internal(message)}\n`);
  if (isDebug() && error instanceof Error && error.stack) io.stderr(error.stack + '\n');
  const exitCode = known ? error.exitCode : ExitCode.failure;
  if (json) io.stdout(JSON.stringify({ error: { message, exitCode } }) + '\n');
  return exitCode;
}
