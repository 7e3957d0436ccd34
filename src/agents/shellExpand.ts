import fs from 'node:fs';
import path from 'node:path';

import type { Word } from './shellTokens.js';

/**
 * The values a word takes when the shell runs it, as far as they can be known before it runs:
 * variables the command line itself set (`f=src/a.ts`, `for f in src/*.ts`), `~`, `$HOME`,
 * `$PWD`, brace lists (`src/{a,b}.ts`) and globs, matched against the disk as bash would (no
 * dotfiles unless the pattern starts with a dot; a glob that matches nothing is dropped: the
 * command fails on it rather than writing it). undefined: the value depends on something only
 * known at run time (`$(…)`, a variable from outside).
 */

export interface ExpandContext {
  /** Directory relative words are resolved against. */
  dir: string;
  home?: string;
  vars: Map<string, string[]>;
}

const MAX_VALUES = 2000;

const unescape = (p: string) => p.replace(/\\([\s\S])/g, '$1');
const escapeAll = (s: string) => [...s].map((c) => `\\${c}`).join('');

/** Replaces `$NAME` / `${NAME}` by the known values (escaped: they are not expanded again). */
function substitute(pattern: string, ctx: ExpandContext): string[] | undefined {
  let results = [''];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      results = results.map((r) => r + pattern.slice(i, i + 2));
      i++;
      continue;
    }
    if (ch !== '$') {
      results = results.map((r) => r + ch);
      continue;
    }
    const ref = /^\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/.exec(pattern.slice(i));
    if (!ref) {
      if (i === pattern.length - 1) {
        results = results.map((r) => r + '\\$');
        continue;
      }
      return undefined; // $1, $@, ${x:-y}…
    }
    const name = ref[1] ?? ref[2]!;
    const values =
      ctx.vars.get(name) ??
      (name === 'HOME' && ctx.home ? [ctx.home] : name === 'PWD' ? [ctx.dir] : undefined);
    if (!values) return undefined;
    results = results.flatMap((r) => values.map((v) => r + escapeAll(v)));
    if (results.length > MAX_VALUES) return undefined;
    i += ref[0].length - 1;
  }
  return results;
}

/** `a{b,c}d` → `abd acd`, nested lists and `{1..3}` / `{a..c}` sequences included. */
export function expandBraces(pattern: string): string[] {
  let open = -1;
  let depth = 0;
  const commas: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch === '{' && pattern[i - 1] !== '$') {
      if (depth++ === 0) {
        open = i;
        commas.length = 0;
      }
    } else if (ch === '}' && depth > 0) {
      if (--depth === 0) {
        const head = pattern.slice(0, open);
        const tail = pattern.slice(i + 1);
        const inner = pattern.slice(open + 1, i);
        let parts: string[] | undefined;
        if (commas.length) {
          const cuts = [open, ...commas, i];
          parts = cuts.slice(1).map((cut, k) => pattern.slice(cuts[k]! + 1, cut));
        } else parts = sequence(inner);
        if (!parts) continue;
        return parts.flatMap((p) => expandBraces(head + p + tail));
      }
    } else if (ch === ',' && depth === 1) commas.push(i);
  }
  return [pattern];
}

function sequence(inner: string): string[] | undefined {
  const num = /^(-?\d+)\.\.(-?\d+)$/.exec(inner);
  if (num) {
    const [a, b] = [Number(num[1]), Number(num[2])];
    if (Math.abs(a - b) > 1000) return undefined;
    const step = a <= b ? 1 : -1;
    const out: string[] = [];
    for (let n = a; n !== b + step; n += step) out.push(String(n));
    return out;
  }
  const chars = /^([a-zA-Z])\.\.([a-zA-Z])$/.exec(inner);
  if (!chars) return undefined;
  const [a, b] = [chars[1]!.charCodeAt(0), chars[2]!.charCodeAt(0)];
  const step = a <= b ? 1 : -1;
  const out: string[] = [];
  for (let n = a; n !== b + step; n += step) out.push(String.fromCharCode(n));
  return out;
}

/** Whether a pattern has an unescaped glob character. */
export function hasGlob(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') i++;
    else if (ch === '*' || ch === '?') return true;
    else if (ch === '[' && pattern.indexOf(']', i + 2) > 0) return true;
  }
  return false;
}

/** A regular expression for one path segment of a glob pattern. */
export function segmentRegex(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i]!;
    if (ch === '\\') re += (segment[++i] ?? '').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = segment.slice(i + 1, end);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function readdir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** The paths a glob pattern matches on disk, spelled as the pattern spells them. */
function globOnDisk(pattern: string, dir: string): string[] {
  const absolute = pattern.startsWith('/');
  const segments = pattern.split('/').filter((s, k) => s || k === 0);
  let found: { shown: string; abs: string }[] = [
    { shown: absolute ? '' : '', abs: absolute ? '/' : dir },
  ];
  segments.forEach((segment, k) => {
    if (k === 0 && absolute && !segment) return;
    const join = (shown: string, name: string) => (shown || absolute ? `${shown}/${name}` : name);
    if (!hasGlob(segment)) {
      const name = unescape(segment);
      found = found.map((f) => ({ shown: join(f.shown, name), abs: path.join(f.abs, name) }));
      return;
    }
    const re = segmentRegex(segment);
    const dotOk = unescape(segment).startsWith('.');
    found = found.flatMap((f) =>
      readdir(f.abs)
        .filter((name) => (dotOk || !name.startsWith('.')) && re.test(name))
        .sort()
        .map((name) => ({ shown: join(f.shown, name), abs: path.join(f.abs, name) })),
    );
    if (found.length > MAX_VALUES) found = found.slice(0, MAX_VALUES);
  });
  return found.map((f) => f.shown);
}

export function expandWord(word: Word, ctx: ExpandContext): string[] | undefined {
  if (word.opaque) return undefined;
  let pattern = word.pattern;
  if (/^~(\/|$)/.test(pattern)) {
    if (!ctx.home) return undefined;
    pattern = escapeAll(ctx.home) + pattern.slice(1);
  }
  const substituted = substitute(pattern, ctx);
  if (!substituted) return undefined;
  return substituted
    .flatMap(expandBraces)
    .flatMap((p) => (hasGlob(p) ? globOnDisk(p, ctx.dir) : [unescape(p)]));
}
