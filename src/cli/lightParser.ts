import { parseArgs } from 'node:util';

import type { CommandInput, CommandSpec, OptionSpec } from './commandTable.js';
import type { GlobalOptions } from './execute.js';

/**
 * The light parser: a hot command's line parsed from the same table commander is built from
 * (src/cli/commandTable.ts), with node's parseArgs, without loading commander (its load alone is
 * over a hot command's budget: bench/RESULTS.md). It takes only what it can read exactly as
 * commander would and answers undefined for anything else (help, a typo, a missing or extra
 * argument, a value outside its choices, `--`), so commander parses and reports those.
 */

interface Flag {
  /** commander's attribute name: `keepWorktree` for --keep-worktree, `color` for --no-color. */
  readonly key: string;
  /** parseArgs' option name: the long name, else the short letter. */
  readonly name: string;
  readonly short?: string;
  readonly spelled: readonly string[];
  readonly takesValue: boolean;
  readonly negate: boolean;
  readonly choices?: readonly string[];
  readonly plain: boolean;
}

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** '-v, --verbose', '--reason <text>', '--no-color', '-C <dir>' → what parseArgs needs. */
export function readFlags(spec: OptionSpec): Flag {
  const words = spec.flags.split(/[ ,|]+/).filter(Boolean);
  const long = words.find((w) => w.startsWith('--'))?.slice(2);
  const short = words.find((w) => /^-[^-]$/.test(w))?.slice(1);
  const value = words.find((w) => w.startsWith('<') || w.startsWith('['));
  const negate = long?.startsWith('no-') ?? false;
  const name = long ?? short!;
  return {
    key: camel(negate ? name.slice(3) : name),
    name,
    ...(short ? { short } : {}),
    spelled: [...(long ? [`--${long}`] : []), ...(short ? [`-${short}`] : [])],
    takesValue: value !== undefined,
    negate,
    ...(spec.choices ? { choices: spec.choices } : {}),
    // Optional values, variadic values, repeatable options and conflicts: commander's alone.
    plain:
      !spec.repeatable &&
      !spec.conflicts &&
      (value === undefined || (value.startsWith('<') && !value.includes('...'))),
  };
}

export interface LightParse {
  readonly input: CommandInput;
  readonly globals: GlobalOptions;
}

export function parseLight(
  spec: CommandSpec,
  argv: readonly string[],
  globalOptions: readonly OptionSpec[],
): LightParse | undefined {
  if (spec.passThrough) {
    // git's arguments, untouched; a word that looks like an option is commander's (its help).
    const [name, ...rest] = argv;
    if (!name || name.startsWith('-')) return undefined;
    return { input: { args: [name, rest], opts: {} }, globals: {} };
  }
  const own = (spec.options ?? []).map(readFlags);
  const global = globalOptions.map(readFlags);
  const flags = [...own, ...global];
  if (flags.some((f) => !f.plain)) return undefined;
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(
        flags.map((f) => [
          f.name,
          { type: f.takesValue ? 'string' : 'boolean', ...(f.short ? { short: f.short } : {}) },
        ]),
      ),
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
  } catch {
    return undefined;
  }
  const values = (list: readonly Flag[]) => {
    const out: Record<string, unknown> = {};
    // commander's default for a lone --no-x option is x: true.
    for (const f of list) if (f.negate) out[f.key] = true;
    return out;
  };
  const opts = values(own);
  const globals = values(global) as Record<string, unknown>;
  for (const token of parsed.tokens) {
    if (token.kind === 'option-terminator') return undefined;
    if (token.kind !== 'option') continue;
    const flag = flags.find((f) => f.name === token.name)!;
    // parseArgs also takes `--C` for -C, and a value given to a boolean: commander does not.
    if (!flag.spelled.includes(token.rawName)) return undefined;
    if (!flag.takesValue && token.value !== undefined) return undefined;
    if (flag.choices && !flag.choices.includes(token.value!)) return undefined;
    const value = flag.negate ? false : flag.takesValue ? token.value : true;
    (own.includes(flag) ? opts : globals)[flag.key] = value;
  }
  const args = positionals(spec, parsed.positionals);
  if (!args) return undefined;
  return { input: { args, opts }, globals: globals as GlobalOptions };
}

/** The positionals laid out as commander hands them to an action; undefined if it would refuse. */
function positionals(spec: CommandSpec, words: readonly string[]): unknown[] | undefined {
  const args: unknown[] = [];
  let i = 0;
  for (const arg of spec.arguments ?? []) {
    const required = arg.name.startsWith('<');
    const variadic = arg.name.includes('...');
    const taken = variadic ? words.slice(i) : words.slice(i, i + 1);
    if (required && !taken.length) return undefined;
    if (arg.choices && taken.some((w) => !arg.choices!.includes(w))) return undefined;
    args.push(variadic ? taken : taken[0]);
    i += taken.length;
  }
  return i === words.length ? args : undefined;
}
