import fs from 'node:fs';

import { type Context, currentDir, defaultContext, resolveDir } from '../context.js';
import { ExitCode, UsageError } from '../errors.js';
import { disableColor } from '../ui/color.js';
import { enableDebug } from '../ui/debug.js';
import { newcomerMessages } from '../ui/messages/newcomer.js';
import type { CommandInput, CommandSpec } from './commandTable.js';
import { printError, printResult, type Streams } from './report.js';

/**
 * The one execute() of the CLI, for both ways a command line is parsed (commander in
 * src/cli/program.ts, the light parser in src/cli/fast.ts): the context from the global options,
 * the command's `run`, the session's activity, the result printed (JSON or its rendering) and the
 * exit code returned: the one the result asks for, or the one its error stands for.
 */

export interface GlobalOptions {
  json?: boolean;
  color?: boolean;
  debug?: boolean;
  C?: string;
  session?: string;
}

/** A command's result may carry the exit code it wants (hooks that block, --check). */
interface WithExitCode {
  exitCode?: number;
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** The directory to run in; undefined when the shell's is gone and the command stays silent. */
function workingDir(spec: CommandSpec, globals: GlobalOptions): string | undefined {
  if (globals.C) {
    const dir = resolveDir(globals.C);
    if (!isDirectory(dir)) throw new UsageError(newcomerMessages.noSuchDirectory(globals.C));
    return dir;
  }
  if (!spec.withoutCwd) return currentDir();
  try {
    return process.cwd();
  } catch {
    return spec.withoutCwd === 'pwd' ? (process.env.PWD ?? '/') : undefined;
  }
}

export async function execute(
  spec: CommandSpec,
  input: CommandInput,
  globals: GlobalOptions,
  io: Streams,
): Promise<number> {
  const json = globals.json === true;
  try {
    if (globals.debug) enableDebug();
    if (globals.color === false) disableColor();
    const cwd = workingDir(spec, globals);
    if (cwd === undefined) return ExitCode.ok;
    const ctx: Context = defaultContext({
      cwd,
      json,
      out: (text) => io.stdout(text.endsWith('\n') ? text : text + '\n'),
      err: (text) => io.stderr(text.endsWith('\n') ? text : text + '\n'),
      ...(globals.session ? { session: globals.session } : {}),
    });
    let outcome;
    try {
      outcome = await spec.run(input, ctx);
    } finally {
      // Any command run for a session counts as activity (its lastSeen advances).
      if (!spec.quiet) {
        const { touchCurrentSession } = await import('../sessions/touchSession.js');
        await touchCurrentSession(ctx);
      }
    }
    printResult(outcome.result, ctx, () => outcome.render?.(), io);
    const wanted = (outcome.result as WithExitCode | undefined)?.exitCode;
    return typeof wanted === 'number' ? wanted : ExitCode.ok;
  } catch (error) {
    return printError(error, json, io);
  }
}
