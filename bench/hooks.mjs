#!/usr/bin/env node
/**
 * Benchmark of qlock's git hooks (DESIGN.md budgets, each a ratio measured in the same run):
 *
 * 1. The latency the hooks add to `git commit` in a session, with 10 sessions on a 20k-file
 *    repository: every session has committed, staged, unstaged and untracked work, and other
 *    sessions hold locks. Budget: added latency <= 1.5 x `node -e ''`. Two cases:
 *    - "no overlap": the commit touches a file no other session changes (the common case: the
 *      locks check, the staged paths and one path-limited diff per other session);
 *    - "overlap": the commit touches a file another session also changes (a warning, and the
 *      staged tree against that session's work with merge-tree).
 *    Added latency = median(git commit with the hooks) - median(git commit with
 *    core.hooksPath=/dev/null), runs interleaved. post-commit and reference-transaction run too
 *    (filtered in sh). Also measured in the same rounds: a commit with empty hooks of the same
 *    names, git's own share of the added latency (the hook processes it starts, and the index it
 *    reads again after any pre-commit hook), which no hook of any tool can go below.
 * 2. `git fetch` of 300 new refs with the hooks installed against without. Budget <= 1.1x.
 *
 *   npm run build && node bench/hooks.mjs [--files 20000] [--sessions 10] [--runs 20] [--keep]
 *                                          [--no-bundle]
 *
 * Uses the built CLI (bin/qlock.js -> dist/), a private git configuration and a throw-away
 * directory under the system temp dir. The hooks run bin/qlock.js, which uses the
 * bundled hot path while it is fresh (scripts/bundle.mjs, part of `npm run build`); the bench
 * refreshes the bundle first and says at the end whether it stayed fresh (a concurrent `tsc`
 * rebuild makes it stale, and the hooks then load dist/ modules). Exits 1 when a budget is missed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

import { isolatedEnv, writeGitconfig } from './benchEnv.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const BIN = path.resolve(here, '../bin/qlock.js');
const COMMIT_BUDGET = 1.5;
const FETCH_BUDGET = 1.1;

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '20000' },
    sessions: { type: 'string', default: '10' },
    runs: { type: 'string', default: '20' },
    refs: { type: 'string', default: '300' },
    keep: { type: 'boolean', default: false },
    // Measure the hooks without the bundled hot path (bin/qlock.js then loads dist/ modules).
    'no-bundle': { type: 'boolean', default: false },
  },
});
const FILES = Number(values.files);
const SESSIONS = Number(values.sessions);
const RUNS = Math.max(10, Number(values.runs));
const REFS = Number(values.refs);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qlock-bench-hooks-'));
const gitconfig = path.join(work, 'gitconfig');
writeGitconfig(gitconfig);
const emptyHooks = path.join(work, 'empty-hooks');
const env = isolatedEnv(gitconfig);

function run(cmd, args, cwd, extraEnv = {}) {
  const r = spawnSync(cmd, args, {
    cwd,
    env: { ...env, ...extraEnv },
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd} (${r.status}):\n${r.stderr}`);
  return r;
}
const git = (args, cwd, extraEnv) => run('git', args, cwd, extraEnv).stdout;
const qlock = (args, cwd) => run(process.execPath, [BIN, ...args], cwd).stdout;

function write(root, rel, content) {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** 20k files in 200 directories of 100, a few lines each. */
function fileName(i) {
  return `src/d${String(Math.floor(i / 100)).padStart(3, '0')}/f${String(i).padStart(5, '0')}.txt`;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(fn) {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/**
 * Commits in `dir`, timing only `git commit`, with qlock's hooks, with empty hooks of the same
 * names (`emptyHooks`: what git itself spends on running any such hooks: a fork and exec each,
 * and the index read again after pre-commit), without hooks, and `node -e ''`, all interleaved
 * so that the load of the machine weighs on them alike; `fileFor(i)` names the file the i-th
 * commit changes.
 */
function commitLatency(dir, fileFor, n) {
  const kinds = ['qlock', 'empty', 'none'];
  const times = { qlock: [], empty: [], none: [] };
  const node = [];
  let stderr = '';
  for (let i = 0; i < kinds.length * (n + 1); i++) {
    const kind = kinds[i % kinds.length];
    const file = fileFor(i);
    write(dir, file, `edit ${i} in ${dir}\n${'x'.repeat(40)}\n`);
    git(['add', '--', file], dir);
    const hooksPath = {
      qlock: [],
      empty: ['-c', `core.hooksPath=${emptyHooks}`],
      none: ['-c', 'core.hooksPath=/dev/null'],
    };
    const args = [...hooksPath[kind], 'commit', '-q', '-m', `bench ${i}`];
    let result;
    const ms = time(() => (result = run('git', args, dir)));
    const nodeMs = time(() => run(process.execPath, ['-e', ''], dir));
    if (i < kinds.length) continue; // warm-up round
    times[kind].push(ms);
    node.push(nodeMs);
    if (kind === 'qlock') stderr = result.stderr;
  }
  const r = {
    with: median(times.qlock),
    empty: median(times.empty),
    without: median(times.none),
    node: median(node),
    stderr,
  };
  return {
    ...r,
    added: r.with - r.without,
    ratio: (r.with - r.without) / r.node,
    gitShare: (r.empty - r.without) / r.node,
  };
}

function bundleState() {
  const r = spawnSync(
    process.execPath,
    [path.resolve(here, '../bin/qlock.js'), 'hook', 'nothing'],
    {
      env: { ...env, QLOCK_DEBUG: '1', QLOCK_HOOK_RUNNER: '1' },
      encoding: 'utf8',
    },
  );
  return /bundled fast path/.test(r.stderr)
    ? 'bundled hot path (fresh)'
    : 'dist modules (no fresh bundle)';
}

try {
  run(process.execPath, [path.resolve(here, '../scripts/bundle.mjs')], here);
  const bundleBefore = bundleState();
  const t0 = performance.now();
  const root = path.join(work, 'repo');
  fs.mkdirSync(root);
  git(['init', '-q', '-b', 'main'], root);
  for (let i = 0; i < FILES; i++) write(root, fileName(i), `line 1 of ${i}\nline 2\nline 3\n`);
  git(['add', '-A'], root);
  git(['commit', '-q', '-m', 'initial'], root);
  qlock(['init'], root);
  // The floor of git's own share: an empty hook for every hook file qlock installed.
  fs.mkdirSync(emptyHooks);
  for (const name of fs.readdirSync(path.join(root, '.git', 'hooks')))
    if (!name.endsWith('.sample'))
      fs.writeFileSync(path.join(emptyHooks, name), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  const dirs = [];
  for (let s = 1; s <= SESSIONS; s++) {
    const name = `s${s}`;
    const dir = JSON.parse(qlock(['new', name, '--json'], root)).session.path;
    dirs.push(dir);
    write(dir, fileName(s * 7), `committed by ${name}\n`);
    git(['commit', '-q', '--no-verify', '-am', `work of ${name}`], dir, { QLOCK: '0' });
    write(dir, fileName(s * 11 + 1), `staged by ${name}\n`);
    git(['add', fileName(s * 11 + 1)], dir);
    for (let k = 0; k < 3; k++) write(dir, fileName(s * 13 + 2 + k), `edited by ${name}\n`);
    for (let k = 0; k < 2; k++) write(dir, `new/${name}-${k}.txt`, 'untracked\n');
    // Locks held by the other sessions, on files the measured commits do not touch.
    if (s > 1) qlock(['lock', fileName(s * 17 + 5), '--reason', 'bench'], dir);
  }
  await sleep(1100);
  for (const dir of dirs) git(['status', '--porcelain'], dir);
  // The snapshots the conflict check reuses (what `qlock watch` / `status` keep fresh).
  qlock(['conflicts', '--json'], root);
  // The setup wrote ~200k files: let the kernel write them back before measuring anything.
  spawnSync('sync');
  await sleep(2000);
  const setupMs = performance.now() - t0;

  const s1 = dirs[0];
  const free = fileName(FILES - 3); // nobody else changes it
  const shared = fileName(2 * 13 + 2); // s2 edits it (unstaged)
  // A file nobody changes, different for every commit: nothing about it is cached yet.
  const fresh = (i) => fileName(FILES - 100 - i);
  // Other processes rebuilding dist/ with plain `tsc` make the bundle stale: refresh it per case.
  const bundle = () => {
    if (!values['no-bundle'])
      return run(process.execPath, [path.resolve(here, '../scripts/bundle.mjs')], here);
    // Not fresh: older than the dist files it lists.
    const old = new Date(Date.now() - 3600_000);
    fs.utimesSync(path.resolve(here, '../dist/fastBundle-hook.cjs'), old, old);
  };
  bundle();
  const plain = commitLatency(s1, () => free, RUNS);
  const plainBundle = bundleState();
  bundle();
  const cold = commitLatency(s1, fresh, RUNS);
  const coldBundle = bundleState();
  bundle();
  const overlap = commitLatency(s1, () => shared, RUNS);
  const overlapBundle = bundleState();
  if (!/also changing/.test(overlap.stderr))
    throw new Error(`the overlap case did not warn:\n${overlap.stderr}`);
  for (const r of [plain, cold])
    if (r.stderr.trim()) throw new Error(`a no-overlap commit printed:\n${r.stderr}`);

  // git fetch of REFS new refs, with the hooks installed vs with no hooks at all.
  const remote = path.join(work, 'remote');
  fs.mkdirSync(remote);
  git(['init', '-q', '-b', 'main'], remote);
  write(remote, 'r.txt', 'remote\n');
  git(['add', '-A'], remote);
  git(['commit', '-q', '-m', 'r'], remote);
  const lines = [];
  for (let i = 0; i < REFS; i++) lines.push(`create refs/heads/b${i} HEAD`);
  spawnSync('git', ['update-ref', '--stdin'], { cwd: remote, env, input: lines.join('\n') + '\n' });
  git(['fetch', '-q', remote, 'refs/heads/main:refs/remotes/warm/main'], root);
  const fetchWith = [];
  const fetchWithout = [];
  for (let i = 0; i < 2 * RUNS; i++) {
    const hooks = i % 2 === 0;
    const ns = `refs/remotes/it${i}`;
    const args = [
      ...(hooks ? [] : ['-c', 'core.hooksPath=/dev/null']),
      'fetch',
      '-q',
      '--no-atomic',
      remote,
      `+refs/heads/*:${ns}/*`,
    ];
    (hooks ? fetchWith : fetchWithout).push(time(() => git(args, root)));
    const del = [];
    for (let k = 0; k < REFS; k++) del.push(`delete ${ns}/b${k}`);
    spawnSync('git', ['update-ref', '--stdin'], { cwd: root, env, input: del.join('\n') + '\n' });
  }

  const fmt = (ms) => `${ms.toFixed(1)} ms`;
  const fetchRatio = median(fetchWith) / median(fetchWithout);
  console.log(
    `qlock git hooks: ${SESSIONS} sessions, ${FILES} files, ${RUNS} runs each (setup ${(setupMs / 1000).toFixed(1)} s)`,
  );
  const line = (label, r, budget) =>
    console.log(
      `  ${label.padEnd(46)} with hooks ${fmt(r.with)}, without ${fmt(r.without)}, added ${fmt(r.added)}; node -e '' ${fmt(r.node)}; ratio ${r.ratio.toFixed(2)}x${budget ? ` (budget ${budget}x)` : ''}\n` +
        `  ${''.padEnd(46)} of which git running empty hooks of the same names: ${fmt(r.empty - r.without)} (${r.gitShare.toFixed(2)}x); qlock's own processes: ${(r.ratio - r.gitShare).toFixed(2)}x`,
    );
  line('git commit, no overlap, same file each time:', plain, COMMIT_BUDGET);
  line('git commit, no overlap, a new file each time:', cold, COMMIT_BUDGET);
  line('git commit, overlap (warning + merge-tree):', overlap);
  console.log(
    `  git fetch of ${REFS} refs: with hooks ${fmt(median(fetchWith))}, without ${fmt(median(fetchWithout))} = ${fetchRatio.toFixed(2)}x (budget ${FETCH_BUDGET}x)`,
  );
  console.log(
    `  hook entry after each case: ${plainBundle}; ${coldBundle}; ${overlapBundle} (before: ${bundleBefore})`,
  );
  const pass =
    plain.ratio <= COMMIT_BUDGET && cold.ratio <= COMMIT_BUDGET && fetchRatio <= FETCH_BUDGET;
  console.log(`  ${pass ? 'PASS' : 'FAIL'}`);
  process.exitCode = pass ? 0 : 1;
} finally {
  if (values.keep) console.log(`kept ${work}`);
  else fs.rmSync(work, { recursive: true, force: true });
}
