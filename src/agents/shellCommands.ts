import path from 'node:path';

import { shellGuardMessages as messages } from '../ui/messages/shellGuard.js';
import { diffPaths, patchPaths } from './patchPaths.js';
import { gitWrites } from './shellGit.js';
import {
  type CommandContext,
  type Found,
  FROM_INPUT,
  literal,
  none,
  operands,
  unwrap,
} from './shellOperands.js';
import { inlineScript, interpreterOf, scriptWrites } from './shellScripts.js';
import type { Word } from './shellTokens.js';

export { type CommandContext, type Found, operands, unwrap };

/**
 * What one simple command writes, by command name (after wrappers such as sudo, env, timeout,
 * nice, xargs are taken off): its file operands as words (the caller expands and resolves them),
 * paths already resolved (patch headers), writes deferred to the hook (shellDeferred.ts), and
 * shell scripts it runs (`bash -c`, `eval`, a here-document fed to a shell), read the same way.
 */

/** The files an in-place editor (sed -i, perl -i) changes: operands after the script. */
function inPlaceTargets(
  args: Word[],
  scriptFlags: RegExp,
  inPlaceFlag: RegExp,
): Word[] | undefined {
  let inPlace = false;
  let scriptGiven = false;
  const files: Word[] = [];
  for (let k = 0; k < args.length; k++) {
    const t = args[k]!.text;
    if (t === '--in-place' || t.startsWith('--in-place=')) inPlace = true;
    else if (inPlaceFlag.test(t) && !t.startsWith('--')) {
      inPlace = true;
      if (scriptFlags.test(t)) {
        scriptGiven = true;
        k++;
      }
    } else if (t === '--expression' || t === '--file') {
      scriptGiven = true;
      k++;
    } else if (t.startsWith('--expression=') || t.startsWith('--file=')) scriptGiven = true;
    else if (/^-[a-zA-Z0-9]+$/.test(t)) {
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

const FORMATTERS: Record<string, RegExp | true> = {
  prettier: /^(?:--write|-w)$/,
  eslint: /^--fix$/,
  black: true,
  isort: true,
  autopep8: /^(?:-i|--in-place)$/,
  gofmt: /^-w$/,
  goimports: /^-w$/,
  rustfmt: true,
  'clang-format': /^-i$/,
  dos2unix: true,
  unix2dos: true,
  shfmt: /^-w$/,
};

/** mv/cp/install/ln/rsync: the destination (and mv's sources). */
function copyTargets(name: string, args: Word[], ctx: CommandContext): Word[] {
  const { ops, opts } = operands(
    args,
    new Set(['-t', '--target-directory', '-S', '--suffix', '-m', '--mode', '-o', '-g', '-e']),
  );
  const targetDir = opts.get('-t') ?? opts.get('--target-directory');
  const into = (dir: Word, srcs: Word[]) =>
    srcs.map((s) => ({
      // Not path.join: a `..` in the directory is the kernel's to resolve (see shellWrites).
      text: `${dir.text.replace(/\/+$/, '')}/${path.basename(s.text)}`,
      pattern: `${dir.pattern.replace(/\/+$/, '')}/${path.basename(s.pattern)}`,
      opaque: dir.opaque || s.opaque,
    }));
  if (targetDir !== undefined) {
    const dir = literal(targetDir);
    return name === 'mv' ? [...ops, ...into(dir, ops)] : into(dir, ops);
  }
  if (ops.length < 2) return [];
  const dest = ops[ops.length - 1]!;
  const sources = ops.slice(0, -1);
  const value = ctx.values(dest);
  const isDir = value?.length === 1 && ctx.isDirectory(path.resolve(ctx.dir, value[0]!));
  const written = isDir ? into(dest, sources) : [dest];
  return name === 'mv' ? [...sources, ...written] : written;
}

/** Upstream roots of a pipeline (for xargs): existing paths the earlier commands name. */
function upstreamScope(ctx: CommandContext): { dirs: string[]; name?: string } {
  const dirs: string[] = [];
  let name: string | undefined;
  for (const words of ctx.upstream) {
    const head = path.basename(words[0]?.text ?? '');
    if (head === 'find') {
      const f = findParts(words.slice(1));
      dirs.push(...f.roots.map((r) => path.resolve(ctx.dir, r)));
      name = f.name;
      continue;
    }
    for (const w of words.slice(1)) {
      if (w.text.startsWith('-')) continue;
      for (const v of ctx.values(w) ?? []) {
        const abs = path.resolve(ctx.dir, v);
        if (ctx.isDirectory(abs)) dirs.push(abs);
        else if (ctx.readFile(abs) !== undefined) dirs.push(path.dirname(abs));
      }
    }
  }
  return { dirs: dirs.length ? [...new Set(dirs)] : [ctx.dir], ...(name ? { name } : {}) };
}

function findParts(args: Word[]): { roots: string[]; name?: string; rest: Word[] } {
  const roots: string[] = [];
  let k = 0;
  while (k < args.length && !/^[-(!]/.test(args[k]!.text)) roots.push(args[k++]!.text);
  const rest = args.slice(k);
  const names = rest.flatMap((w, j) =>
    ['-name', '-iname'].includes(w.text) && rest[j + 1] ? [rest[j + 1]!.text] : [],
  );
  return {
    roots: roots.length ? roots : ['.'],
    ...(names.length === 1 ? { name: names[0]! } : {}),
    rest,
  };
}

/** find … -exec/-execdir/-ok CMD … {} ;|+ and -delete: writes to what find lists. */
function findWrites(args: Word[], ctx: CommandContext): Found {
  const found = none();
  const { roots, name, rest } = findParts(args);
  const scope = (why: string) => {
    for (const root of roots)
      found.deferred.push({
        kind: 'under',
        dir: path.resolve(ctx.dir, root),
        ...(name ? { name } : {}),
        why,
      });
  };
  for (let k = 0; k < rest.length; k++) {
    const t = rest[k]!.text;
    if (t === '-delete') scope(messages.shellUnsureFromInput('find -delete', roots.join(' ')));
    if (t === '-fprint' || t === '-fprintf' || t === '-fls') found.words.push(rest[k + 1]!);
    if (!['-exec', '-execdir', '-ok', '-okdir'].includes(t)) continue;
    let end = k + 1;
    while (end < rest.length && rest[end]!.text !== ';' && rest[end]!.text !== '+') end++;
    const inner = rest
      .slice(k + 1, end)
      .map((w) => (w.text.includes('{}') ? { ...w, text: FROM_INPUT, pattern: FROM_INPUT } : w));
    const sub = commandWrites(inner, ctx);
    if (sub.words.some((w) => w.text === FROM_INPUT))
      scope(messages.shellUnsureFromInput(`find -exec ${inner[0]?.text ?? ''}`, roots.join(' ')));
    sub.words = sub.words.filter((w) => w.text !== FROM_INPUT);
    merge(found, sub);
    k = end;
  }
  return found;
}

function merge(into: Found, from: Found): void {
  into.words.push(...from.words);
  into.paths.push(...from.paths);
  into.deferred.push(...from.deferred);
  into.scripts.push(...from.scripts);
}

export function commandWrites(words: Word[], ctx: CommandContext): Found {
  const { words: rest, xargs } = unwrap(words);
  if (xargs) {
    // The input's items join the command's operands: what it would write of them, it may write.
    const placeholder = xargs === FROM_INPUT ? undefined : xargs;
    const inner = placeholder
      ? rest.map((w) => (w.text.includes(placeholder) ? literal(FROM_INPUT) : w))
      : [...rest, literal(FROM_INPUT)];
    const found = commandWrites(inner, ctx);
    if (found.words.some((w) => w.text === FROM_INPUT)) {
      const scope = upstreamScope(ctx);
      for (const dir of scope.dirs)
        found.deferred.push({
          kind: 'under',
          dir,
          ...(scope.name ? { name: scope.name } : {}),
          why: messages.shellUnsureFromInput(`xargs ${rest[0]?.text ?? ''}`, path.basename(dir)),
        });
    }
    found.words = found.words.filter((w) => w.text !== FROM_INPUT);
    return found;
  }
  const [head, ...args] = rest;
  const found = none();
  if (!head) return found;
  const name = path.basename(head.text);
  switch (name) {
    case 'tee':
    case 'touch':
    case 'rm':
    case 'rmdir':
    case 'unlink':
    case 'shred':
      found.words = operands(args).ops;
      return found;
    case 'truncate':
      found.words = operands(args, new Set(['-s', '--size', '-r', '--reference'])).ops;
      return found;
    case 'sed':
      found.words = inPlaceTargets(args, /[ef]$/, /^-[a-zA-Z]*i/) ?? [];
      return found;
    case 'mv':
    case 'cp':
    case 'install':
    case 'ln':
    case 'rsync':
      found.words = copyTargets(name, args, ctx);
      return found;
    case 'dd':
      found.words = args
        .filter((w) => w.text.startsWith('of='))
        .map((w) => ({
          text: w.text.slice(3),
          pattern: w.pattern.replace(/^of=/, ''),
          opaque: w.opaque,
        }));
      return found;
    case 'sort': {
      const out = operands(args, new Set(['-o', '--output', '-k', '-t', '-S', '-T']));
      const o = out.opts.get('-o') ?? out.opts.get('--output');
      if (o) found.words.push(literal(o));
      return found;
    }
    case 'apply_patch':
    case 'applypatch': {
      // Codex runs these itself (its shell tool intercepts them): the patch is the first
      // operand or the here-document.
      const patch = args[0]?.text ?? ctx.stdin ?? '';
      found.words = patchPaths(patch).map(literal);
      return found;
    }
    case 'patch': {
      const { ops, opts } = operands(args, new Set(['-p', '-i', '--input', '-d', '-o', '-r']));
      const input = opts.get('-i') ?? opts.get('--input');
      const text = input
        ? ctx.readFile(path.resolve(ctx.dir, input))
        : (ctx.stdin ?? (ctx.inputFile ? ctx.readFile(ctx.inputFile) : undefined));
      if (ops[0]) found.words.push(ops[0]);
      else if (text !== undefined) {
        const strip = Number(
          opts.get('-p') ?? [...opts.keys()].find((o) => /^-p\d+$/.test(o))?.slice(2) ?? 0,
        );
        found.paths = diffPaths(text, strip).map((p) => path.resolve(ctx.dir, p));
      } else found.deferred.push({ kind: 'under', dir: ctx.dir, why: messages.shellUnsurePatch() });
      return found;
    }
    case 'git':
      return gitWrites(args, ctx);
    case 'find':
      return findWrites(args, ctx);
    case 'bash':
    case 'sh':
    case 'zsh':
    case 'dash':
    case 'ksh': {
      const c = args.findIndex((w) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(w.text));
      if (c >= 0 && args[c + 1]) found.scripts.push(args[c + 1]!.text);
      else if (!operands(args).ops.length && ctx.stdin !== undefined) found.scripts.push(ctx.stdin);
      return found;
    }
    case 'eval':
      found.scripts.push(args.map((w) => w.text).join(' '));
      return found;
    case 'perl': {
      const inPlace = inPlaceTargets(args, /[eE]$/, /^-[a-zA-Z0-9]*i/);
      if (inPlace) {
        found.words = inPlace;
        return found;
      }
      break;
    }
  }
  const formatter = FORMATTERS[name];
  if (formatter) {
    if (formatter === true || args.some((w) => formatter.test(w.text))) {
      for (const w of operands(args, new Set(['--config', '-c', '--ignore-path'])).ops) {
        // A quoted glob the tool expands itself (`prettier --write "src/**/*.ts"`).
        const glob = /[*?[]/.exec(w.text);
        if (!glob) found.words.push(w);
        else {
          const base = w.text.slice(0, glob.index).replace(/[^/]*$/, '');
          const name = w.text.slice(w.text.lastIndexOf('/') + 1);
          found.deferred.push({ kind: 'under', dir: path.resolve(ctx.dir, base || '.'), name });
        }
      }
    }
    return found;
  }
  if (name === 'ruff' && (args[0]?.text === 'format' || args.some((w) => w.text === '--fix'))) {
    found.words = operands(args.slice(1)).ops;
    return found;
  }
  const family = interpreterOf(name);
  if (family) {
    const script = inlineScript(family, name, args, ctx.stdin);
    const names = script === undefined ? undefined : scriptWrites(family, script);
    if (names?.length)
      found.deferred.push({
        kind: 'named',
        paths: names.map((n) => path.resolve(ctx.dir, n)),
        why: messages.shellUnsureScript(name),
      });
  }
  return found;
}
