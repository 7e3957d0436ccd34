import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

/**
 * The boundaries ARCHITECTURE.md describes, checked on the source so that they stay true:
 * - commands/ is imported only by the ways in (cli/, the MCP server, the library entry, the bin);
 * - the core (foundation, git, store, project and the domain areas) never loads an integration
 *   (git hooks, agents, watch, doctor, shared mode, MCP, demo) or a command at run time: type-only
 *   imports are erased and allowed;
 * - no import cycle between modules, counting type-only and lazy `import()` ones;
 * - one way in for a command line: commander is loaded only by the program made from the command
 *   table (src/cli/program.ts, src/cli.ts), and argv is parsed otherwise only by the light parser
 *   made from the same table (src/cli/lightParser.ts);
 * - git's argument lists are written in src/git/ (named questions: repo.ts, branches.ts, …); the
 *   files that still hold raw lists may hold no more than they do now, and no other file any.
 */

const SRC = path.resolve(import.meta.dirname, '../../src');

interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sourceFiles(dir = SRC): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** `import … from './x.js'`, `export … from`, `import('./x.js')`: relative specifiers only. */
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s+(type\s+)?[^;]*?\sfrom\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;

function importEdges(files: string[] = sourceFiles()): Edge[] {
  const edges: Edge[] = [];
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = (m[2] ?? m[3])!;
      const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
      edges.push({
        from: path.relative(SRC, file),
        to: path.relative(SRC, target),
        typeOnly: Boolean(m[1]),
      });
    }
  }
  return edges;
}

/** The top folder under src/ (or the file's own name for src/*.ts). */
const area = (rel: string) =>
  rel.includes(path.sep) ? rel.split(path.sep)[0]! : rel.replace(/\.ts$/, '');

const WAYS_IN = new Set(['commands', 'cli', 'mcp', 'index', 'bin']);
const CORE = new Set(['errors', 'context', 'util', 'ui', 'git', 'store', 'project']);
const DOMAIN = new Set(['sessions', 'locks', 'changes', 'conflicts', 'inbox', 'status', 'notify']);

