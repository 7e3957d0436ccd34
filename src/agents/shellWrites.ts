import path from 'node:path';

/**
 * The files a shell command obviously writes, found cheaply (no shell is run, nothing is
 * expanded). Covered:
 * - redirections: `> f`, `>> f`, `>| f`, `&> f`, `2> f` (not `>&2`, not /dev/*);
 * - `tee [-a] f…`, `sed -i … f…`, `perl -i … f…`, `touch f…`, `truncate … f…`, `rm f…`,
 *   `mv a… dest` (sources and destination), `cp a… dest` (destination; `dest/<name>` for a
 *   directory), with `-t DIR` for mv/cp;
 * - behind `sudo`, `env`, `command`, `exec`, `nohup`, `time`, after `VAR=value` assignments, in
 *   every part of `;`, `&&`, `||`, `|`, `&` lists and subshells, after a literal `cd DIR`;
 * - here-documents (their body is skipped, not parsed as commands).
 *
 * Not covered (such commands pass unchecked): words with `$`, backticks, `$(…)` or globs (their
 * value is only known at run time); `cd` to such a word; interpreters and scripts (`python -c`,
 * `node -e`, `make`, `npm run`…); `git checkout/restore/apply/stash/mv/rm`, `patch`, `dd of=`,
 * `install`, `ln`, `rsync`, `tar -x`, `find -exec/-delete`, `xargs`, editors; `eval`, `bash -c`
 * strings (their inner command is not parsed); Windows `cmd` syntax.
 */

export interface ShellWrites {
  /** Absolute paths the command writes (resolved against the cwd and any literal `cd`). */
  paths: string[];
  /** Some words could not be resolved (variables, globs…): writes may have been missed. */
  partial: boolean;
}

interface Word {
  text: string;
  /** Contains `$`, a backtick, `$(…)` or an unquoted glob: its value is unknown. */
  dynamic: boolean;
}

interface Redirect {
  op: string;
  target?: Word;
}

interface Simple {
  words: Word[];
  redirects: Redirect[];
  /** A subshell opens `(` or closes `)` here: a `cd` inside does not outlive it. */
  scope?: 'open' | 'close';
}

const OPERATORS = ['&&', '||', ';;', ';', '|&', '|', '&', '\n', '(', ')'];
const REDIRECT = /^(\d*|&)(>>|>\||>&|>|<<<|<<-|<<|<>|<&|<)/;

