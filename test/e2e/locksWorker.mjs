// One contender of the locks concurrency proof (test/e2e/locksConcurrency.test.ts): random lock /
// unlock operations through the real library (dist/), in its own process. It logs, for every lock
// it held, an interval whose ends were both read *while holding*: `start` after acquireLocks
// resolved, `end` before releaseLocks was called. So each logged interval lies inside the true
// holding time, and two overlapping locks of different sessions must have disjoint intervals.
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import { RefusedError } from '../../dist/errors.js';
import { acquireLocks, releaseLocks } from '../../dist/locks/index.js';

const [stateDir, session, seedText, opsText, outFile, poolJson] = process.argv.slice(2);
const pool = JSON.parse(poolJson);
let seed = Number(seedText) >>> 0;
// mulberry32: a small seeded generator, so a failing run can be replayed.
const random = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (list) => list[Math.floor(random() * list.length)];
// CLOCK_MONOTONIC in microseconds: one clock for every process (performance.timeOrigin is not: a
// process started under load can have its own off by milliseconds).
const stamp = () => Number(process.hrtime.bigint() / 1000n);

const held = new Map(); // path -> start stamp
const log = { session, intervals: [], taken: 0, fresh: 0, refused: 0, released: 0, final: [] };

for (let op = 0; op < Number(opsText); op++) {
  if (held.size && random() < 0.45) {
    const paths = random() < 0.1 ? [...held.keys()] : [pick([...held.keys()])];
    const end = stamp();
    const { released } = await releaseLocks(stateDir, { session, paths, now: new Date() });
    for (const lock of released) {
      log.intervals.push({ path: lock.path, start: held.get(lock.path), end });
      held.delete(lock.path);
      log.released += 1;
    }
  } else {
    const paths = [...new Set(random() < 0.3 ? [pick(pool), pick(pool)] : [pick(pool)])];
    try {
      const { taken, refreshed } = await acquireLocks(stateDir, {
        session,
        paths,
        reason: `op ${op}`,
        now: new Date(),
      });
      const start = stamp();
      for (const lock of taken) if (!held.has(lock.path)) held.set(lock.path, start);
      log.taken += 1;
      log.fresh += taken.length - refreshed.length;
    } catch (error) {
      if (!(error instanceof RefusedError)) throw error;
      log.refused += 1;
    }
  }
  // Hold (or pause) a little now and then, so intervals are wide enough to collide if the mutex
  // ever let two sessions in.
  if (random() < 0.3) await sleep(Math.floor(random() * 4));
}
const end = stamp();
for (const [path, start] of held) log.intervals.push({ path, start, end, open: true });
log.final = [...held.keys()].sort();
fs.writeFileSync(outFile, JSON.stringify(log));
