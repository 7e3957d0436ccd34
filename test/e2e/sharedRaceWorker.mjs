// One racing process of test/e2e/sharedRace.test.ts: a session of one clone that takes and gives
// back shared locks in a loop, logging each interval during which it held them. Uses the built
// modules (dist/), like the CLI does.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

const [distDir, cwd, session, logFile, iterations, seed, mode = 'lib'] = process.argv.slice(2);
// mode "cli": every lock and unlock is a run of the built CLI (bin/qlock.js), as a user types it.
const BIN = path.join(distDir, '../bin/qlock.js');
function qlock(args) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  if (r.stderr.trim() && r.status === 0) log({ warning: r.stderr.trim(), session, clone });
  if (r.status === 3) throw new RefusedError(r.stderr);
  if (r.status !== 0) throw new Error(`qlock ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
}
const load = (m) => import(path.join(distDir, m));
const { findProject } = await load('project/findProject.js');
const { loadConfig } = await load('project/loadConfig.js');
const { RefusedError } = await load('errors.js');
const { acquireShared, releaseShared } = await load('shared/sharedLocks.js');
const { sharedSettings } = await load('shared/settings.js');
const { fetchState } = await load('shared/remoteStore.js');
const { cloneId } = await load('shared/identity.js');

const project = findProject(cwd);
const { config } = await loadConfig(project.root, project.stateDir);
const target = { project, config };
const settings = sharedSettings(config);
const clone = cloneId(project.stateDir);

// A small deterministic generator, so a failing run can be replayed with its seed.
let state = Number(seed) >>> 0 || 1;
const random = () => {
  state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
  return state / 2 ** 32;
};
const CHOICES = [['src/a.txt'], ['src/b.txt'], ['src/c.txt'], ['src/'], ['src/a.txt', 'src/b.txt']];
const clock = () => process.hrtime.bigint().toString(); // CLOCK_MONOTONIC: one clock for all processes
const sleep = (ms) => delay(ms);
const log = (entry) => fs.appendFileSync(logFile, JSON.stringify(entry) + '\n');
const counts = { granted: 0, refused: 0, busy: 0 };
// Waiting a little keeps the contention up: a refused worker tries again at once.
const WAIT_MS = Number(process.env.QLOCK_RACE_WAIT_MS ?? 1500);

for (let i = 0; i < Number(iterations); i++) {
  const paths = CHOICES[Math.floor(random() * CHOICES.length)];
  const asked = Date.now();
  try {
    if (mode === 'cli')
      qlock(['lock', ...paths, '--reason', `race ${i}`, '--wait', `${WAIT_MS}ms`]);
    else
      await acquireShared(
        target,
        { session, paths, reason: `race ${i}`, now: () => new Date(), waitMs: WAIT_MS },
        (w) => log({ warning: w, session, clone }),
      );
  } catch (error) {
    if (error instanceof RefusedError) counts.refused++;
    else if (/stayed busy/.test(error.message)) counts.busy++;
    else throw error;
    log({ refusedAfterMs: Date.now() - asked, session });
    await sleep(random() * 20);
    continue;
  }
  const start = clock();
  counts.granted++;
  // None lost: while we hold them, the remote must list our locks.
  const { doc } = await fetchState(project.worktreeRoot, settings);
  const missing = paths.filter(
    (p) => !doc.locks.some((l) => l.clone === clone && l.session === session && l.path === p),
  );
  await sleep(20 + random() * 80);
  const end = clock();
  const releasing = Date.now();
  if (mode === 'cli') qlock(['unlock', ...paths]);
  else
    await releaseShared(target, { session, paths, now: new Date() }, (w) =>
      log({ warning: w, session, clone }),
    );
  log({
    clone,
    session,
    paths,
    start,
    end,
    missing,
    acquireMs: releasing - asked,
    releaseMs: Date.now() - releasing,
  });
}
log({ done: true, clone, session, ...counts });
