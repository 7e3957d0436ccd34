import type { Word } from './shellTokens.js';

/**
 * Inline interpreter scripts (`python3 -c`, `python3 - <<'PY'`, `node -e`, `ruby -e`, `perl -e`,
 * `php -r`, `deno eval`, `bun -e`): a script that calls a file-writing API may write any file it
 * names, so its string literals are returned as the candidates (the hook keeps only locked ones).
 * A script that only reads (`open(p).read()`, `fs.readFileSync`) names files but writes none.
 * A script file (`python3 tool.py`) is opaque: not read here (the pre-commit hook still sees its
 * writes).
 */

const WRITES: Record<string, RegExp> = {
  python:
    /\.write_(?:text|bytes)\s*\(|\bopen\s*\([^)]*,\s*(?:mode\s*=\s*)?[rbtU]*['"][^'"]*[wax+]|\.open\s*\(\s*['"][^'"]*[wax+]|\.(?:unlink|rename|replace|touch|rmdir|truncate)\s*\(|\bos\.(?:remove|unlink|rename|replace|truncate)\b|\bshutil\.|(?<!std(?:out|err))\.write\s*\(|\bfileinput\b[^\n]*inplace/,
  node: /\b(?:writeFile|appendFile|createWriteStream|unlink|rm|rename|copyFile|truncate|cp|outputFile|writeJson|open)(?:Sync)?\s*\(|Bun\.write|Deno\.(?:write|remove|rename|truncate)/,
  ruby: /\bFile\.(?:write|open|delete|rename|truncate)|\bFileUtils\.|\bIO\.write|\.write\s*\(/,
  perl: /\bopen\s*\(?[^;]*['"][+]?[>]|\bunlink\b|\brename\b|\btruncate\b/,
  php: /\bfile_put_contents\b|\bfopen\s*\([^)]*['"][wax+c]|\bunlink\b|\brename\b|\bcopy\s*\(/,
};

/** The interpreter family of a command name, if it runs inline scripts. */
export function interpreterOf(name: string): string | undefined {
  if (/^python(?:\d+(?:\.\d+)?)?$|^pypy3?$/.test(name)) return 'python';
  if (name === 'node' || name === 'nodejs' || name === 'bun' || name === 'deno') return 'node';
  if (name === 'ruby') return 'ruby';
  if (name === 'perl') return 'perl';
  if (name === 'php') return 'php';
  return undefined;
}

const EVAL_FLAGS: Record<string, string[]> = {
  python: ['-c'],
  node: ['-e', '--eval', '-p', '--print'],
  ruby: ['-e'],
  perl: ['-e', '-E'],
  php: ['-r'],
};

/** The inline script a command runs (its -c/-e argument, or stdin with `-`/no operand). */
export function inlineScript(
  family: string,
  name: string,
  args: Word[],
  stdin: string | undefined,
): string | undefined {
  const flags = EVAL_FLAGS[family] ?? [];
  const parts: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const t = args[k]!.text;
    if (name === 'deno' && t === 'eval') return args[k + 1]?.text;
    // Combined short flags: `python3 -Bc '…'`, `perl -ne '…'`.
    const short = /^-[A-Za-z]+$/.test(t) && flags.some((f) => f.length === 2 && t.endsWith(f[1]!));
    if (flags.includes(t) || short) {
      if (args[k + 1]) parts.push(args[k + 1]!.text);
      k++;
      continue;
    }
    if (t === '-m') return undefined; // a module: opaque
    if (t === '-' || t.startsWith('-')) continue;
    return parts.length ? parts.join('\n') : undefined; // a script file: opaque
  }
  return parts.length ? parts.join('\n') : stdin;
}

/** The string literals of a script that calls a writing API; undefined when it writes nothing. */
export function scriptWrites(family: string, script: string): string[] | undefined {
  if (!WRITES[family]?.test(script)) return undefined;
  const names = new Set<string>();
  for (const m of script.matchAll(/(['"`])((?:\\.|(?!\1)[^\\\n])*)\1/g)) {
    const text = m[2]!;
    if (text && text.length < 512 && !/\s/.test(text)) names.add(text);
  }
  return [...names];
}
