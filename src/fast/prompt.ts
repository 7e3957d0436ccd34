import { parseArgs } from 'node:util';

import { currentDir, resolveDir } from '../context.js';
import { promptInfo } from '../inbox/promptInfo.js';
import { writeStdout } from '../ui/stdio.js';

/**
 * `qlock prompt` without commander: a shell prompt runs it before every command line. Handles
 * `prompt [--json] [--session NAME] [-C DIR] [--no-color]`; anything else (help, a typo) returns
 * undefined and the full CLI answers.
 */
const OPTIONS = {
  json: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  C: { type: 'string', short: 'C' },
  session: { type: 'string' },
} as const;

export async function runFast(argv: string[]): Promise<number | undefined> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
  } catch {
    return undefined;
  }
  if (parsed.positionals.length !== 1 || parsed.positionals[0] !== 'prompt') return undefined;
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    const expected = token.name === 'C' ? '-C' : `--${token.name}`;
    if (token.rawName !== expected) return undefined;
    if (OPTIONS[token.name as keyof typeof OPTIONS].type === 'boolean' && token.value !== undefined)
      return undefined;
  }
  const { values } = parsed;
  let cwd: string;
  try {
    cwd = values.C ? resolveDir(values.C) : currentDir();
  } catch {
    return 0; // a shell prompt in a deleted directory: no segment, and no error at every prompt
  }
  const result = promptInfo(cwd, process.env, values.session);
  if (values.json) writeStdout(JSON.stringify(result, null, 2) + '\n');
  else if (result.text) writeStdout(result.text + '\n');
  return 0;
}
