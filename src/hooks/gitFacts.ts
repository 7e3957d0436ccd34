import fs from 'node:fs';
import path from 'node:path';

import { batchCheck, mergeBase } from '../git/repo.js';
import { hooksStateDir } from '../project/hookPaths.js';
import { atomicWrite } from '../store/atomicWrite.js';

/**
 * Answers from git that can never change, cached in `<state>/hooks/`: the merge-base of two
 * commits, and what a path is in a commit's tree. Between two commits of a session neither its
 * HEAD nor its base usually moves, and sessions keep committing the same files, so the pre-commit
 * hook often spawns no git process at all for them. Only a cache: unreadable means empty.
 */

type Facts = Record<string, string>;

const FACTS = ['merge-bases', 'tree-entries'] as const;

function factsFile(stateDir: string, name: (typeof FACTS)[number]): string {
  return path.join(hooksStateDir(stateDir), `${name}.json`);
}

/** Every cache file of this module (`qlock hooks uninstall` removes them with the hooks). */
export function factsFiles(stateDir: string): string[] {
  return FACTS.map((name) => factsFile(stateDir, name));
}

function readFacts(stateDir: string, name: (typeof FACTS)[number]): Facts {
  try {
    const data = JSON.parse(fs.readFileSync(factsFile(stateDir, name), 'utf8')) as unknown;
    return data && typeof data === 'object' && !Array.isArray(data) ? (data as Facts) : {};
  } catch {
    return {};
  }
}

/** Keeps the newest `max` entries (insertion order: re-learned facts move to the end). */
function writeFacts(
  stateDir: string,
  name: (typeof FACTS)[number],
  facts: Facts,
  max: number,
): void {
  const dir = hooksStateDir(stateDir);
  if (!fs.existsSync(dir)) return; // hooks not installed: no place of ours to keep it
  const file = factsFile(stateDir, name);
  try {
    atomicWrite(file, JSON.stringify(Object.fromEntries(Object.entries(facts).slice(-max))), {
      durable: false,
    });
  } catch {
    // only a cache: the next hook asks git again
  }
}

/** The merge-base of each [a, b] pair (undefined when they share no history). */
export async function mergeBases(
  stateDir: string,
  cwd: string,
  pairs: readonly (readonly [string, string])[],
): Promise<(string | undefined)[]> {
  const facts = readFacts(stateDir, 'merge-bases');
  let learned = false;
  const result = await Promise.all(
    pairs.map(async ([a, b]) => {
      const key = `${a}..${b}`;
      if (facts[key]) return facts[key];
      const base = await mergeBase(cwd, a, b);
      if (base === undefined) return undefined;
      facts[key] = base;
      learned = true;
      return facts[key];
    }),
  );
  if (learned) writeFacts(stateDir, 'merge-bases', facts, 200);
  return result;
}

/**
 * `git cat-file --batch-check` for `<commit>:<path>` specs: one output line per spec, either
 * `<oid> <type> <size>` or `<spec> missing`. Specs must not contain a newline. Lines already known
 * come from the cache; the others from one git process.
 */
export async function treeEntries(
  stateDir: string,
  cwd: string,
  specs: readonly string[],
): Promise<string[]> {
  const facts = readFacts(stateDir, 'tree-entries');
  const unknown = [...new Set(specs.filter((s) => facts[s] === undefined))];
  if (unknown.length) {
    const lines = await batchCheck(cwd, unknown);
    unknown.forEach((spec, i) => {
      // Specs name commits by full id (merge-bases): their trees never change.
      if (lines[i]) facts[spec] = lines[i]!;
    });
    writeFacts(stateDir, 'tree-entries', facts, 5000);
  }
  return specs.map((s) => facts[s] ?? '');
}
