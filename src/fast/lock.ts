import { directStreams, printError, printResult } from '../cli/report.js';
import type { Context } from '../context.js';
import { ExitCode } from '../errors.js';
import {
  contextFrom,
  GLOBAL_OPTIONS as GLOBAL,
  type Parsed,
  parseStrict as parse,
} from './commandLine.js';

/**
 * The fast path for `qlock lock` and `qlock unlock` (see src/fastPath.ts): the same commands as
 * the full CLI, without commander. Parsing is strict and returns undefined for anything that is
 * not a plain, well-formed invocation (a typo, a missing path, an option spelled another way), so
 * the full CLI reports it exactly as usual; the output and exit codes are the full CLI's.
 */

const LOCK = {
  ...GLOBAL,
  reason: { type: 'string' },
  ttl: { type: 'string' },
  wait: { type: 'string' },
} as const;

const UNLOCK = { ...GLOBAL, all: { type: 'boolean' }, force: { type: 'boolean' } } as const;

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
  printResult(result, ctx, () => renderLock(result, ctx), directStreams);
}

async function runUnlock(parsed: Parsed, ctx: Context): Promise<void> {
  const { unlock, renderUnlock } = await import('../commands/unlock.js');
  const { all, force } = parsed.values as Record<string, boolean | undefined>;
  const result = await unlock(
    { paths: parsed.positionals, ...(all ? { all } : {}), ...(force ? { force } : {}) },
    ctx,
  );
  printResult(result, ctx, () => renderUnlock(result, ctx), directStreams);
}

export async function runFast(argv: string[]): Promise<number | undefined> {
  const [command, ...args] = argv;
  const parsed = parse(args, command === 'lock' ? LOCK : UNLOCK);
  if (!parsed) return undefined;
  // commander's own errors (missing path) stay with commander.
  if (command === 'lock' && !parsed.positionals.length) return undefined;
  if (command !== 'lock' && command !== 'unlock') return undefined;
  let ctx: Context | undefined;
  try {
    ctx = contextFrom(parsed.values);
    if (command === 'lock') await runLock(parsed, ctx);
    else await runUnlock(parsed, ctx);
    return ExitCode.ok;
  } catch (error) {
    return printError(error, parsed.values.json === true, directStreams);
  }
}
