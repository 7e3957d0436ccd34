import fs from 'node:fs';
import path from 'node:path';

import { commandWrites, unwrap } from './shellCommands.js';
import type { Deferred } from './shellDeferred.js';
import { expandWord } from './shellExpand.js';
import { type Simple, tokenize, type Word } from './shellTokens.js';

/**
 * The files a shell command may write, found without running it (the rule: a command that may
 * write a locked file is refused; one that only reads passes). Read from the command's text:
 *
 * - redirections: `> f`, `>> f`, `>| f`, `&> f`, `>& f`, `N> f`, `<> f` (not `>&2`, not /dev/*);
 * - writers by name (shellCommands.ts): tee, touch, rm, truncate, sed -i, perl -i / -0pi, mv, cp,
 *   install, ln, rsync, dd of=, sort -o, patch, formatters with their write flag (prettier
 *   --write, eslint --fix, black, gofmt -w…), Codex's `apply_patch` (argument or here-document),
 *   git checkout/restore/switch/apply/stash/reset/mv/rm (shellGit.ts), `find … -exec`/`-delete`,
 *   `… | xargs CMD`, inline interpreter scripts that call a writing API (shellScripts.ts);
 * - behind wrappers (sudo, env VAR=x, command, exec, nohup, time, timeout, nice, ionice, stdbuf,
 *   flock, npx, pnpm/yarn exec…), after `VAR=value`, in every part of `;`, `&&`, `||`, `|`, `&`
 *   lists, subshells, `if`/`while`/`for` bodies, and inside `bash -c '…'`, `sh -c`, `eval`, and
 *   a here-document fed to a shell;
 * - words are expanded as bash would where the command line says how: `$'…'`, `~`, variables it
 *   set (`f=…`, `for f in src/*.ts`), brace lists, globs (against the disk); `cd`, `cd -P`,
 *   `pushd`/`popd` move the directory relative paths resolve against.
 *
 * Not seen (such commands pass; the pre-commit hook still blocks committing a locked file): words
 * only known at run time (`$(…)`, variables from outside), `cd` to such a word, script files and
 * build tools (`python3 tool.py`, `make`, `npm run`), editors, `git merge/rebase/pull/
 * cherry-pick/clean`, archives (`tar -x`, `unzip`), Windows `cmd` syntax.
 */

export interface ShellWrites {
  /** Absolute paths the command writes. */
  paths: string[];
  /** Of `paths`, those the command names relative to the directory it runs in. */
  relative: string[];
  /** Writes whose files are only known against the locks, at hook time (shellDeferred.ts). */
  deferred: Deferred[];
  /** Some words could not be resolved (variables, `$(…)`…): writes may have been missed. */
  partial: boolean;
}

export interface ShellOptions {
  isDirectory?: (abs: string) => boolean;
  readFile?: (abs: string) => string | undefined;
  home?: string;
}

const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', '}']);
const CLOSERS = new Set(['done', 'fi', 'esac']);

function isDevice(p: string): boolean {
  return p === '/dev/null' || p.startsWith('/dev/');
}

