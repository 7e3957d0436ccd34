import fs from 'node:fs';

import { Argument, type Command } from 'commander';

import { type Context, currentDir, defaultContext, resolveDir } from '../context.js';
import { ExitCode, UsageError } from '../errors.js';
import { disableColor } from '../ui/color.js';
import { enableDebug } from '../ui/debug.js';
import { messages } from '../ui/messages.js';
import { printResult } from './report.js';

/**
 * What every command of the commander CLI shares: the global options, the context they make, and
 * execute(), which runs a command, records the session's activity, prints the result (JSON or its
 * rendering) and notes the exit code the result asks for.
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

export type Renderer<R> = (result: R, ctx: Context) => string | undefined;

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function makeContext(globals: GlobalOptions): Context {
  if (globals.debug) enableDebug();
  if (globals.color === false) disableColor();
  const cwd = globals.C ? resolveDir(globals.C) : currentDir();
  if (globals.C && !isDirectory(cwd)) throw new UsageError(messages.noSuchDirectory(globals.C));
  return defaultContext({
    cwd,
    json: globals.json === true,
    ...(globals.session ? { session: globals.session } : {}),
  });
}

/**
 * What a run of the CLI decided: the exit code a command's result asked for, and commander's last
 * usage error text (see configureOutput in buildProgram). Reset by main() for each run.
 */
export const runState = { exitCode: ExitCode.ok as number, usageErrorText: '' };

export async function execute<R>(
  cmd: Command,
  run: (ctx: Context) => Promise<R>,
  render?: Renderer<R>,
): Promise<void> {
  const ctx = makeContext(cmd.optsWithGlobals<GlobalOptions>());
  let result: R;
  try {
    result = await run(ctx);
  } finally {
    // Any command run for a session counts as activity (its lastSeen advances).
    const { touchCurrentSession } = await import('../sessions/touchSession.js');
    await touchCurrentSession(ctx);
  }
  printResult(result, ctx, () => render?.(result, ctx));
  const wanted = (result as WithExitCode | undefined)?.exitCode;
  if (typeof wanted === 'number') runState.exitCode = wanted;
}

/** commander.Argument with a fixed set of values, declared once. */
export class ArgumentChoice extends Argument {
  constructor(name: string, description: string, choices: string[]) {
    super(name, description);
    this.choices(choices);
  }
}

export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}
