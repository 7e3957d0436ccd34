import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

/**
 * The boundaries ARCHITECTURE.md describes, checked on the source so that they stay true:
 * - commands/ is imported only by the ways in (cli/, the MCP server, the library entry, the bin);
 * - the core (foundation, git, store, project and the domain areas) never loads an integration
 *   (git hooks, agents, watch, doctor, shared mode, MCP, demo) or a command at run time: type-only
 *   imports are erased and allowed;
 * - no import cycle between modules, counting type-only and lazy `import()` ones.
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

const WAYS_IN = new Set(['commands', 'cli', 'fast', 'mcp', 'index', 'bin']);
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
