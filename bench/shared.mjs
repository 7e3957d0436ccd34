#!/usr/bin/env node
/**
 * Benchmark: one shared lock round-trip (a lock taken, then released, locally and on the shared
 * remote) as a ratio of a bare `git push` of one ref to the same remote, over file:// and over
 * `git daemon` on 127.0.0.1. Also the full CLI (`qlock lock` / `qlock unlock`, node start
 * included) with shared mode on against off. The issue sets no budget: the figures say what
 * shared mode costs on top of the push it cannot avoid.
 *
 *   npm run build && node bench/shared.mjs [--runs 31]
 *
 * Each run alternates push / lock / unlock so that background load hits all alike; figures are
 * medians over the runs. Every lock and every push sends new objects (no no-op pushes): the bare
 * push sends a new commit (blob, tree, commit) each time, as a shared lock does.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';

import { isolatedEnv, writeGitconfig } from './benchEnv.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const DIST = path.resolve(here, '../dist');
const BIN = path.resolve(here, '../bin/qlock.js');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '31' } } });
const RUNS = Math.max(5, Number(values.runs));

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qlock-bench-shared-'));
const gitconfig = path.join(work, 'gitconfig');
writeGitconfig(gitconfig, '[protocol "file"]\n\tallow = always\n');
const env = isolatedEnv(gitconfig);
Object.assign(process.env, env);
for (const key of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'QLOCK_SESSION'])
  delete process.env[key];

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd} (${r.status}):\n${r.stderr}`);
  return r.stdout.trim();
}
const git = (args, cwd) => run('git', args, cwd);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (n) => `${n.toFixed(1)} ms`;
const time = async (fn) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

const { findProject } = await import(path.join(DIST, 'project/findProject.js'));
const { loadConfig } = await import(path.join(DIST, 'project/loadConfig.js'));
const { registerSession } = await import(path.join(DIST, 'sessions/registerSession.js'));
const { acquireShared, releaseShared } = await import(path.join(DIST, 'shared/sharedLocks.js'));

// One bare remote with a commit, served over file:// and git daemon.
const bare = path.join(work, 'remote.git');
git(['init', '-q', '--bare', '-b', 'main', bare], work);
const seed = path.join(work, 'seed');
fs.mkdirSync(seed);
git(['init', '-q', '-b', 'main'], seed);
fs.writeFileSync(path.join(seed, 'a.txt'), 'a\n');
git(['add', '-A'], seed);
git(['commit', '-q', '-m', 'initial'], seed);
git(['push', '-q', bare, 'main'], seed);

const port = await new Promise((resolve) => {
  const s = net.createServer();
  s.listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const daemon = spawn(
  'git',
  [
    'daemon',
    '--export-all',
    '--enable=receive-pack',
    `--base-path=${work}`,
    '--listen=127.0.0.1',
    `--port=${port}`,
    '--reuseaddr',
    work,
  ],
  { detached: true, stdio: 'ignore', env },
);
const stopDaemon = () => {
  try {
    process.kill(-daemon.pid, 'SIGKILL');
  } catch {
    // gone
  }
};
process.on('exit', () => {
  stopDaemon();
  fs.rmSync(work, { recursive: true, force: true });
});
for (let i = 0; ; i++) {
  const up = await new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });
  if (up) break;
  if (i > 400) throw new Error('git daemon did not start');
  await delay(25);
}

async function setup(label, url) {
  const root = path.join(work, label);
  git(['clone', '-q', url, root], work);
  fs.writeFileSync(
    path.join(root, '.qsessionrc.json'),
    JSON.stringify({ shared: { remote: 'origin' } }),
  );
  fs.appendFileSync(path.join(root, '.git/info/exclude'), '.qsessionrc.json\n');
  const project = findProject(root);
  fs.mkdirSync(project.stateDir, { recursive: true });
  const { config } = await loadConfig(project.root, project.stateDir);
  await registerSession(
    project,
    config,
    { name: 'bench', path: project.worktreeRoot, kind: 'clone', branch: 'main', base: 'main' },
    new Date(),
  );
  // The bare push sends what a shared lock sends: one new commit with a new tree and blob.
  const commits = Array.from({ length: RUNS + 2 }, (_, n) => {
    const blob = run('sh', ['-c', `echo '{"bench": ${n}}' | git hash-object -w --stdin`], root);
    const tree = run(
      'sh',
      ['-c', `printf '100644 blob ${blob}\\tstate.json\\n' | git mktree`],
      root,
    );
    return git(['commit-tree', tree, '-m', `bench ${n}`], root);
  });
  return { root, project, config, commits };
}

async function measure(label, url) {
  const c = await setup(label, url);
  const target = { project: c.project, config: c.config };
  const warn = (w) => {
    throw new Error(`unexpected warning: ${w}`);
  };
  const push = [];
  const lock = [];
  const unlock = [];
  const lockLocal = [];
  for (let i = 0; i < RUNS + 2; i++) {
    const sha = c.commits[i];
    const p = await time(
      () =>
        new Promise((resolve, reject) => {
          const child = spawn('git', ['push', '-q', '--force', 'origin', `${sha}:refs/bench/one`], {
            cwd: c.root,
            env,
            stdio: 'ignore',
          });
          child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`push ${code}`))));
        }),
    );
    const l = await time(() =>
      acquireShared(
        target,
        {
          session: 'bench',
          paths: [`f${i}.txt`],
          reason: 'bench',
          now: () => new Date(),
          waitMs: 0,
        },
        warn,
      ),
    );
    const u = await time(() =>
      releaseShared(target, { session: 'bench', paths: [`f${i}.txt`], now: new Date() }, warn),
    );
    if (i >= 2) {
      // the first two warm up caches (tracking ref, identity file, page cache)
      push.push(p);
      lock.push(l);
      unlock.push(u);
    }
  }
  const { acquireLocks } = await import(path.join(DIST, 'locks/acquireLocks.js'));
  const { releaseLocks } = await import(path.join(DIST, 'locks/releaseLocks.js'));
  for (let i = 0; i < RUNS; i++) {
    lockLocal.push(
      await time(async () => {
        await acquireLocks(c.project.stateDir, {
          session: 'bench',
          paths: ['x.txt'],
          reason: '',
          now: new Date(),
        });
        await releaseLocks(c.project.stateDir, {
          session: 'bench',
          paths: ['x.txt'],
          now: new Date(),
        });
      }),
    );
  }
  const mp = median(push);
  const ml = median(lock);
  const mu = median(unlock);
  // Ratios within each run, where the machine's load hits push and lock alike.
  const rl = median(lock.map((l, i) => l / push[i]));
  const ru = median(unlock.map((u, i) => u / push[i]));
  console.log(`\n${label} (${url})`);
  console.log(`  git push of one ref          ${ms(mp)}`);
  console.log(
    `  shared lock   (local + CAS)  ${ms(ml)}  = ${(ml / mp).toFixed(2)} × push (median of per-run ratios ${rl.toFixed(2)})`,
  );
  console.log(
    `  shared unlock (local + CAS)  ${ms(mu)}  = ${(mu / mp).toFixed(2)} × push (median of per-run ratios ${ru.toFixed(2)})`,
  );
  console.log(`  local lock + unlock, no remote ${ms(median(lockLocal))}`);
  return c;
}

function cli(c, args) {
  const t = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: c.root, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`qlock ${args.join(' ')}: ${r.stderr}`);
  if (r.stderr.trim()) throw new Error(`qlock ${args.join(' ')} warned: ${r.stderr}`);
  return performance.now() - t;
}

console.log(
  `qlock shared-mode benchmark, ${RUNS} runs, medians (node ${process.version}, ${os.cpus().length} cores)`,
);
const viaFile = await measure('file://', `file://${bare}`);
await measure('git daemon', `git://127.0.0.1:${port}/remote.git`);

// The whole CLI, node start included: shared on, then off (same clone, config file removed).
const on = { lock: [], unlock: [] };
const off = { lock: [], unlock: [] };
const rc = path.join(viaFile.root, '.qsessionrc.json');
for (const [mode, into] of [
  ['on', on],
  ['off', off],
]) {
  if (mode === 'off') fs.renameSync(rc, `${rc}.off`);
  for (let i = 0; i < Math.min(RUNS, 15); i++) {
    into.lock.push(cli(viaFile, ['lock', 'cli.txt']));
    into.unlock.push(cli(viaFile, ['unlock', 'cli.txt']));
  }
}
const nodeE = [];
for (let i = 0; i < 15; i++) {
  const t = performance.now();
  spawnSync(process.execPath, ['-e', ''], { env });
  nodeE.push(performance.now() - t);
}
console.log(`\nCLI over file:// (node start included; node -e '' = ${ms(median(nodeE))})`);
console.log(`  qlock lock    shared on ${ms(median(on.lock))}  off ${ms(median(off.lock))}`);
console.log(`  qlock unlock  shared on ${ms(median(on.unlock))}  off ${ms(median(off.unlock))}`);
stopDaemon();