/** Splits a command line into simple commands with their words and redirections. */
function tokenize(source: string): { commands: Simple[]; partial: boolean } {
  const commands: Simple[] = [];
  let current: Simple = { words: [], redirects: [] };
  let partial = false;
  const heredocs: { delim: string; strip: boolean }[] = [];
  let pendingRedirect: Redirect | undefined;
  let i = 0;

  const finish = () => {
    if (current.words.length || current.redirects.length) commands.push(current);
    current = { words: [], redirects: [] };
  };

  const readWord = (): Word | undefined => {
    let text = '';
    let dynamic = false;
    let any = false;
    while (i < source.length) {
      const ch = source[i]!;
      if (/[\s;&|()<>]/.test(ch)) break;
      any = true;
      if (ch === "'") {
        const end = source.indexOf("'", i + 1);
        const stop = end < 0 ? source.length : end;
        text += source.slice(i + 1, stop);
        i = stop + 1;
      } else if (ch === '"') {
        i++;
        while (i < source.length && source[i] !== '"') {
          if (source[i] === '\\' && i + 1 < source.length) {
            text += source[i + 1];
            i += 2;
            continue;
          }
          if (source[i] === '$' || source[i] === '`') dynamic = true;
          text += source[i];
          i++;
        }
        i++;
      } else if (ch === '\\') {
        if (source[i + 1] === '\n') i += 2;
        else {
          text += source[i + 1] ?? '';
          i += 2;
        }
      } else if (ch === '$' || ch === '`') {
        dynamic = true;
        if (source.startsWith('$(', i)) {
          // Skip a command substitution, nested parentheses included.
          let depth = 0;
          for (; i < source.length; i++) {
            if (source[i] === '(') depth++;
            else if (source[i] === ')' && --depth === 0) break;
          }
          i++;
        } else if (ch === '`') {
          const end = source.indexOf('`', i + 1);
          i = end < 0 ? source.length : end + 1;
        } else {
          text += ch;
          i++;
        }
      } else {
        if ('*?['.includes(ch) || (ch === '~' && !text)) dynamic = true;
        text += ch;
        i++;
      }
    }
    return any ? { text, dynamic } : undefined;
  };

  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\n' && heredocs.length) {
      // Here-document bodies follow the line that opened them: skip them.
      i++;
      for (const doc of heredocs.splice(0)) {
        for (;;) {
          if (i >= source.length) break;
          const eol = source.indexOf('\n', i);
          const line = source.slice(i, eol < 0 ? source.length : eol);
          i = eol < 0 ? source.length : eol + 1;
          if ((doc.strip ? line.replace(/^\t+/, '') : line) === doc.delim) break;
        }
      }
      finish();
      continue;
    }
    if (ch === ' ' || ch === '\t') {
      i++;
      continue;
    }
    if (ch === '#' && (i === 0 || /\s/.test(source[i - 1]!))) {
      const eol = source.indexOf('\n', i);
      i = eol < 0 ? source.length : eol;
      continue;
    }
    const redirect = REDIRECT.exec(source.slice(i));
    if (redirect) {
      i += redirect[0].length;
      const op = redirect[2]!;
      while (source[i] === ' ' || source[i] === '\t') i++;
      const target = readWord();
      if (op === '<<' || op === '<<-') {
        if (target) heredocs.push({ delim: target.text, strip: op === '<<-' });
        continue;
      }
      pendingRedirect = { op: redirect[1] === '&' ? `&${op}` : op, ...(target ? { target } : {}) };
      current.redirects.push(pendingRedirect);
      continue;
    }
    const operator = OPERATORS.find((op) => source.startsWith(op, i));
    if (operator) {
      i += operator.length;
      finish();
      if (operator === '(' || operator === ')')
        commands.push({ words: [], redirects: [], scope: operator === '(' ? 'open' : 'close' });
      continue;
    }
    const word = readWord();
    if (word) current.words.push(word);
    else i++;
  }
  finish();
  for (const command of commands) if (command.words.some((w) => w.dynamic)) partial = true;
  return { commands, partial };
}

const WRAPPERS = new Set(['sudo', 'command', 'exec', 'nohup', 'time', 'builtin']);

/** The command's words without leading assignments and wrappers (sudo, env, nohup…). */
function unwrap(words: Word[]): Word[] {
  let rest = words;
  for (;;) {
    const first = rest[0];
    if (!first) return rest;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(first.text)) rest = rest.slice(1);
    else if (first.text === 'env') {
      rest = rest.slice(1);
      while (rest[0] && (rest[0].text.startsWith('-') || rest[0].text.includes('=')))
        rest = rest.slice(1);
    } else if (WRAPPERS.has(first.text)) {
      rest = rest.slice(1);
      while (rest[0]?.text.startsWith('-')) rest = rest.slice(1);
    } else return rest;
  }
}

