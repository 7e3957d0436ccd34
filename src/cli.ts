import { Command, CommanderError } from 'commander';

import { examples, runState } from './cli/execute.js';
import { printError, printFailure } from './cli/report.js';
import { addToolCommands } from './cli/toolCommands.js';
import { addWorkCommands } from './cli/workCommands.js';
import { ExitCode } from './errors.js';
import { enableDebug } from './ui/debug.js';
import { firstWord, usageMessage } from './ui/usageErrors.js';
import { VERSION } from './util/version.js';

/**
 * Commander wiring: the program and its global options here, the commands in src/cli/ (work,
 * tools); main() is the only place that decides the exit code. Each command's module is imported
 * only when that command runs, so `qlock lock` does not pay for `qlock watch`.
 */

export function buildProgram(): Command {
  const program = new Command('qlock');
  // Configure the root before adding subcommands: commander copies these settings at .command().
  program
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
      // Kept, not printed: main() rewords usage errors like every other error (and as JSON).
      outputError: (s) => {
        runState.usageErrorText += s;
      },
    })
    .showSuggestionAfterError(true)
    .description(
      'Coordinate parallel AI coding sessions on one codebase: sessions, locks, conflicts, hooks.',
    )
    .version(VERSION, '-V, --version')
    .option('--json', 'machine-readable output on stdout')
    .option('--no-color', 'no colours (NO_COLOR is honoured too)')
    .option('--debug', 'debug logs on stderr (or QLOCK_DEBUG=1)')
    .option('-C <dir>', 'run as if started in <dir>')
    .option(
      '--session <name>',
      'act as this session (default: QLOCK_SESSION, else the session containing the cwd)',
    )
    .addHelpText(
      'after',
      examples(
        'qlock init',
        'qlock new feature-a',
        'qlock status',
        'qlock lock src/api.ts --reason "refactor"',
      ),
    );

  addWorkCommands(program);
  addToolCommands(program);
  return program;
}

/** Runs the CLI and returns the exit code; bin/qlock.js sets it. */
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
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version')
        return ExitCode.ok;
      // `qlock help` asked for is exit 0; a bare `qlock` gets the help on stderr as a usage error.
      if (error.code === 'commander.help')
        return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
      const message = usageMessage(runState.usageErrorText || error.message, program, argv);
      return printFailure(message, ExitCode.usage, json);
    }
    return printError(error, json);
  }
}
