import { directStreams, printError, printResult } from '../cli/report.js';
import { ExitCode } from '../errors.js';
import { contextFrom, GLOBAL_OPTIONS, parseStrict } from './commandLine.js';

/**
 * The fast path for `qlock status [name] [--verbose]` (see src/fastPath.ts), the command people
 * and scripts run all the time: without commander, from its own bundle, which saves node's ESM
 * loader some 60 modules (~50 ms of the 500 ms budget). Strict parsing; anything else (help, a
 * typo, two names) goes to the full CLI, which answers as usual.
 */
const STATUS = { ...GLOBAL_OPTIONS, verbose: { type: 'boolean', short: 'v' } } as const;

export async function runFast(argv: string[]): Promise<number | undefined> {
  const [command, ...args] = argv;
  if (command !== 'status') return undefined;
  const parsed = parseStrict(args, STATUS);
  if (!parsed || parsed.positionals.length > 1) return undefined;
  const [name] = parsed.positionals;
  const options = {
    ...(parsed.values.verbose ? { verbose: true } : {}),
    ...(name ? { name } : {}),
  };
  try {
    const ctx = contextFrom(parsed.values);
    const { status, renderStatus } = await import('../commands/status.js');
    const { touchCurrentSession } = await import('../sessions/touchSession.js');
    let result;
    try {
      result = await status(options, ctx);
    } finally {
      // As the full CLI does after every command: the current session was active.
      await touchCurrentSession(ctx);
    }
    printResult(result, ctx, () => renderStatus(result, options, ctx.now()), directStreams);
    return ExitCode.ok;
  } catch (error) {
    return printError(error, parsed.values.json === true, directStreams);
  }
}