/** Operands (non-option words) after `--` handling; options with a value listed in `takesValue`. */
function operands(
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

/** The files an in-place editor (sed -i, perl -i) changes: operands after the script. */
function inPlaceTargets(args: Word[], scriptFlags: RegExp): Word[] | undefined {
  let inPlace = false;
  let scriptGiven = false;
  const files: Word[] = [];
  for (let k = 0; k < args.length; k++) {
    const t = args[k]!.text;
    if (t === '--in-place' || t.startsWith('--in-place=')) inPlace = true;
    else if (/^-[a-zA-Z]*i/.test(t) && !t.startsWith('--')) {
      inPlace = true;
      if (scriptFlags.test(t)) {
        scriptGiven = true;
        k++;
      }
    } else if (t === '--expression' || t === '--file') {
      scriptGiven = true;
      k++;
    } else if (t.startsWith('--expression=') || t.startsWith('--file=')) scriptGiven = true;
    else if (/^-[a-zA-Z]+$/.test(t)) {
      if (scriptFlags.test(t)) {
        scriptGiven = true;
        k++;
      }
    } else if (t.startsWith('-')) continue;
    else if (!scriptGiven) scriptGiven = true;
    else files.push(args[k]!);
  }
  return inPlace ? files : undefined;
}

/** The words a simple command writes to. `isDir` tells whether a path is an existing directory. */
function commandTargets(words: Word[], isDir: (w: Word) => boolean): Word[] {
  const [head, ...args] = unwrap(words);
  if (!head) return [];
  const name = path.basename(head.text);
  switch (name) {
    case 'tee':
    case 'touch':
    case 'rm':
      return operands(args).ops;
    case 'truncate':
      return operands(args, new Set(['-s', '--size', '-r', '--reference'])).ops;
    case 'sed':
      return inPlaceTargets(args, /[ef]$/) ?? [];
    case 'perl':
      return inPlaceTargets(args, /[eE]$/) ?? [];
    case 'mv':
    case 'cp': {
      const { ops, opts } = operands(args, new Set(['-t', '--target-directory', '-S', '--suffix']));
      const targetDir = opts.get('-t') ?? opts.get('--target-directory');
      const into = (dir: Word, srcs: Word[]) =>
        srcs.map((s) => ({
          // Not path.join: a `..` in the directory is the kernel's to resolve (see shellWrites).
          text: `${dir.text.replace(/\/+$/, '')}/${path.basename(s.text)}`,
          dynamic: dir.dynamic || s.dynamic,
        }));
      if (targetDir !== undefined) {
        const dir = { text: targetDir, dynamic: /[$`*?[]/.test(targetDir) };
        return name === 'mv' ? [...ops, ...into(dir, ops)] : into(dir, ops);
      }
      if (ops.length < 2) return [];
      const dest = ops[ops.length - 1]!;
      const sources = ops.slice(0, -1);
      const written = isDir(dest) ? into(dest, sources) : [dest];
      return name === 'mv' ? [...sources, ...written] : written;
    }
    default:
      return [];
  }
}

function isDevice(p: string): boolean {
  return p === '/dev/null' || p.startsWith('/dev/');
}

/**
 * The files `command` obviously writes, resolved against `cwd`. `isDirectory` is asked about
 * absolute paths (for `cp a dir/`).
 */
export function shellWrites(
  command: string,
  cwd: string,
  isDirectory: (abs: string) => boolean,
): ShellWrites {
  const { commands, partial: tokenPartial } = tokenize(command);
  let partial = tokenPartial;
  let dir = cwd;
  let dirKnown = true;
  const found = new Set<string>();
  // `cd` is logical, as in bash; a file operand with a `..` is left for normalizeLockPath to
  // resolve as the kernel will (path.resolve would fold `link/../x` into `x`).
  const resolve = (w: Word) => path.resolve(dir, w.text);
  const operand = (w: Word) =>
    !w.text.split('/').includes('..')
      ? resolve(w)
      : path.isAbsolute(w.text)
        ? w.text
        : `${dir}${path.sep}${w.text}`;
  const add = (w: Word | undefined) => {
    if (!w) return;
    if (w.dynamic || !w.text || (!dirKnown && !path.isAbsolute(w.text))) {
      partial = true;
      return;
    }
    const abs = operand(w);
    if (!isDevice(abs)) found.add(abs);
  };
  const scopes: { dir: string; dirKnown: boolean }[] = [];
  for (const simple of commands) {
    if (simple.scope === 'open') {
      scopes.push({ dir, dirKnown });
      continue;
    }
    if (simple.scope === 'close') {
      ({ dir, dirKnown } = scopes.pop() ?? { dir, dirKnown });
      continue;
    }
    const words = unwrap(simple.words);
    if (words[0]?.text === 'cd') {
      const target = words[1];
      if (!target || target.dynamic || target.text === '-') dirKnown = false;
      else dir = resolve(target);
    }
    for (const r of simple.redirects) {
      // `>&2`, `2>&1`: a descriptor, not a file; `<…`: input.
      if (r.op === '>&' || r.op === '&>&' || r.op.startsWith('<') || r.op.startsWith('&<'))
        continue;
      add(r.target);
    }
    for (const w of commandTargets(simple.words, (d) => !d.dynamic && isDirectory(resolve(d))))
      add(w);
  }
  return { paths: [...found], partial };
}
