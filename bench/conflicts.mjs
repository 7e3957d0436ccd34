#!/usr/bin/env node
/**
 * Benchmark: `qlock conflicts` with 10 sessions that all have uncommitted work, on a 20k-file
 * repository, cold (no cache) and warm (nothing changed since the last run), as ratios of a plain
 * shell script doing the same git work: snapshot each working tree (copy its index, `add -A`,
 * `write-tree`, `commit-tree`) and `merge-tree --write-tree` each pair and each session against
 * main. DESIGN.md budgets: cold ≤ 1.5 ×, warm ≤ 0.3 ×.
 *
 * Warm is measured twice: without a watcher, a run must still look at every working tree (one
 * `git add -A`, an lstat of all 20k files, per session) to know that nothing changed; with
 * `qlock watch` running, its activity journal vouches for quiet trees and the run skips them.
 *
 *   npm run build && node bench/conflicts.mjs [--files 20000] [--sessions 10] [--runs 7] [--fresh]
 *
 * The repository and its worktrees are generated once under the system temp dir
 * (qlock-bench-conflicts-<files>-<sessions>) and reused by later runs (--fresh rebuilds them);
 * each run resets the sessions' work and qlock's state. Runs alternate script / cold / warm so
 * that background load hits all three alike; the figures are medians. Exits 1 over budget.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

import { isolatedEnv, writeGitconfig } from './benchEnv.mjs';

const BUDGET_COLD = 1.5;
const BUDGET_WARM = 0.3;
const here = path.dirname(new URL(import.meta.url).pathname);
const BIN = path.resolve(here, '../bin/qlock.js');

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '20000' },
    sessions: { type: 'string', default: '10' },
    runs: { type: 'string', default: '7' },
    fresh: { type: 'boolean', default: false },
  },
});
const FILES = Number(values.files);
const SESSIONS = Number(values.sessions);
const RUNS = Math.max(3, Number(values.runs));

const work = path.join(os.tmpdir(), `qlock-bench-conflicts-${FILES}-${SESSIONS}`);
const repo = path.join(work, 'repo');
const gitconfig = path.join(work, 'gitconfig');
const env = isolatedEnv(gitconfig);

function run(cmd, args, cwd, options = {}) {
  const r = spawnSync(cmd, args, {
    cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    ...options,
  });
  if (r.status !== 0 && !(options.okCodes ?? []).includes(r.status))
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd} (${r.status}):\n${r.stderr}`);
  return r.stdout;
}
const git = (args, cwd = repo) => run('git', args, cwd);
const qlock = (args, cwd = repo) => run(process.execPath, [BIN, ...args], cwd, { okCodes: [3] });

const fileName = (i) =>
  `src/d${String(Math.floor(i / 100)).padStart(3, '0')}/f${String(i % 100).padStart(3, '0')}.ts`;
const content = (i, tag = '') =>
  Array.from({ length: 30 }, (_, l) => `export const v${i}_${l} = ${l}; // ${tag}`).join('\n') +
  '\n';
const wt = (s) => path.join(work, `s${s}`);

function generate() {
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(repo, { recursive: true });
  writeGitconfig(gitconfig, '[init]\n\tdefaultBranch = main\n');
  git(['init', '-q', '-b', 'main']);
  for (let i = 0; i < FILES; i++) {
    const file = path.join(repo, fileName(i));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content(i));
  }
  fs.writeFileSync(path.join(repo, '.gitignore'), 'node_modules/\n');
  git(['add', '-A']);
  git(['commit', '-q', '-m', 'initial']);
  for (let s = 0; s < SESSIONS; s++) git(['worktree', 'add', '-q', '-b', `s${s}`, wt(s), 'main']);
  fs.writeFileSync(path.join(work, 'ready'), new Date().toISOString());
}

/** Line `n` (0-based) of file `i` rewritten by session `s`. */
function editLine(dir, i, n, text) {
  const file = path.join(dir, fileName(i));
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines[n] = text;
  fs.writeFileSync(file, lines.join('\n'));
}

