import fs from 'node:fs';
import { parseArgs } from 'node:util';

import { type Context, currentDir, defaultContext, resolveDir } from '../context.js';
import { ExitCode, isQlockError } from '../errors.js';
import { disableColor } from '../ui/color.js';
import { enableDebug, isDebug } from '../ui/debug.js';
import { coreMessages as messages } from '../ui/messages/core.js';
import { directOutput, writeStderr, writeStdout } from '../ui/stdio.js';

/**
 * The fast path for `qlock lock` and `qlock unlock` (see src/fastPath.ts): the same commands as
 * the full CLI, without commander. Parsing is strict and returns undefined for anything that is
 * not a plain, well-formed invocation (a typo, a missing path, an option spelled another way), so
 * the full CLI reports it exactly as usual; the output and exit codes are the full CLI's.
 */

const GLOBAL = {
  json: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  debug: { type: 'boolean' },
  C: { type: 'string', short: 'C' },
  session: { type: 'string' },
} as const;

const LOCK = {
  ...GLOBAL,
  reason: { type: 'string' },
  ttl: { type: 'string' },
  wait: { type: 'string' },
} as const;

const UNLOCK = { ...GLOBAL, all: { type: 'boolean' }, force: { type: 'boolean' } } as const;

type Parsed = { values: Record<string, string | boolean | undefined>; positionals: string[] };

/** parseArgs, but undefined unless every option is spelled as commander spells it. */
function parse(args: string[], options: typeof LOCK | typeof UNLOCK): Parsed | undefined {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true, tokens: true });
  } catch {
    return undefined;
  }
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    // parseArgs also accepts `--C`, and boolean options given a value; commander does not.
    const expected = token.name === 'C' ? '-C' : `--${token.name}`;
    if (token.rawName !== expected) return undefined;
    if (options[token.name as keyof typeof options].type === 'boolean' && token.value !== undefined)
      return undefined;
  }
  return parsed as Parsed;
}

function contextFrom(values: Parsed['values']): Context {
  if (values.debug) enableDebug();
  if (values['no-color']) disableColor();
  const dir = values.C as string | undefined;
  return defaultContext({
    ...directOutput,
    cwd: dir ? resolveDir(dir) : currentDir(),
    json: values.json === true,
    ...(values.session ? { session: values.session as string } : {}),
  });
}

/** The same error output as src/cli.ts printError: one or two lines, JSON too with --json. */
function printError(error: unknown, json: boolean): number {
  const known = isQlockError(error);
  const message = known
    ? error.message
    : (error instanceof Error ? error.message : String(error)) || 'unknown error';
  writeStderr(`qlock: ${known ? message : messages.internal(message)}\n`);
  if (isDebug() && error instanceof Error && error.stack) writeStderr(error.stack + '\n');
  const exitCode = known ? error.exitCode : ExitCode.failure;
  if (json) writeStdout(JSON.stringify({ error: { message, exitCode } }) + '\n');
  return exitCode;
}

async function runLock(parsed: Parsed, ctx: Context): Promise<void> {
  const { lock, renderLock } = await import('../commands/lock.js');
  const { reason, ttl, wait } = parsed.values as Record<string, string | undefined>;
  const result = await lock(
    {
      paths: parsed.positionals,
      ...(reason !== undefined ? { reason } : {}),
      ...(ttl !== undefined ? { ttl } : {}),
      ...(wait !== undefined ? { wait } : {}),
    },
    ctx,
  );
  output(result, ctx, renderLock(result, ctx));
}

async function runUnlock(parsed: Parsed, ctx: Context): Promise<void> {
  const { unlock, renderUnlock } = await import('../commands/unlock.js');
  const { all, force } = parsed.values as Record<string, boolean | undefined>;
  const result = await unlock(
    { paths: parsed.positionals, ...(all ? { all } : {}), ...(force ? { force } : {}) },
    ctx,
  );
  output(result, ctx, renderUnlock(result, ctx));
}

function output(result: object, ctx: Context, text: string): void {
  if (ctx.json) writeStdout(JSON.stringify(result, null, 2) + '\n');
  else if (text) ctx.out(text);
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

export async function runFast(argv: string[]): Promise<number | undefined> {
  const [command, ...args] = argv;
  const parsed = parse(args, command === 'lock' ? LOCK : UNLOCK);
  if (!parsed) return undefined;
  // commander's own errors (missing path) stay with commander.
  if (command === 'lock' && !parsed.positionals.length) return undefined;
  if (command !== 'lock' && command !== 'unlock') return undefined;
  // A -C that is not a directory is a usage error, which the full CLI words.
  if (typeof parsed.values.C === 'string' && !isDirectory(parsed.values.C)) return undefined;
  let ctx: Context | undefined;
  try {
    ctx = contextFrom(parsed.values);
    if (command === 'lock') await runLock(parsed, ctx);
    else await runUnlock(parsed, ctx);
    return ExitCode.ok;
  } catch (error) {
    return printError(error, parsed.values.json === true);
  }
}