function readFileSafe(abs: string): string | undefined {
  try {
    const stat = fs.statSync(abs);
    return stat.isFile() && stat.size < 4 * 1024 * 1024 ? fs.readFileSync(abs, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

function isDirectorySafe(abs: string): boolean {
  try {
    return fs.statSync(abs).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The files `command` may write, resolved against `cwd`. `isDirectory` (or `options`) answers
 * questions about the disk.
 */
export function shellWrites(
  command: string,
  cwd: string,
  options: ShellOptions | ((abs: string) => boolean) = {},
): ShellWrites {
  const opts: ShellOptions = typeof options === 'function' ? { isDirectory: options } : options;
  const isDirectory = opts.isDirectory ?? isDirectorySafe;
  const readFile = opts.readFile ?? readFileSafe;
  const out: ShellWrites = { paths: [], relative: [], deferred: [], partial: false };
  const vars = new Map<string, string[]>();
  read(command, cwd, 0);
  out.paths = [...new Set(out.paths)];
  out.relative = [...new Set(out.relative)];
  return out;

  function read(source: string, startDir: string, depth: number): void {
    if (depth > 4) {
      out.partial = true;
      return;
    }
    let dir = startDir;
    let dirKnown = true;
    const scopes: { dir: string; dirKnown: boolean }[] = [];
    const stack: string[] = [];
    let upstream: Word[][] = [];
    const values = (w: Word) =>
      expandWord(w, { dir, vars, ...(opts.home ? { home: opts.home } : {}) });
    // `cd` is logical, as in bash; a file operand with a `..` is left for normalizeLockPath to
    // resolve as the kernel will (path.resolve would fold `link/../x` into `x`).
    const operand = (text: string) =>
      !text.split('/').includes('..')
        ? path.resolve(dir, text)
        : path.isAbsolute(text)
          ? text
          : `${dir}${path.sep}${text}`;
    const addPath = (abs: string, relative: boolean) => {
      if (isDevice(abs)) return;
      if (isDirectory(abs)) {
        // Everything under it: only the locks inside can tell which files matter.
        out.deferred.push({ kind: 'under', dir: abs });
        return;
      }
      out.paths.push(abs);
      if (relative) out.relative.push(abs);
    };
    const addWord = (w: Word | undefined) => {
      if (!w) return;
      const texts = values(w);
      if (!texts) {
        out.partial = true;
        return;
      }
      for (const text of texts) {
        if (!text) continue;
        if (!dirKnown && !path.isAbsolute(text)) {
          out.partial = true;
          continue;
        }
        addPath(operand(text), !path.isAbsolute(text));
      }
    };
    const commands = tokenize(source);
    for (const simple of commands as Simple[]) {
      if (simple.scope === 'open') {
        scopes.push({ dir, dirKnown });
        continue;
      }
      if (simple.scope === 'close') {
        ({ dir, dirKnown } = scopes.pop() ?? { dir, dirKnown });
        continue;
      }
      if (!simple.piped) upstream = [];
      let words = simple.words;
      while (words[0] && KEYWORDS.has(words[0].text)) words = words.slice(1);
      if (words[0] && CLOSERS.has(words[0].text)) words = words.slice(1);
      // for NAME in WORDS: the loop's variable takes their values.
      if (words[0]?.text === 'for' && words[2]?.text === 'in' && words[1]) {
        const items = words.slice(3).map(values);
        if (items.every((v) => v)) vars.set(words[1].text, items.flat() as string[]);
        else vars.delete(words[1].text);
        continue;
      }
      // NAME=value… alone (or after export/local/declare/readonly): the command line's variables.
      const assigns = ['export', 'local', 'declare', 'readonly', 'typeset'].includes(
        words[0]?.text ?? '',
      )
        ? words.slice(1)
        : words;
      if (assigns.length && assigns.every((w) => /^[A-Za-z_]\w*=/.test(w.text))) {
        for (const w of assigns) {
          const eq = w.text.indexOf('=');
          const value = values({ ...w, pattern: w.pattern.slice(w.pattern.indexOf('=') + 1) });
          if (value && value.length === 1) vars.set(w.text.slice(0, eq), value);
          else vars.delete(w.text.slice(0, eq));
        }
        continue;
      }
      if (words.some((w) => w.opaque)) out.partial = true;
      const plain = unwrap(words).words;
      const head = plain[0]?.text;
      if (head === 'cd' || head === 'pushd') {
        const target = plain.slice(1).find((w) => !/^-[LPe@]*$/.test(w.text) || w.text === '-');
        if (head === 'pushd') stack.push(dir);
        const value = target ? values(target) : opts.home ? [opts.home] : undefined;
        if (!value || value.length !== 1 || target?.text === '-') dirKnown = false;
        else dir = path.resolve(dir, value[0]!);
      } else if (head === 'popd') {
        const back = stack.pop();
        if (back) dir = back;
        else dirKnown = false;
      }
      let inputFile: string | undefined;
      for (const r of simple.redirects) {
        if (r.op === '<' && r.target) {
          const v = values(r.target);
          if (v?.length === 1) inputFile = path.resolve(dir, v[0]!);
          continue;
        }
        if (r.op.startsWith('<') && r.op !== '<>') continue;
        if (r.op.startsWith('&<')) continue;
        // `>&2`, `2>&1`, `>&-`: a descriptor, not a file.
        if ((r.op === '>&' || r.op === '&>&') && (!r.target || /^(\d+|-)$/.test(r.target.text)))
          continue;
        addWord(r.target);
      }
      const found = commandWrites(words, {
        dir,
        ...(simple.stdin !== undefined ? { stdin: simple.stdin } : {}),
        ...(inputFile ? { inputFile } : {}),
        upstream,
        values,
        isDirectory,
        readFile,
      });
      for (const w of found.words) addWord(w);
      for (const abs of found.paths) addPath(abs, false);
      out.deferred.push(...found.deferred);
      for (const script of found.scripts) read(script, dir, depth + 1);
      upstream.push(words);
    }
  }
}
