import { Argument, Command, Option } from 'commander';

import { ExitCode } from '../errors.js';
import { VERSION } from '../util/version.js';
import {
  COMMANDS,
  type CommandSpec,
  GLOBAL_OPTIONS,
  type OptionSpec,
  PROGRAM_EXAMPLES,
} from './commandTable.js';
import { execute, type GlobalOptions } from './execute.js';
import { collect } from './repeatable.js';
import { nodeStreams } from './report.js';

/**
 * The commander program, made from the command table (src/cli/commandTable.ts): help, usage
 * errors and suggestions are commander's; every action is the table's `run` through execute().
 */

/**
 * What a run of the CLI decided: the exit code execute() returned, and commander's last usage
 * error text (see configureOutput below). Reset by main() for each run.
 */
export const runState = { exitCode: ExitCode.ok as number, usageErrorText: '' };

export function examples(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

function option(spec: OptionSpec): Option {
  const option = new Option(spec.flags, spec.description);
  if (spec.choices) option.choices(spec.choices);
  if (spec.conflicts) option.conflicts(spec.conflicts);
  if (spec.repeatable) option.argParser(collect);
  return option;
}

function addCommand(program: Command, spec: CommandSpec): void {
  const command = program.command(spec.name).description(spec.description);
  if (spec.alias) command.alias(spec.alias);
  for (const arg of spec.arguments ?? []) {
    const argument = new Argument(arg.name, arg.description);
    if (arg.choices) argument.choices(arg.choices);
    command.addArgument(argument);
  }
  for (const opt of spec.options ?? []) command.addOption(option(opt));
  // git's arguments go to the hook untouched, so commander's own --help is off; a person asking
  // for help (the first word only: git never passes it) still gets it.
  if (spec.passThrough) command.allowUnknownOption().helpOption(false);
  command.addHelpText('after', examples(spec.examples));
  command.action(async (...params: unknown[]) => {
    const cmd = params.at(-1) as Command;
    const args = params.slice(0, -2);
    if (spec.passThrough && (args[0] === '--help' || args[0] === '-h')) cmd.help();
    runState.exitCode = await execute(
      spec,
      { args, opts: cmd.opts(), program },
      cmd.optsWithGlobals<GlobalOptions>(),
      nodeStreams,
    );
  });
}

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
    .version(VERSION, '-V, --version');
  for (const opt of GLOBAL_OPTIONS) program.addOption(option(opt));
  program.addHelpText('after', examples(PROGRAM_EXAMPLES));
  for (const spec of COMMANDS) addCommand(program, spec);
  return program;
}
