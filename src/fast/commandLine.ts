import fs from 'node:fs';
import { parseArgs } from 'node:util';

import { type Context, currentDir, defaultContext, resolveDir } from '../context.js';
import { disableColor } from '../ui/color.js';
import { enableDebug } from '../ui/debug.js';
import { directOutput } from '../ui/stdio.js';

/**
 * What the fast paths of ordinary commands (lock, unlock, status) share: strict parsing of the
 * global options and the context. Output and errors go through src/cli/report.ts, as the full
 * CLI's do. Anything unusual makes
 * the parser answer undefined, and the full CLI (commander) handles the call as usual.
 */

export const GLOBAL_OPTIONS = {
  json: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  debug: { type: 'boolean' },
  C: { type: 'string', short: 'C' },
  session: { type: 'string' },
} as const;

type OptionTable = Record<string, { type: 'boolean' | 'string'; short?: string }>;

export type Parsed = {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
};

/** parseArgs, but undefined unless every option is spelled as commander spells it. */
export function parseStrict(args: string[], options: OptionTable): Parsed | undefined {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true, tokens: true });
  } catch {
    return undefined;
  }
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    // parseArgs also accepts `--C`, and boolean options given a value; commander does not.
    const spec = options[token.name]!;
    const spelled = [`--${token.name}`, ...(spec.short ? [`-${spec.short}`] : [])];
    if (token.name === 'C' ? token.rawName !== '-C' : !spelled.includes(token.rawName))
      return undefined;
    if (spec.type === 'boolean' && token.value !== undefined) return undefined;
  }
  // A -C that is not a directory is a usage error, which the full CLI words.
  if (typeof parsed.values.C === 'string' && !isDirectory(parsed.values.C)) return undefined;
  return parsed as Parsed;
}

export function contextFrom(values: Parsed['values']): Context {
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

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
