import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { locksOverlap } from '../../src/locks/lockTable.js';
import { parseDoc } from '../../src/shared/remoteDoc.js';
import { readRegistry } from '../../src/store/registry.js';
import { gitSyncIn, REPO_ROOT, tempDir } from '../helpers/repo.js';
import {
  makeSharedWorld,
  type SharedClone,
  type SharedWorld,
  startDaemon,
} from '../helpers/sharedFixture.js';

/**
 * The proof of issue 11: real processes in different clones of one bare remote race for the same
 * paths (files and a directory lock around them); every holder logs the interval during which it
 * held its locks (CLOCK_MONOTONIC, the same clock for every process) and checks that the remote
 * listed them meanwhile. No two intervals of different sessions on overlapping paths may
 * intersect, no granted lock may be missing from the remote, and everything ends released.
 */

const DIST = path.join(REPO_ROOT, 'dist');
const WORKER = path.join(import.meta.dirname, 'sharedRaceWorker.mjs');
const CLONES = 3;
const SESSIONS_PER_CLONE = 2;
const ITERATIONS = 12;

interface Interval {
  clone: string;
  session: string;
  paths: string[];
  start: string;
  end: string;
  missing: string[];
}

function runWorker(
  cwd: string,
  session: string,
  log: string,
  seed: number,
  mode: 'lib' | 'cli',
  iterations: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [WORKER, DIST, cwd, session, log, String(iterations), String(seed), mode],
      {
        cwd,
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? -1));
  });
}

interface RaceOptions {
  urlFor?: (world: SharedWorld) => Promise<string>;
  mode?: 'lib' | 'cli';
  iterations?: number;
}

async function race({ urlFor, mode = 'lib', iterations = ITERATIONS }: RaceOptions = {}) {
  const world = makeSharedWorld();
  const url = urlFor ? await urlFor(world) : undefined;
  const clones: SharedClone[] = [];
  const workers: { clone: SharedClone; cwd: string; session: string }[] = [];
  for (let c = 0; c < CLONES; c++) {
    const clone = world.clone(`c${c}`, url ? { url } : {});
    clones.push(clone);
    for (let s = 0; s < SESSIONS_PER_CLONE; s++) {
      const session = `c${c}s${s}`;
      workers.push({ clone, session, cwd: await clone.session(session) });
    }
  }
  const log = path.join(tempDir('qlock-race-log'), 'intervals.jsonl');
  fs.writeFileSync(log, '');
  const codes = await Promise.all(
    workers.map((w, i) => runWorker(w.cwd, w.session, log, 1000 + i, mode, iterations)),
  );
  expect(codes).toEqual(workers.map(() => 0));

  const entries = fs
    .readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const intervals = entries.filter((e) => 'start' in e) as unknown as Interval[];
  const done = entries.filter((e) => e.done) as {
    granted: number;
    refused: number;
    busy: number;
  }[];
  expect(done).toHaveLength(workers.length);
  // Nobody worked offline, and there was real contention.
  expect(entries.filter((e) => 'warning' in e)).toEqual([]);
  expect(done.reduce((n, d) => n + d.refused, 0)).toBeGreaterThan(0);
  expect(intervals.length).toBe(done.reduce((n, d) => n + d.granted, 0));
  // Grants came from several machines (the cross-clone path really raced). With the CLI's few
  // iterations a clone may lose every one of its tries by chance (seen once in 3 runs), so there
  // it is at least two clones; with the library's many iterations, every clone.
  const granting = new Set(intervals.map((i) => i.clone)).size;
  if (mode === 'cli') expect(granting).toBeGreaterThanOrEqual(2);
  else expect(granting).toBe(CLONES);

  // Zero double grants.
  const overlaps: string[] = [];
  for (let i = 0; i < intervals.length; i++) {
    for (let j = i + 1; j < intervals.length; j++) {
      const a = intervals[i]!;
      const b = intervals[j]!;
      if (a.clone === b.clone && a.session === b.session) continue;
      if (!a.paths.some((p) => b.paths.some((q) => locksOverlap(p, q)))) continue;
      if (BigInt(a.start) < BigInt(b.end) && BigInt(b.start) < BigInt(a.end))
        overlaps.push(`${a.session} ${a.paths.join(',')} ∩ ${b.session} ${b.paths.join(',')}`);
    }
  }
  expect(overlaps).toEqual([]);
  // None lost: every granted lock was on the remote while held; all released at the end.
  expect(intervals.filter((i) => i.missing.length)).toEqual([]);
  const doc = parseDoc(gitSyncIn(world.bare, ['show', 'refs/qlock/locks:state.json']));
  expect(doc.locks).toEqual([]);
  for (const clone of clones) expect(readRegistry(clone.project.stateDir).locks).toEqual([]);
  return { intervals: intervals.length, done };
}

describe('processes in several clones racing for the same paths', () => {
  it('over file://: zero double grants, none lost', async () => {
    await race();
  });

  it('over git daemon on 127.0.0.1: zero double grants, none lost', async () => {
    await race({ urlFor: async (world) => (await startDaemon(world.dir)).url(world.bare) });
  });

  it('with the built CLI (`qlock lock --wait` / `qlock unlock` processes) over git daemon', async () => {
    await race({
      urlFor: async (world) => (await startDaemon(world.dir)).url(world.bare),
      mode: 'cli',
      iterations: 6,
    });
  });
});
