import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { locksOverlap } from '../../src/locks/lockTable.js';
import { readEvents } from '../../src/store/eventLog.js';
import { readRegistry } from '../../src/store/registry.js';
import { makeRepo, REPO_ROOT, runQlock, tempDir } from '../helpers/repo.js';

/**
 * The proof the issue asks for: 8 processes × 200 random lock/unlock operations on 20 paths
 * (directory prefixes mixed in) against one registry. Each process runs the real library
 * (dist/locks, the same code the CLI runs) rather than 1,600 CLI processes, which would take
 * minutes on 2 cores; the mutex and the registry on disk are exactly the CLI's.
 */

const PROCESSES = 8;
const OPS = 200;
const POOL = [
  'top0.txt',
  'top1.txt',
  'top2.txt',
  'top3.txt',
  'd0/',
  'd0/f0.txt',
  'd0/f1.txt',
  'd0/f2.txt',
  'd0/f3.txt',
  'd1/',
  'd1/f0.txt',
  'd1/f1.txt',
  'd1/f2.txt',
  'd2/',
  'd2/sub/',
  'd2/sub/f0.txt',
  'd2/sub/f1.txt',
  'd2/f0.txt',
  'd3/',
  'd3/new file ü.txt',
];

interface Interval {
  path: string;
  start: number;
  end: number;
  open?: boolean;
}
interface WorkerLog {
  session: string;
  intervals: Interval[];
  taken: number;
  fresh: number;
  refused: number;
  released: number;
  final: string[];
}

/** Pairs of intervals on overlapping paths, held by different sessions, that intersect in time. */
export function violations(logs: WorkerLog[]): string[] {
  const all = logs.flatMap((log) => log.intervals.map((i) => ({ ...i, session: log.session })));
  const found: string[] = [];
  for (let x = 0; x < all.length; x++) {
    for (let y = x + 1; y < all.length; y++) {
      const a = all[x]!;
      const b = all[y]!;
      if (a.session === b.session || !locksOverlap(a.path, b.path)) continue;
      if (a.start < b.end && b.start < a.end)
        found.push(
          `${a.session}:${a.path} [${a.start}, ${a.end}] ∩ ${b.session}:${b.path} [${b.start}, ${b.end}]`,
        );
    }
  }
  return found;
}

function runWorker(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(REPO_ROOT, 'test/e2e/locksWorker.mjs'), ...args],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`worker ${args[1]} exited ${code}: ${stderr}`)),
    );
  });
}

describe('the checker', () => {
  it('catches two sessions holding overlapping locks at the same time', () => {
    const log = (session: string, intervals: Interval[]): WorkerLog => ({
      session,
      intervals,
      taken: 0,
      fresh: 0,
      refused: 0,
      released: 0,
      final: [],
    });
    const ok = [
      log('a', [{ path: 'd0/', start: 0, end: 10 }]),
      log('b', [
        { path: 'd0/f0.txt', start: 10, end: 20 },
        { path: 'd1/', start: 0, end: 20 },
      ]),
    ];
    expect(violations(ok)).toEqual([]);
    const bad = [...ok, log('c', [{ path: 'd1/f1.txt', start: 19, end: 30 }])];
    expect(violations(bad)).toHaveLength(1);
  });
});

describe('locks under contention', () => {
  it(`${PROCESSES} processes × ${OPS} random operations: never two overlapping holders, nothing lost`, async () => {
    const repo = makeRepo();
    expect((await runQlock(['init', '--no-hooks'], { cwd: repo.root })).code).toBe(0);
    const sessions: string[] = [];
    for (let i = 0; i < PROCESSES; i++) {
      const name = `s${i}`;
      const dir = repo.worktree(name);
      const joined = await runQlock(['join', name], { cwd: dir });
      expect(joined.code, joined.stderr).toBe(0);
      sessions.push(name);
    }
    const stateDir = path.join(repo.root, '.git/qlock');
    const eventsBefore = readEvents(stateDir).end;
    const out = tempDir('qlock-logs');

    await Promise.all(
      sessions.map((session, i) =>
        runWorker([
          stateDir,
          session,
          String(1000 + i),
          String(OPS),
          path.join(out, `${session}.json`),
          JSON.stringify(POOL),
        ]),
      ),
    );
    const logs = sessions.map(
      (s) => JSON.parse(fs.readFileSync(path.join(out, `${s}.json`), 'utf8')) as WorkerLog,
    );

    // There was real contention, and real work.
    const total = (key: 'taken' | 'refused' | 'released') => logs.reduce((n, l) => n + l[key], 0);
    expect(total('taken')).toBeGreaterThan(100);
    expect(total('refused')).toBeGreaterThan(100);
    expect(total('released')).toBeGreaterThan(100);

    // 1. Mutual exclusion: overlapping locks of different sessions never intersect in time.
    expect(violations(logs)).toEqual([]);

    // 2. Nothing lost: the registry is exactly the replay of every process's last known state...
    const registry = readRegistry(stateDir);
    const actual = registry.locks.map((l) => `${l.session}:${l.path}`).sort();
    const expected = logs.flatMap((l) => l.final.map((p) => `${l.session}:${p}`)).sort();
    expect(actual).toEqual(expected);
    // ...and every new lock a process was told it got was recorded (one lock-taken event each).
    const events = readEvents(stateDir, eventsBefore).events.filter((e) => e.kind === 'lock-taken');
    for (const log of logs) {
      const recorded = events
        .filter((e) => e.from === log.session)
        .reduce((n, e) => n + (e.paths?.length ?? 0), 0);
      expect(recorded, log.session).toBe(log.fresh);
    }
    // The mutex is free and no temp file is left behind.
    expect(fs.existsSync(path.join(stateDir, 'registry.lock'))).toBe(false);
    expect(fs.readdirSync(stateDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