/** Strongly connected groups of more than one module (Tarjan). */
function cycles(edges: Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('architecture: module boundaries', () => {
  const edges = importEdges();

  it('reads the imports (the parser sees static, type-only and lazy imports)', () => {
    expect(edges.length).toBeGreaterThan(500);
    expect(edges).toContainEqual({
      from: path.join('hooks', 'hookTable.ts'),
      to: path.join('hooks', 'preCommit.ts'),
      typeOnly: false,
    });
    expect(edges.some((e) => e.typeOnly)).toBe(true);
  });

  it('imports commands/ only from the ways in (cli, MCP server, library entry, bin)', () => {
    const wrong = edges.filter((e) => area(e.to) === 'commands' && !WAYS_IN.has(area(e.from)));
    expect(wrong.map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });

  it('parses a command line in one place: the command table, through commander or the light parser', () => {
    const parsers = sourceFiles().flatMap((file) => {
      const text = fs.readFileSync(file, 'utf8');
      const rel = path.relative(SRC, file);
      return [
        ...(/^import (?!type )[^;]*from 'commander'/m.test(text) ? [`${rel}: commander`] : []),
        ...(/\bparseArgs\s*\(/.test(text) ? [`${rel}: parseArgs`] : []),
      ];
    });
    expect(parsers.sort()).toEqual([
      'cli.ts: commander',
      `${path.join('cli', 'lightParser.ts')}: parseArgs`,
      `${path.join('cli', 'program.ts')}: commander`,
    ]);
  });

  // A method call (`run.git([...])`) is not src/git/exec.ts: the demo's DemoRunner.git runs
  // the commands a user would type, hooks and output shown, as the tour's script (its own
  // spawn and environment); they are steps to show, not questions qlock asks of git.
  // A list written in the call (`git([...])`) or first in a variable (`git(args, ...)`); not a
  // parameter with its type (the demo's `async git(args: string[], ...)` declaration).
  const RAW = /(?<![.\w])(?:git|gitOut|gitSync|gitBuffer)\(\s*(?:\[|[A-Za-z_$][\w$]*\b(?!\s*:))/g;
  const rawLists = (text: string) => text.match(RAW)?.length ?? 0;

  it('writes git argument lists in src/git/ only', () => {
    // Outside src/git/, git is asked through the named questions and steps there, each with a doc
    // comment saying what it asks and why its flags are what they are (issue 17 moved the last
    // raw lists in). A list built as data and handed to one of them (agents/shellGit.ts's
    // listings for listFromTop) is not a call, and not counted.
    const raw = sourceFiles().flatMap((file) => {
      const rel = path.relative(SRC, file).split(path.sep).join('/');
      if (rel.startsWith('git/')) return [];
      const count = rawLists(fs.readFileSync(file, 'utf8'));
      return count ? [`${rel}: ${count}`] : [];
    });
    expect(raw).toEqual([]);
  });

  it("finds a raw git argument list, not the demo's steps (the check can fail)", () => {
    expect(rawLists("await git(['status', '-z'], { cwd })")).toBe(1);
    expect(rawLists("gitOut(\n  ['rev-parse', 'HEAD'],\n  { cwd },\n)")).toBe(1);
    expect(rawLists("gitBuffer(['cat-file', '--batch'], o); gitSync(['x'], o)")).toBe(2);
    expect(rawLists("await run.git(['commit', '-m', 'step'])")).toBe(0);
    expect(rawLists("await digit(['1'])")).toBe(0);
    expect(rawLists('const args = [...]; await git(args, { cwd })')).toBe(1);
    expect(rawLists('await run.git(args, cwd)')).toBe(0);
    expect(rawLists('async git(args: string[], cwd: string) {')).toBe(0);
  });

  it('asks whether shared mode is on in src/shared/ only (sharedMode.ts is its one interface)', () => {
    // The rest of the code reads as if shared mode did not exist: it calls src/shared/sharedMode.ts,
    // which gives the local answer when `config.shared` is unset (issue 17).
    const SHARED_FLAG = /\bconfig\)?\??\.shared\b/g;
    const branching = sourceFiles().flatMap((file) => {
      const rel = path.relative(SRC, file).split(path.sep).join('/');
      if (rel.startsWith('shared/')) return [];
      const count = fs.readFileSync(file, 'utf8').match(SHARED_FLAG)?.length ?? 0;
      return count ? [`${rel}: ${count}`] : [];
    });
    expect(branching).toEqual([]);
    // The check itself finds such a branch.
    expect('if (ws.config.shared) x();'.match(SHARED_FLAG)).toHaveLength(1);
  });

  it('keeps the core and the domain free of integrations and commands at run time', () => {
    const below = (a: string) => CORE.has(a) || DOMAIN.has(a);
    const wrong = edges.filter(
      (e) =>
        !e.typeOnly &&
        below(area(e.from)) &&
        !below(area(e.to)) &&
        // the domain may use the core, the core only itself
        !(CORE.has(area(e.from)) && CORE.has(area(e.to))),
    );
    expect(wrong.map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });

  it('keeps the core below the domain', () => {
    const wrong = edges.filter(
      (e) => !e.typeOnly && CORE.has(area(e.from)) && DOMAIN.has(area(e.to)),
    );
    expect(wrong.map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });

  it('has no import cycle (type-only and lazy imports count)', () => {
    expect(cycles(edges)).toEqual([]);
  });

  it('finds a cycle when there is one (the check can fail)', () => {
    const fake: Edge[] = [
      { from: 'hooks/a.ts', to: 'hooks/b.ts', typeOnly: true },
      { from: 'hooks/b.ts', to: 'hooks/a.ts', typeOnly: false },
    ];
    expect(cycles(fake)).toEqual([['hooks/a.ts', 'hooks/b.ts']]);
  });
});
