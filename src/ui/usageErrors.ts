import type { Command } from 'commander';

import { newcomerMessages } from './messages/newcomer.js';

/**
 * Commander's usage errors ("error: unknown option '--tll'\n(Did you mean --ttl?)") reworded the
 * way every other qlock error reads: `qlock: <what happened>` on one line, then the next step,
 * which is commander's suggestion when it has one, else where to read the command's usage.
 */

/** Global options that take a value: their value is not the command name. */
const GLOBALS_WITH_VALUE = new Set(['-C', '--session']);

/** The subcommand named on the command line (a name or an alias), if any. */
export function commandFromArgv(program: Command, argv: string[]): Command | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return undefined;
    if (GLOBALS_WITH_VALUE.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith('-')) continue;
    return program.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
  }
  return undefined;
}

/** The first positional word (a command name, known or not). */
export function firstWord(argv: string[]): { word: string; index: number } | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (GLOBALS_WITH_VALUE.has(arg)) {
      i++;
      continue;
    }
    if (!arg.startsWith('-')) return { word: arg, index: i };
  }
  return undefined;
}

/** The reworded message (no "qlock: " prefix, no trailing newline). */
export function usageMessage(commanderText: string, program: Command, argv: string[]): string {
  const lines = commanderText
    .trim()
    .replace(/^error: /, '')
    .split('\n')
    .filter(Boolean);
  const what = lines[0] ?? 'invalid usage';
  const suggestion = lines.slice(1).join(' ') || choiceSuggestion(what) || versionSuggestion(what);
  if (suggestion) return `${what}\n${suggestion}`;
  // "Allowed choices are …" already says what to type.
  if (/Allowed choices are/.test(what)) return what;
  const cmd = commandFromArgv(program, argv);
  const next = cmd
    ? newcomerMessages.seeCommandHelp(cmd.name())
    : newcomerMessages.seeProgramHelp();
  return `${what}\n${next}`;
}

/** `qlock version`, `qlock -v`: what other CLIs accept, and what the user meant. */
function versionSuggestion(what: string): string {
  return /^unknown (?:command 'version'|option '-v')$/.test(what)
    ? '(Did you mean --version?)'
    : '';
}

/** Edit distance with transpositions (what commander uses for its own suggestions). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * Commander suggests the nearest command and option but not the nearest choice of an argument
 * (`qlock agent install clade`); this does, for a near miss (less than 40 % of it edited).
 */
function choiceSuggestion(what: string): string {
  const match = /value '([^']*)' is invalid .*Allowed choices are (.+)\.$/.exec(what);
  if (!match) return '';
  const best = nearest(match[1]!, match[2]!.split(', '));
  return best ? `(Did you mean ${best}?)` : '';
}

/** The choice nearest to what was typed, when it is a near miss; else undefined. */
export function nearest(typed: string, choices: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const choice of choices) {
    const dist = distance(typed, choice);
    if (dist < bestDistance && (choice.length - dist) / choice.length > 0.6) {
      best = choice;
      bestDistance = dist;
    }
  }
  return best;
}
