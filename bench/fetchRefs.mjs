#!/usr/bin/env node
/**
 * The fetch part of bench/hooks.mjs on its own (no 20k-file setup): `git fetch --no-atomic` of N
 * new refs with qlock's hooks installed (reference-transaction included: git runs it twice per
 * fetched ref) against the same fetch with core.hooksPath=/dev/null, runs interleaved. Also a
 * small fetch (5 refs), the everyday case. Budget (DESIGN.md): <= 1.1x for 300 refs.
 *
 *   npm run build && node bench/fetchRefs.mjs [--refs 300] [--runs 10]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import { isolatedEnv, writeGitconfig } from './benchEnv.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const BIN = path.resolve(here, '../bin/qlock.js');
const BUDGET = 1.1;
const { values } = parseArgs({
  options: {
    refs: { type: 'string', default: '300' },
    runs: { type: 'string', default: '10' },
  },
});
const REFS = Number(values.refs);
const RUNS = Math.max(3, Number(values.runs));

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qlock-bench-fetch-'));
const gitconfig = path.join(work, 'gitconfig');
writeGitconfig(gitconfig);
const env = isolatedEnv(gitconfig);

function run(cmd, args, cwd, input) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', input });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}
const git = (args, cwd, input) => run('git', args, cwd, input);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  const root = path.join(work, 'repo');
  fs.mkdirSync(root);
  git(['init', '-q', '-b', 'main'], root);
  fs.writeFileSync(path.join(root, 'a.txt'), 'a\n');
  git(['add', '-A'], root);
  git(['commit', '-q', '-m', 'a'], root);
  run(process.execPath, [BIN, 'init'], root);
  for (const name of ['s1', 's2']) run(process.execPath, [BIN, 'new', name], root);
  run(process.execPath, [BIN, 'lock', 'a.txt'], path.join(work, 'repo-s1'));

  const remote = path.join(work, 'remote');
  fs.mkdirSync(remote);
  git(['init', '-q', '-b', 'main'], remote);
  fs.writeFileSync(path.join(remote, 'r.txt'), 'r\n');
  git(['add', '-A'], remote);
  git(['commit', '-q', '-m', 'r'], remote);
  const lines = [];
  for (let i = 0; i < REFS; i++) lines.push(`create refs/heads/b${i} HEAD`);
  git(['update-ref', '--stdin'], remote, lines.join('\n') + '\n');
  git(['fetch', '-q', remote, 'refs/heads/main:refs/remotes/warm/main'], root);

  // The floor: a hooks directory holding nothing but an empty reference-transaction hook (what
  // any such hook costs: git starts it twice per ref of a non-atomic fetch).
  const emptyHooks = path.join(work, 'empty-hooks');
  fs.mkdirSync(emptyHooks);
  fs.writeFileSync(path.join(emptyHooks, 'reference-transaction'), '#!/bin/sh\n:\n', {
    mode: 0o755,
  });
  const measure = (pattern) => {
    const withHooks = [];
    const without = [];
    const empty = [];
    for (let i = 0; i < 3 * RUNS; i++) {
      const kind = i % 3;
      const ns = `refs/remotes/it${i}`;
      const args = [
        ...(kind === 1 ? ['-c', 'core.hooksPath=/dev/null'] : []),
        ...(kind === 2 ? ['-c', `core.hooksPath=${emptyHooks}`] : []),
        'fetch',
        '-q',
        '--no-atomic',
        remote,
        `+${pattern}:${ns}/${pattern.endsWith('*') ? '*' : 'x'}`,
      ];
      const t = performance.now();
      git(args, root);
      [withHooks, without, empty][kind].push(performance.now() - t);
      const refs = git(['for-each-ref', '--format=delete %(refname)', ns], root);
      if (refs) git(['update-ref', '--stdin'], root, refs);
    }
    return { with: median(withHooks), without: median(without), empty: median(empty) };
  };
  // The everyday case: 5 refs (a namespace of their own).
  const five = [];
  for (let i = 0; i < 5; i++) five.push(`create refs/small/s${i} HEAD`);
  git(['update-ref', '--stdin'], remote, five.join('\n') + '\n');

  const big = measure('refs/heads/*');
  const small = measure('refs/small/*');
  const fmt = (ms) => `${ms.toFixed(1)} ms`;
  const ratio = big.with / big.without;
  console.log(`qlock fetch benchmark: ${RUNS} runs each, git ${git(['version'], root).trim()}`);
  console.log(
    `  git fetch of ${REFS} refs: with hooks ${fmt(big.with)}, without ${fmt(big.without)} = ${ratio.toFixed(2)}x (budget ${BUDGET}x)`,
  );
  console.log(
    `  git fetch of 5 refs: with hooks ${fmt(small.with)}, without ${fmt(small.without)} = ${(small.with / small.without).toFixed(2)}x (added ${fmt(small.with - small.without)})`,
  );
  console.log(
    `  floor, an empty reference-transaction hook: ${REFS} refs ${fmt(big.empty)} = ${(big.empty / big.without).toFixed(2)}x; 5 refs ${fmt(small.empty)} = ${(small.empty / small.without).toFixed(2)}x`,
  );
  console.log(`  ${ratio <= BUDGET ? 'PASS' : 'FAIL'}`);
  process.exitCode = ratio <= BUDGET ? 0 : 1;
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
