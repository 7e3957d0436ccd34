import fs from 'node:fs';
import path from 'node:path';

import { join } from '../../src/commands/join.js';
import { predictConflicts } from '../../src/conflicts/predictConflicts.js';
import type { PairReport } from '../../src/conflicts/types.js';
import { openWorkspace, type Workspace } from '../../src/project/openWorkspace.js';
import { makeRepo, type Repo, type RepoOptions, testContext } from '../helpers/repo.js';

/** A repository with two worktree sessions "a" and "b" forked from main. */
export interface TwoSessions {
  repo: Repo;
  a: string;
  b: string;
  ws: Workspace;
}

export async function twoSessions(options: RepoOptions = {}): Promise<TwoSessions> {
  const repo = makeRepo(options);
  const a = repo.worktree('a');
  const b = repo.worktree('b');
  await join({ name: 'a' }, testContext(a));
  await join({ name: 'b' }, testContext(b));
  const ws = await openWorkspace(testContext(repo.root));
  return { repo, a, b, ws };
}

/** The (a, b) pair of a fresh prediction. */
export async function pairAB(ws: Workspace): Promise<PairReport> {
  const report = await predictConflicts(ws, { includeBase: false });
  const pair = report.pairs.find((p) => p.a === 'a' && p.b === 'b');
  if (!pair) throw new Error(`no a/b pair in ${JSON.stringify(report)}`);
  return pair;
}

/** Replaces line `n` (1-based) of a file. */
export function editLine(dir: string, rel: string, n: number, text: string): void {
  const file = path.join(dir, rel);
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines[n - 1] = text;
  fs.writeFileSync(file, lines.join('\n'));
}

/** What must not change when we snapshot a worktree: HEAD, index, status. */
export function worktreeState(repo: Repo, dir: string): string {
  return [
    repo.git(['rev-parse', 'HEAD'], dir),
    repo.git(['ls-files', '--stage'], dir),
    repo.git(['status', '--porcelain=v1', '--untracked-files=all'], dir),
    repo.git(['diff'], dir),
    repo.git(['diff', '--cached'], dir),
  ].join('\n---\n');
}