/**
 * Every session: 6 files of its own, one line of a file shared with all (sessions 2k and 2k+1
 * edit the same line: a conflict; the others disjoint lines: clean overlaps), a staged edit, an
 * untracked file, and for odd sessions a commit. Main gets one commit all sessions lack.
 */
function resetWork() {
  git(['reset', '-q', '--hard', 'main-start']);
  git(['clean', '-qfd']);
  for (let s = 0; s < SESSIONS; s++) {
    const dir = wt(s);
    git(['checkout', '-q', '-B', `s${s}`, 'main-start'], dir);
    git(['clean', '-qfd'], dir);
    if (s % 2 === 1) {
      editLine(dir, 1000 + s, 3, `export const committed${s} = true;`);
      git(['commit', '-q', '-am', `s${s}: committed work`], dir);
    }
    for (let k = 0; k < 6; k++)
      editLine(dir, 100 * s + k * 7 + 1, 5, `export const own${s}_${k} = 1;`);
    editLine(dir, 0, Math.floor(s / 2) * 4, `export const shared${s} = ${s};`);
    editLine(dir, 50 + s, 10, `export const staged${s} = 1;`);
    git(['add', fileName(50 + s)], dir);
    fs.writeFileSync(path.join(dir, `notes-${s}.md`), `untracked notes of s${s}\n`);
  }
  editLine(repo, 19_999 % FILES, 1, 'export const onMain = 1;');
  git(['commit', '-q', '-am', 'main moves']);
}

function setupQlock() {
  fs.rmSync(path.join(repo, '.git', 'qlock'), { recursive: true, force: true });
  qlock(['init', '--no-hooks']);
  for (let s = 0; s < SESSIONS; s++) qlock(['join', `s${s}`], wt(s));
}

