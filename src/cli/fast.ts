import { findCommand, GLOBAL_OPTIONS } from './commandTable.js';
import { execute } from './execute.js';
import { parseLight } from './lightParser.js';
import { directStreams } from './report.js';

/**
 * The light way in for the hot commands (those with `hot` in src/cli/commandTable.ts): the light
 * parser instead of commander, then the same execute() as commander's actions. Undefined means
 * "not mine" (not a hot command, help, anything the light parser does not take): the caller hands
 * the line to commander (src/cli.ts), which answers as usual. bin/qlock.js runs this from the
 * command's bundle (scripts/bundle.mjs); src/bin.ts from dist/ when there is no fresh bundle.
 */
export async function runFast(argv: readonly string[]): Promise<number | undefined> {
  const [name, ...rest] = argv;
  const spec = findCommand(name);
  if (!spec?.hot || argv.includes('--help') || argv.includes('-h')) return undefined;
  const parsed = parseLight(spec, rest, GLOBAL_OPTIONS);
  if (!parsed) return undefined;
  // Node's streams are not even created: direct descriptor writes (src/ui/stdio.ts).
  return execute(spec, parsed.input, parsed.globals, directStreams);
}
