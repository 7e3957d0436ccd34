/**
 * Splits a shell command line into simple commands, their words and redirections, without
 * running anything. A word keeps two forms: `text` after quote removal, and `pattern`, the same
 * with every quoted character backslash-escaped, which is what variable, brace and glob expansion
 * work on (shellExpand.ts): `'src/*.ts'` is a literal, `src/*.ts` a glob.
 *
 * Understood: '…', "…", $'…' (ANSI-C), $"…", backslashes, `$(…)` and backticks (opaque),
 * comments, here-documents (their body becomes the command's stdin) and here-strings, the
 * operators of lists, pipelines and subshells, and redirections (`>`, `>>`, `>|`, `&>`, `&>>`,
 * `>&`, `N>`, `<>`, `<`, `<<`, `<<-`, `<<<`).
 */

export interface Word {
  /** The word after quote removal (`$NAME` references left in). */
  text: string;
  /** The word with every quoted character escaped by a backslash (see above). */
  pattern: string;
  /** Contains `$(…)` or backticks: its value is only known at run time. */
  opaque: boolean;
}

export interface Redirect {
  op: string;
  target?: Word;
}

export interface Simple {
  words: Word[];
  redirects: Redirect[];
  /** A subshell opens `(` or closes `)` here: a `cd` inside does not outlive it. */
  scope?: 'open' | 'close';
  /** What a here-document or here-string gives the command on stdin. */
  stdin?: string;
  /** The command reads the previous command's output (`a | b`). */
  piped?: boolean;
}

const OPERATORS = ['&&', '||', ';;', ';', '|&', '|', '&', '\n', '(', ')'];
const REDIRECT = /^(\d*|&)(>>|>\||>&|>|<<<|<<-|<<|<>|<&|<)/;
const ANSI: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  v: '\v',
};

const escape = (ch: string) => `\\${ch}`;

export function tokenize(source: string): Simple[] {
  const commands: Simple[] = [];
  let current: Simple = { words: [], redirects: [] };
  const heredocs: { delim: string; strip: boolean; owner: Simple }[] = [];
  let i = 0;

  const finish = (piped = false) => {
    if (current.words.length || current.redirects.length || current.stdin !== undefined)
      commands.push(current);
    current = { words: [], redirects: [], ...(piped ? { piped: true } : {}) };
  };

  const readWord = (): Word | undefined => {
    let text = '';
    let pattern = '';
    let opaque = false;
    let any = false;
    const lit = (s: string) => {
      text += s;
      pattern += [...s].map(escape).join('');
    };
    while (i < source.length) {
      const ch = source[i]!;
      if (/[\s;&|()<>]/.test(ch)) break;
      any = true;
      if (ch === "'") {
        const end = source.indexOf("'", i + 1);
        const stop = end < 0 ? source.length : end;
        lit(source.slice(i + 1, stop));
        i = stop + 1;
      } else if (ch === '$' && source[i + 1] === "'") {
        i += 2;
        while (i < source.length && source[i] !== "'") {
          if (source[i] === '\\' && i + 1 < source.length) {
            const next = source[i + 1]!;
            const hex = /^x([0-9a-fA-F]{1,2})/.exec(source.slice(i + 1));
            const oct = /^([0-7]{1,3})/.exec(source.slice(i + 1));
            if (hex) {
              lit(String.fromCharCode(parseInt(hex[1]!, 16)));
              i += 1 + hex[0].length;
            } else if (oct) {
              lit(String.fromCharCode(parseInt(oct[1]!, 8)));
              i += 1 + oct[0].length;
            } else {
              lit(ANSI[next] ?? next);
              i += 2;
            }
            continue;
          }
          lit(source[i]!);
          i++;
        }
        i++;
      } else if (ch === '"' || (ch === '$' && source[i + 1] === '"')) {
        i += ch === '$' ? 2 : 1;
        while (i < source.length && source[i] !== '"') {
          const c = source[i]!;
          if (c === '\\' && i + 1 < source.length) {
            const next = source[i + 1]!;
            if ('$`"\\\n'.includes(next)) {
              if (next !== '\n') lit(next);
            } else lit(`\\${next}`);
            i += 2;
            continue;
          }
          if (c === '`' || source.startsWith('$(', i)) {
            opaque = true;
            i = skipSubstitution(source, i);
            continue;
          }
          if (c === '$') {
            // A variable reference stays live inside double quotes: `"$f"`, `"${f}"`.
            const ref = /^\$(?:\{[A-Za-z_]\w*\}|[A-Za-z_]\w*)?/.exec(source.slice(i))![0];
            text += ref;
            pattern += ref;
            i += ref.length;
            continue;
          }
          lit(c);
          i++;
        }
        i++;
      } else if (ch === '\\') {
        if (source[i + 1] === '\n') i += 2;
        else {
          lit(source[i + 1] ?? '');
          i += 2;
        }
      } else if (ch === '`' || source.startsWith('$(', i)) {
        opaque = true;
        i = skipSubstitution(source, i);
      } else {
        text += ch;
        pattern += ch;
        i++;
      }
    }
    return any ? { text, pattern, opaque } : undefined;
  };

  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\n' && heredocs.length) {
      // Here-document bodies follow the line that opened them.
      i++;
      for (const doc of heredocs.splice(0)) {
        const body: string[] = [];
        while (i < source.length) {
          const eol = source.indexOf('\n', i);
          const line = source.slice(i, eol < 0 ? source.length : eol);
          i = eol < 0 ? source.length : eol + 1;
          const plain = doc.strip ? line.replace(/^\t+/, '') : line;
          if (plain === doc.delim) break;
          body.push(plain);
        }
        doc.owner.stdin = body.length ? `${body.join('\n')}\n` : '';
      }
      finish();
      continue;
    }
    if (ch === ' ' || ch === '\t') {
      i++;
      continue;
    }
    if (ch === '#' && (i === 0 || /[\s;&|()]/.test(source[i - 1]!))) {
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
        if (target) heredocs.push({ delim: target.text, strip: op === '<<-', owner: current });
        continue;
      }
      if (op === '<<<') {
        current.stdin = `${target?.text ?? ''}\n`;
        continue;
      }
      current.redirects.push({
        op: redirect[1] === '&' ? `&${op}` : op,
        ...(target ? { target } : {}),
      });
      continue;
    }
    const operator = OPERATORS.find((op) => source.startsWith(op, i));
    if (operator) {
      i += operator.length;
      finish(operator === '|' || operator === '|&');
      if (operator === '(' || operator === ')')
        commands.push({ words: [], redirects: [], scope: operator === '(' ? 'open' : 'close' });
      continue;
    }
    const word = readWord();
    if (word) current.words.push(word);
    else i++;
  }
  finish();
  return commands;
}

/** The index just after a `$(…)` (nested parentheses included) or a backtick string at `i`. */
function skipSubstitution(source: string, i: number): number {
  if (source[i] === '`') {
    const end = source.indexOf('`', i + 1);
    return end < 0 ? source.length : end + 1;
  }
  let depth = 0;
  for (; i < source.length; i++) {
    if (source[i] === '(') depth++;
    else if (source[i] === ')' && --depth === 0) break;
  }
  return i + 1;
}
