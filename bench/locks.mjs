#!/usr/bin/env node
/**
 * Benchmark: `qlock lock` / `qlock unlock` wall time as a ratio of `node -e ''` (DESIGN.md budget
 * ≤ 1.3 ×), and the throughput of 8 processes contending for locks in one project:
 *   - CLI: 8 concurrent loops, one per session, each running `qlock lock P` then `qlock unlock P`
 *     on paths drawn from a small shared set (so some locks are refused, exit 3);
 *   - library: 8 node processes calling acquireLocks / releaseLocks (dist/locks) in a loop, which is
 *     what the registry mutex sustains without process start-up.
 *
 *   npm run build && node bench/locks.mjs [--runs 21] [--cli-ops 12] [--lib-ops 200]
 *
 * Runs alternate node / lock / unlock so that background load hits all three alike; the latency
 * figures are medians. Exits 1 over budget.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import { isolatedEnv, writeGitconfig } from './benchEnv.mjs';

const BUDGET = 1.3;
const PROCESSES = 8;
const here = path.dirname(new URL(import.meta.url).pathname);
const ROOT = path.resolve(here, '..');
const BIN = path.join(ROOT, 'bin/qlock.js');

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '21' },
    'cli-ops': { type: 'string', default: '12' },
    'lib-ops': { type: 'string', default: '200' },
  },
});
const RUNS = Math.max(15, Number(values.runs));
const CLI_OPS = Number(values['cli-ops']);
const LIB_OPS = Number(values['lib-ops']);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qlock-bench-locks-'));
// Removed however the run ends (a failed command throws).
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));
const repo = path.join(work, 'repo');
const gitconfig = path.join(work, 'gitconfig');
writeGitconfig(gitconfig);
const env = isolatedEnv(gitconfig);

function run(cmd, args, cwd, okCodes = [0]) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8' });
  if (!okCodes.includes(r.status))
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd} (${r.status}):\n${r.stderr}`);
  return r;
}
const git = (args, cwd = repo) => run('git', args, cwd);
const qlock = (args, cwd = repo, okCodes) => run(process.execPath, [BIN, ...args], cwd, okCodes);

function timed(args, cwd = repo, okCodes = [0]) {
  const start = performance.now();
  run(process.execPath, args, cwd, okCodes);
  return performance.now() - start;
}
const median = (list) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const ms = (n) => `${n.toFixed(1)} ms`;

// --- setup: a repository with 8 sessions (worktrees) -------------------------------------------
fs.mkdirSync(repo);
git(['init', '-q', '-b', 'main']);
fs.writeFileSync(path.join(repo, 'README.md'), '# bench\n');
git(['add', '-A']);
git(['commit', '-q', '-m', 'initial']);
qlock(['init', '--no-hooks']);
const sessions = [];
for (let i = 0; i < PROCESSES; i++) {
  const dir = path.join(work, `s${i}`);
  git(['worktree', 'add', '-q', '-b', `s${i}`, dir, 'main']);
  qlock(['join', `s${i}`], dir);
  sessions.push({ name: `s${i}`, dir });
}
const stateDir = path.join(repo, '.git/qlock');
const s0 = sessions[0].dir;

// --- latency -----------------------------------------------------------------------------------
const t = { node: [], lock: [], unlock: [], refused: [] };
qlock(['lock', 'held-by-s1.txt'], sessions[1].dir);
for (let i = 0; i < RUNS; i++) {
  t.node.push(timed(['-e', '']));
  t.lock.push(timed([BIN, 'lock', 'x'], s0));
  t.unlock.push(timed([BIN, 'unlock', 'x'], s0));
  t.refused.push(timed([BIN, 'lock', 'held-by-s1.txt'], s0, [3]));
}
const base = median(t.node);
const baseMin = Math.min(...t.node);
const rows = [
  ["node -e ''", t.node],
  ['qlock lock x', t.lock],
  ['qlock unlock x', t.unlock],
  ['qlock lock (refused, exit 3)', t.refused],
];
console.log(
  `latency over ${RUNS} runs each (${os.cpus().length} cores, node ${process.version}, load average ${os.loadavg()[0].toFixed(1)}):`,
);
console.log(
  `  ${''.padEnd(30)} ${'median'.padStart(9)}  ratio  ${'min'.padStart(9)}  ratio (min: least disturbed by load)`,
);
for (const [name, list] of rows) {
  const m = median(list);
  const low = Math.min(...list);
  console.log(
    `  ${name.padEnd(30)} ${ms(m).padStart(9)}  ${(m / base).toFixed(2)}×  ${ms(low).padStart(9)}  ${(low / baseMin).toFixed(2)}×`,
  );
}

// --- throughput: 8 contending CLI loops --------------------------------------------------------
function loop(session, i) {
  // Each loop is a shell of sequential CLI calls; paths overlap across sessions on purpose.
  const script = Array.from({ length: CLI_OPS }, (_, k) => {
    const p = k % 3 === 0 ? 'shared/' : `shared/f${(i + k) % 4}.txt`;
    return `"${process.execPath}" "${BIN}" lock '${p}' >/dev/null 2>&1; [ $? -le 3 ] || exit 1; "${process.execPath}" "${BIN}" unlock '${p}' >/dev/null 2>&1; true`;
  }).join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script], { cwd: session.dir, env, stdio: 'ignore' });
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`loop ${session.name} failed`)),
    );
  });
}
let start = performance.now();
await Promise.all(sessions.map(loop));
const cliSeconds = (performance.now() - start) / 1000;
const cliOps = PROCESSES * CLI_OPS * 2;
console.log(
  `throughput, ${PROCESSES} contending CLI loops × ${CLI_OPS} lock+unlock: ${cliOps} commands in ${cliSeconds.toFixed(1)} s = ${(cliOps / cliSeconds).toFixed(1)} commands/s`,
);

// --- throughput: 8 contending library loops ----------------------------------------------------
const workerCode = `
import { RefusedError } from ${JSON.stringify(path.join(ROOT, 'dist/errors.js'))};
import { acquireLocks, releaseLocks } from ${JSON.stringify(path.join(ROOT, 'dist/locks/index.js'))};
import { QlockError } from ${JSON.stringify(path.join(ROOT, 'dist/errors.js'))};
const [stateDir, session, ops] = process.argv.slice(1);
const paths = ['a/', 'a/x.txt', 'a/y.txt', 'b/', 'b/x.txt', 'c.txt', 'd.txt', 'e.txt'];
let refused = 0;
for (let i = 0; i < Number(ops); i++) {
  const p = paths[Math.floor(Math.random() * paths.length)];
  try {
    await acquireLocks(stateDir, { session, paths: [p], reason: '', now: new Date() });
    await releaseLocks(stateDir, { session, paths: [p], now: new Date() });
  } catch (error) {
    if (!(error instanceof RefusedError)) throw error;
    refused++;
  }
}
process.stdout.write(String(refused));
`;
function libWorker(session) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', workerCode, stateDir, session.name, String(LIB_OPS)],
      {
        env,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) =>
      code === 0 ? resolve(Number(out)) : reject(new Error(`worker ${session.name} failed`)),
    );
  });
}
start = performance.now();
const refusedCounts = await Promise.all(sessions.map(libWorker));
const libSeconds = (performance.now() - start) / 1000;
const refused = refusedCounts.reduce((a, b) => a + b, 0);
const libOps = PROCESSES * LIB_OPS * 2 - refused; // a refused attempt is one operation, not two
console.log(
  `throughput, ${PROCESSES} contending processes × ${LIB_OPS} acquireLocks(+releaseLocks): ${libOps} registry operations (${refused} refusals) in ${libSeconds.toFixed(1)} s = ${(libOps / libSeconds).toFixed(0)} ops/s`,
);

const worst = Math.max(median(t.lock), median(t.unlock)) / base;
console.log(
  `budget: lock/unlock ≤ ${BUDGET} × node -e '': ${worst <= BUDGET ? 'met' : 'MISSED'} (${worst.toFixed(2)} ×)`,
);
process.exitCode = worst <= BUDGET ? 0 : 1;
