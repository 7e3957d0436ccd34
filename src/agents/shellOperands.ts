import path from 'node:path';

import type { Deferred } from './shellDeferred.js';
import type { Word } from './shellTokens.js';

/**
 * The vocabulary of the shell write reader's command table (shellCommands.ts, shellGit.ts): what a
 * command is read in, what it is found to write, the wrappers taken off before its name counts,
 * and its operands.
 */

export interface CommandContext {
  dir: string;
  /** What a here-document or here-string gives the command. */
  stdin?: string;
  /** Absolute path of a `< file` redirection. */
  inputFile?: string;
  /** Words of the commands before this one in its pipeline. */
  upstream: Word[][];
  /** The values of a word (undefined: only known at run time). */
  values(word: Word): string[] | undefined;
  isDirectory(abs: string): boolean;
  readFile(abs: string): string | undefined;
}

export interface Found {
  words: Word[];
  paths: string[];
  deferred: Deferred[];
  scripts: string[];
}

export const none = (): Found => ({ words: [], paths: [], deferred: [], scripts: [] });
export const literal = (text: string): Word => ({
  text,
  pattern: [...text].map((c) => `\\${c}`).join(''),
  opaque: false,
});

/** Stands for the file names a command reads at run time (xargs input, find's `{}`). */
export const FROM_INPUT = '\u0000input';

const VALUE_OPTS: Record<string, string[]> = {
  sudo: ['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U'],
  timeout: ['-s', '--signal', '-k', '--kill-after'],
  nice: ['-n', '--adjustment'],
  ionice: ['-c', '--class', '-n', '--classdata', '-p', '-P', '-u'],
  stdbuf: ['-i', '-o', '-e'],
  xargs: ['-a', '-d', '-E', '-e', '-I', '-i', '-L', '-l', '-n', '-P', '-s', '--delimiter'],
  env: ['-u', '--unset', '-C', '--chdir', '-S', '--split-string'],
  flock: ['-w', '--timeout', '-E', '--conflict-exit-code'],
  chronic: [],
  command: [],
  exec: ['-a'],
  nohup: [],
  time: ['-f', '--format', '-o', '--output'],
  builtin: [],
  doas: ['-u', '-C'],
  npx: ['-p', '--package', '-c'],
  bunx: [],
  caffeinate: [],
  unbuffer: [],
};

export interface Unwrapped {
  words: Word[];
  /** xargs: the input's items are appended (or replace this string). */
  xargs?: string;
}

/** The command's words without leading assignments and wrappers. */
export function unwrap(words: Word[]): Unwrapped {
  let rest = words;
  let xargs: string | undefined;
  for (;;) {
    const first = rest[0];
    if (!first) return { words: rest, ...(xargs ? { xargs } : {}) };
    const name = path.basename(first.text);
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(first.text)) {
      rest = rest.slice(1);
      continue;
    }
    const values = VALUE_OPTS[name];
    if (!values && !(name === 'pnpm' || name === 'yarn') && !(name === 'uv' || name === 'poetry'))
      return { words: rest, ...(xargs ? { xargs } : {}) };
    rest = rest.slice(1);
    if (name === 'pnpm' || name === 'yarn' || name === 'uv' || name === 'poetry') {
      // `pnpm exec prettier`, `yarn prettier`, `uv run python`: the tool after the subcommand.
      if (['exec', 'dlx', 'run'].includes(rest[0]?.text ?? '')) rest = rest.slice(1);
      continue;
    }
    if (name === 'xargs') xargs = FROM_INPUT;
    while (rest[0]) {
      const t = rest[0].text;
      if (name === 'env' && /^[A-Za-z_]\w*=/.test(t)) {
        rest = rest.slice(1);
        continue;
      }
      if (!t.startsWith('-') || t === '-' || t === '--') {
        if (t === '--') rest = rest.slice(1);
        break;
      }
      const [flag, inline] = t.split(/=(.*)/s, 2) as [string, string | undefined];
      if (name === 'xargs' && (flag === '-I' || flag.startsWith('-I') || flag === '-i'))
        xargs = inline ?? (flag.length > 2 ? flag.slice(2) : flag === '-i' ? '{}' : rest[1]?.text);
      rest = rest.slice(values!.includes(flag) && inline === undefined ? 2 : 1);
    }
    // timeout DURATION, flock FILE, nice/ionice done above.
    if ((name === 'timeout' || name === 'flock') && rest[0]) rest = rest.slice(1);
  }
}

/** Operands (non-option words); options with a value listed in `takesValue`. */
export function operands(
  args: Word[],
  takesValue: Set<string> = new Set(),
): { ops: Word[]; opts: Map<string, string> } {
  const ops: Word[] = [];
  const opts = new Map<string, string>();
  let onlyOperands = false;
  for (let k = 0; k < args.length; k++) {
    const word = args[k]!;
    if (onlyOperands || !word.text.startsWith('-') || word.text === '-') {
      ops.push(word);
      continue;
    }
    if (word.text === '--') {
      onlyOperands = true;
      continue;
    }
    const [name, inline] = word.text.split(/=(.*)/s, 2) as [string, string | undefined];
    if (takesValue.has(name) && inline === undefined) {
      opts.set(name, args[k + 1]?.text ?? '');
      k++;
    } else opts.set(name, inline ?? '');
  }
  return { ops, opts };
}