/** The same git work as a plain POSIX shell script, sequential. */
function baselineScript() {
  const lines = ['set -e', `cd ${JSON.stringify(repo)}`, 'tmp=$(mktemp -d)', 'commits=""'];
  lines.push(
    `export GIT_AUTHOR_NAME=q GIT_AUTHOR_EMAIL=q@q GIT_COMMITTER_NAME=q GIT_COMMITTER_EMAIL=q@q`,
  );
  for (let s = 0; s < SESSIONS; s++) {
    const dir = JSON.stringify(wt(s));
    lines.push(
      `idx=$(git -C ${dir} rev-parse --path-format=absolute --git-path index)`,
      `cp "$idx" "$tmp/index"`,
      `GIT_INDEX_FILE="$tmp/index" git -C ${dir} add -A`,
      `tree=$(GIT_INDEX_FILE="$tmp/index" git -C ${dir} write-tree)`,
      `c${s}=$(git -C ${dir} commit-tree "$tree" -p HEAD -m snapshot)`,
    );
  }
  for (let a = 0; a < SESSIONS; a++) {
    for (let b = a + 1; b < SESSIONS; b++)
      lines.push(`git merge-tree --write-tree --name-only -z "$c${a}" "$c${b}" >/dev/null || true`);
    lines.push(`git merge-tree --write-tree --name-only -z "$c${a}" main >/dev/null || true`);
  }
  lines.push('rm -rf "$tmp"');
  const file = path.join(work, 'baseline.sh');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function time(fn) {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${ms.toFixed(0)} ms`;

if (values.fresh || !fs.existsSync(path.join(work, 'ready'))) {
  const t = time(generate);
  console.log(
    `generated ${FILES} files and ${SESSIONS} worktrees in ${(t / 1000).toFixed(1)} s (${work})`,
  );
  git(['tag', '-f', 'main-start', 'main']);
} else {
  console.log(`reusing ${work}`);
}
resetWork();
setupQlock();
const script = baselineScript();
const cacheDir = path.join(repo, '.git', 'qlock', 'cache');

// One untimed round warms the OS caches (and writes the snapshot objects once).
run('sh', [script], repo);
qlock(['conflicts', '--json']);
const first = JSON.parse(qlock(['conflicts', '--json']));
const conflicting = first.pairs.filter((p) => p.conflict).length;

/**
 * The floor of a warm run without a watcher (issue 22): proving that nothing changed takes one
 * lstat pass over each tree. Measured in the same run as `git diff-files --quiet` on every
 * worktree (its index read and one lstat per tracked file, nothing else), two at a time as
 * qlock runs its scans on these 2 cores, plus node's start (`node -e ''`).
 */
function lstatPass() {
  // spawnSync runs them one by one: the caller halves the sum (2 at a time on 2 cores)
  for (let s = 0; s < SESSIONS; s++) run('git', ['diff-files', '--quiet'], wt(s), { okCodes: [1] });
}
const shell = [];
const cold = [];
const warm = [];
const lstat = [];
const nodeStart = [];
for (let i = 0; i < RUNS; i++) {
  shell.push(time(() => run('sh', [script], repo)));
  fs.rmSync(cacheDir, { recursive: true, force: true });
  cold.push(time(() => qlock(['conflicts', '--json'])));
  warm.push(time(() => qlock(['conflicts', '--json'])));
  lstat.push(time(lstatPass) / 2);
  nodeStart.push(time(() => run(process.execPath, ['-e', ''], repo)));
}

/** `qlock watch` in the background until its journal lists every session as watched. */
async function startWatcher() {
  const child = spawn(process.execPath, [BIN, 'watch'], { cwd: repo, env, stdio: 'ignore' });
  const journal = path.join(cacheDir, 'activity.json');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const data = JSON.parse(fs.readFileSync(journal, 'utf8'));
      const modes = Object.values(data.sessions).map((s) => s.mode);
      if (modes.length === SESSIONS && modes.every((m) => m === 'watch')) return child;
    } catch {
      // not written yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill();
      throw new Error('qlock watch did not get ready within 120 s');
    }
    await sleep(100);
  }
}
const watcher = await startWatcher();
const watched = [];
try {
  await sleep(20);
  qlock(['conflicts', '--json']); // the scan the watcher's journal will vouch for
  for (let i = 0; i < RUNS; i++) {
    shell.push(time(() => run('sh', [script], repo)));
    watched.push(time(() => qlock(['conflicts', '--json'])));
  }
} finally {
  watcher.kill('SIGTERM');
}
const base = median(shell);
const coldRatio = median(cold) / base;
const warmRatio = median(warm) / base;
const watchedRatio = median(watched) / base;
const pairs = first.pairs.length;
console.log(
  `${SESSIONS} sessions, ${FILES} files, ${pairs} pairs (${conflicting} predicted to conflict), ${RUNS} runs, medians:`,
);
console.log(`  shell script (same git work, sequential): ${fmt(base)}`);
console.log(
  `  qlock conflicts, cold:  ${fmt(median(cold))}  = ${coldRatio.toFixed(2)} × script (budget ≤ ${BUDGET_COLD})`,
);
console.log(
  `  qlock conflicts, warm, no watcher:    ${fmt(median(warm))}  = ${warmRatio.toFixed(2)} × script (one add -A per session)`,
);
const floor = median(lstat) + median(nodeStart);
console.log(
  `  floor of a warm run without a watcher: ${fmt(floor)} = ${(floor / base).toFixed(2)} × script (node -e '' ${fmt(median(nodeStart))} + one lstat pass per tree, \`git diff-files\` × ${SESSIONS} / 2 cores, ${fmt(median(lstat))}); warm no watcher = ${(median(warm) / floor).toFixed(2)} × floor`,
);
console.log(
  `  qlock conflicts, warm, watch running: ${fmt(median(watched))}  = ${watchedRatio.toFixed(2)} × script (budget ≤ ${BUDGET_WARM})`,
);
console.log(
  `  load average at the end: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
const ok = coldRatio <= BUDGET_COLD && watchedRatio <= BUDGET_WARM;
console.log(ok ? 'within budget' : 'OVER BUDGET');
process.exitCode = ok ? 0 : 1;
