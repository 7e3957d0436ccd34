#!/usr/bin/env node
/**
 * Benchmark: `qlock watch` over 10 sessions × 20k files (DESIGN.md budgets: RSS < 125 MB, inotify
 * watches ≤ 1/10 of the files watched, edit-to-event latency p95 < 250 ms).
 *
 *   npm run build && node bench/watch.mjs [--files 20000] [--sessions 10] [--per-dir 20] [--edits 60] [--keep]
 *
 * Builds a repository of `--files` files, `--per-dir` per directory in two levels (20 per
 * directory gives ~1,050 directories: many more directories than a typical tree, so more
 * watches), and `--sessions` worktrees of it. Session s1 changes `--edits` files; then, with
 * `qlock watch --json` running as a child, session s0 edits those files one at a time and we time
 * each write until the overlap event for it appears on the watcher's stdout. RSS is the child's
 * VmRSS / VmHWM; watches are the `inotify wd:` lines in /proc/<pid>/fdinfo. Exits 1 when a budget
 * is missed.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

import { isolatedEnv, writeGitconfig } from './benchEnv.mjs';

const BUDGET = { rssMb: 125, watchRatio: 1 / 10, p95Ms: 250 };
const here = path.dirname(new URL(import.meta.url).pathname);
const BIN = path.resolve(here, '../bin/qlock.js');

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '20000' },
    sessions: { type: 'string', default: '10' },
    'per-dir': { type: 'string', default: '20' },
    edits: { type: 'string', default: '60' },
    keep: { type: 'boolean', default: false },
  },
});
const FILES = Number(values.files);
const SESSIONS = Number(values.sessions);
const PER_DIR = Number(values['per-dir']);
const EDITS = Number(values.edits);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qlock-bench-watch-'));
const gitconfig = path.join(work, 'gitconfig');
writeGitconfig(gitconfig);
const env = isolatedEnv(gitconfig);

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${r.stderr}`);
  return r.stdout;
}
const git = (args, cwd) => run('git', args, cwd);
const qlock = (args, cwd) => run(process.execPath, [BIN, ...args], cwd);

/** Two directory levels of PER_DIR entries: src/aNN/bNN/fNNNNN.txt. */
function fileName(i) {
  const dir = Math.floor(i / PER_DIR);
  const top = Math.floor(dir / PER_DIR);
  return `src/a${String(top).padStart(3, '0')}/b${String(dir % PER_DIR).padStart(3, '0')}/f${String(i).padStart(6, '0')}.txt`;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function procStatus(pid) {
  const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

function inotifyWatches(pid) {
  let count = 0;
  for (const fd of fs.readdirSync(`/proc/${pid}/fdinfo`)) {
    try {
      const text = fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
      count += text.split('\n').filter((l) => l.startsWith('inotify wd:')).length;
    } catch {
      // fd closed meanwhile
    }
  }
  return count;
}

function countDirs(root) {
  let n = 0;
  const walk = (dir) => {
    n++;
    for (const e of fs.readdirSync(dir, { withFileTypes: true }))
      if (e.isDirectory() && e.name !== '.git') walk(path.join(dir, e.name));
  };
  walk(root);
  return n;
}

async function main() {
  const root = path.join(work, 'repo');
  fs.mkdirSync(root);
  let t = performance.now();
  git(['init', '-q', '-b', 'main'], root);
  for (let i = 0; i < FILES; i++) {
    const file = path.join(root, fileName(i));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `line 1 of ${i}\nline 2\nline 3\n`);
  }
  git(['add', '-A'], root);
  git(['commit', '-q', '-m', 'initial'], root);
  qlock(['init', '--no-hooks'], root);
  const sessionPaths = [];
  for (let s = 0; s < SESSIONS; s++) {
    qlock(['new', `s${s}`], root);
    sessionPaths.push(fs.realpathSync(path.join(work, `repo-s${s}`)));
  }
  console.log(
    `setup: ${FILES} files × ${SESSIONS} sessions, ${countDirs(sessionPaths[0]) - 1} directories per tree (${Math.round(performance.now() - t)} ms)`,
  );

  // s1 works on EDITS files, spread over the tree; s0 will start editing the same ones.
  const targets = Array.from({ length: EDITS }, (_, k) =>
    fileName(Math.floor((k * FILES) / EDITS)),
  );
  for (const rel of targets) fs.appendFileSync(path.join(sessionPaths[1], rel), 's1 change\n');

  t = performance.now();
  const child = spawn(process.execPath, [BIN, 'watch', '--json'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d.toString()));
  const arrivals = new Map();
  let buffer = '';
  child.stdout.on('data', (d) => {
    const now = performance.now();
    buffer += d.toString();
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (!line.trim()) continue;
      const event = JSON.parse(line);
      if (event.kind === 'overlap' && event.to?.[0] === 's1')
        for (const p of event.paths ?? []) if (!arrivals.has(p)) arrivals.set(p, now);
    }
  });
  const waitUntil = async (predicate, timeoutMs, what) => {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${stderr}`);
      await sleep(2);
    }
  };
  await waitUntil(() => stderr.includes('Watching'), 120_000, 'the watcher to be ready');
  const readyMs = performance.now() - t;
  const ready = /Watching .*/.exec(stderr)?.[0];

  const latencies = [];
  for (const rel of targets) {
    const start = performance.now();
    fs.appendFileSync(path.join(sessionPaths[0], rel), 's0 change\n');
    await waitUntil(() => arrivals.has(rel), 10_000, `the overlap event for ${rel}`);
    latencies.push(arrivals.get(rel) - start);
  }
  const mem = procStatus(child.pid);
  const watches = inotifyWatches(child.pid);
  child.kill('SIGTERM');
  const code = await new Promise((r) => child.on('exit', r));

  latencies.sort((a, b) => a - b);
  const p50 = percentile(latencies, 50);
  const p95 = percentile(latencies, 95);
  const filesWatched = FILES * SESSIONS;
  const maxWatches = Math.floor(filesWatched * BUDGET.watchRatio);
  const rows = [
    ['ready', `${Math.round(readyMs)} ms`, '', ready ?? ''],
    [
      'RSS (VmRSS / peak VmHWM)',
      `${mem.rssMb.toFixed(1)} / ${mem.hwmMb.toFixed(1)} MB`,
      `< ${BUDGET.rssMb} MB`,
      mem.hwmMb < BUDGET.rssMb ? 'ok' : 'OVER',
    ],
    [
      'inotify watches',
      `${watches} (${((watches / filesWatched) * 100).toFixed(2)} % of ${filesWatched} files)`,
      `≤ ${maxWatches}`,
      watches <= maxWatches ? 'ok' : 'OVER',
    ],
    [
      `edit → overlap event (${latencies.length} edits)`,
      `p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, max ${latencies.at(-1).toFixed(0)} ms`,
      `p95 < ${BUDGET.p95Ms} ms`,
      p95 < BUDGET.p95Ms ? 'ok' : 'OVER',
    ],
    ['exit on SIGTERM', String(code), '0', code === 0 ? 'ok' : 'FAIL'],
  ];
  for (const [what, value, budget, verdict] of rows)
    console.log(`${what.padEnd(36)} ${value.padEnd(44)} ${budget.padEnd(14)} ${verdict}`);
  return rows.every((r) => !['OVER', 'FAIL'].includes(r[3]));
}

main()
  .then((ok) => {
    process.exitCode = ok ? 0 : 1;
  })
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    if (values.keep) console.log(`kept ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  });
