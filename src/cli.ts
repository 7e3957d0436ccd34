import { CommanderError } from 'commander';

import { buildProgram, runState } from './cli/program.js';
import { nodeStreams, printError, printFailure } from './cli/report.js';
import { ExitCode } from './errors.js';
import { enableDebug } from './ui/debug.js';
import { firstWord, usageMessage } from './ui/usageErrors.js';

export { buildProgram } from './cli/program.js';

/**
 * The commander way in (the program is made from src/cli/commandTable.ts in src/cli/program.ts):
 * main() parses, lets the command's action run it through execute(), rewords commander's usage
 * errors, and returns the exit code, which bin/qlock.js sets.
 */
export async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  if (argv.includes('--debug')) enableDebug();
  runState.exitCode = ExitCode.ok;
  runState.usageErrorText = '';
  const program = buildProgram();
  // `qlock help <typo>`: commander would print the general help and exit 0; treat the typo as the
  // unknown command it is (with commander's "Did you mean" suggestion).
  const first = firstWord(argv);
  if (first?.word === 'help') {
    const rest = argv.slice(first.index + 1);
    const topic = firstWord(rest)?.word;
    if (topic && !program.commands.some((c) => c.name() === topic || c.aliases().includes(topic)))
      argv = [...argv.slice(0, first.index), ...rest];
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return runState.exitCode;
  } catch (error) {
    if (!(error instanceof CommanderError)) return printError(error, json, nodeStreams);
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version')
      return ExitCode.ok;
    // `qlock help` asked for is exit 0; a bare `qlock` gets the help on stderr as a usage error.
    if (error.code === 'commander.help') return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    const message = usageMessage(runState.usageErrorText || error.message, program, argv);
    return printFailure(message, ExitCode.usage, json, nodeStreams);
  }
}
