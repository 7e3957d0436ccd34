import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { describe, expect, it } from 'vitest';

import { readEvents } from '../../src/store/eventLog.js';
import { readRegistry } from '../../src/store/registry.js';
import { BIN, makeRepo, REPO_ROOT, runQlock, tempDir, waitFor } from '../helpers/repo.js';

/**
 * A process killed with SIGKILL at any point leaves a valid state: the next command works, the
 * registry parses and holds every committed update, the event log reads.
 */

const dist = (rel: string) => pathToFileURL(path.join(REPO_ROOT, 'dist', rel)).href;

/** Updates the registry in a tight loop and reports each committed update on stdout. */
const WRITER = `
import { updateRegistry } from '${dist('store/registry.js')}';
const [stateDir, start] = process.argv.slice(2);
for (let i = Number(start); ; i++) {
  await updateRegistry(stateDir, ({ registry, emit }) => {
    // A big payload, so that writes take long enough to be killed in the middle of one.
    registry.locks.push({ path: 'crash/' + i, session: 'writer', reason: 'x'.repeat(2000), acquiredAt: new Date().toISOString() });
    emit({ kind: 'note', from: 'writer', message: 'update ' + i, data: { pad: 'y'.repeat(3000) } });
  });
  process.stdout.write(i + '\\n');
}
`;

/** Takes the mutex through the real updateRegistry and hangs inside the critical section. */
const HOLDER = `
import { updateRegistry } from '${dist('store/registry.js')}';
const [stateDir] = process.argv.slice(2);
setInterval(() => {}, 1000);
await updateRegistry(stateDir, async ({ registry }) => {
  registry.locks.push({ path: 'never-committed', session: 'ghost', reason: '', acquiredAt: new Date().toISOString() });
  process.stdout.write('held\\n');
  await new Promise(() => {});
});
`;

/** Waits for the go file, takes the mutex, logs when it is inside, and checks it still holds it. */
const WAITER = `
import fs from 'node:fs';
import { withMutex } from '${dist('store/mutex.js')}';
const [stateDir, go, log] = process.argv.slice(2);
while (!fs.existsSync(go)) await new Promise((r) => setTimeout(r, 1));
// CLOCK_MONOTONIC in microseconds: one clock for every process. performance.timeOrigin is not:
// a process started under load can have its own off by milliseconds, which showed a false overlap.
const now = () => process.hrtime.bigint() / 1000n;
await withMutex(stateDir, async (assertHeld) => {
  fs.appendFileSync(log, 'in ' + now() + '\\n');
  await new Promise((r) => setTimeout(r, 20));
  assertHeld();
  fs.appendFileSync(log, 'out ' + now() + '\\n');
});
`;

function startNode(script: string, args: string[]) {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (output.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output.stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, output, exited };
}

function committed(stdout: string): number[] {
  return stdout
    .split('\n')
    .filter((l) => /^\d+$/.test(l))
    .map(Number);
}

describe('SIGKILL at random points', () => {
  it('a registry writer killed again and again: every committed update survives, the next command works', async () => {
    const repo = makeRepo();
    expect((await runQlock(['init', '--no-hooks'], { cwd: repo.root })).code).toBe(0);
    expect((await runQlock(['join', 'main'], { cwd: repo.root })).code).toBe(0);
    const stateDir = path.join(repo.root, '.git', 'qlock');
    const script = path.join(tempDir(), 'writer.mjs');
    fs.writeFileSync(script, WRITER);

    let next = 0;
    const allCommitted: number[] = [];
    const ROUNDS = 6;
    for (let round = 0; round < ROUNDS; round++) {
      const writer = startNode(script, [stateDir, String(next)]);
      // Let it commit a few updates, then kill it after a further random delay.
      await waitFor(() => committed(writer.output.stdout).length >= 2, 30_000);
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 150)));
      writer.child.kill('SIGKILL');
      await writer.exited;
      expect(writer.output.stderr).toBe('');
      const done = committed(writer.output.stdout);
      allCommitted.push(...done);

      // The next command works (taking over a mutex the writer may have died holding).
      const listed = await runQlock(['list', '--json'], { cwd: repo.root });
      expect(listed.code, listed.stderr).toBe(0);
      expect(JSON.parse(listed.stdout).sessions.map((s: { name: string }) => s.name)).toEqual([
        'main',
      ]);

      // The registry parses and holds every update reported as committed (and perhaps the one
      // in flight, if it was written before the kill): the numbers are contiguous.
      const paths = readRegistry(stateDir).locks.map((l) => l.path);
      const numbers = paths.map((p) => Number(p.split('/')[1]));
      for (const n of allCommitted) expect(numbers).toContain(n);
      expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i));
      next = numbers.length;

      // The event log reads (a torn tail is skipped) and has every committed update's event.
      const messages = new Set(readEvents(stateDir).events.map((e) => e.message));
      for (const n of allCommitted) expect(messages.has(`update ${n}`)).toBe(true);
    }
    expect(allCommitted.length).toBeGreaterThanOrEqual(ROUNDS * 2);

    // Whatever the kills left (temp files, a torn log line), a normal write goes through and
    // gc / doctor leave a healthy state.
    expect((await runQlock(['gc'], { cwd: repo.root })).code).toBe(0);
    const doctor = await runQlock(['doctor', '--json'], { cwd: repo.root });
    const state = (
      JSON.parse(doctor.stdout) as { findings: { check: string; ok: boolean }[] }
    ).findings.filter((f) => f.check === 'state');
    expect(state.every((f) => f.ok)).toBe(true);
    const wt = repo.worktree('after');
    const joined = await runQlock(['join', '--json'], { cwd: wt });
    expect(joined.code, joined.stderr).toBe(0);
    expect(Object.keys(readRegistry(stateDir).sessions).sort()).toEqual(['after', 'main']);
  });

  it('a holder killed while holding the mutex: the next command proceeds after the stale timeout', async () => {
    const repo = makeRepo();
    expect((await runQlock(['init', '--no-hooks'], { cwd: repo.root })).code).toBe(0);
    const stateDir = path.join(repo.root, '.git', 'qlock');
    const script = path.join(tempDir(), 'holder.mjs');
    fs.writeFileSync(script, HOLDER);
    const before = fs.readFileSync(path.join(stateDir, 'registry.json'), 'utf8');

    const holder = startNode(script, [stateDir]);
    await waitFor(() => holder.output.stdout.includes('held'), 30_000);
    holder.child.kill('SIGKILL');
    await holder.exited;
    // The dead holder's mutex is still there, so the next command must take it over.
    expect(fs.existsSync(path.join(stateDir, 'registry.lock'))).toBe(true);
    expect(fs.readFileSync(path.join(stateDir, 'registry.json'), 'utf8')).toBe(before);

    const created = await runQlock(['new', 'after-crash', '--json'], { cwd: repo.root });
    expect(created.code, created.stderr).toBe(0);
    const registry = readRegistry(stateDir);
    expect(Object.keys(registry.sessions)).toEqual(['after-crash']);
    expect(registry.locks).toEqual([]); // the holder's change never reached the disk
    expect(fs.existsSync(path.join(stateDir, 'registry.lock'))).toBe(false);
  });

  it('`qlock new --copy` killed while it snapshots the copy: the next commands work, gc removes the half-made snapshot', async () => {
    const root = path.join(tempDir(), 'plain');
    for (let i = 0; i < 800; i++) {
      fs.mkdirSync(path.join(root, `d${i % 30}`), { recursive: true });
      fs.writeFileSync(path.join(root, `d${i % 30}`, `f${i}.txt`), `line ${i}\n`.repeat(20));
    }
    expect((await runQlock(['init'], { cwd: root })).code).toBe(0);
    const snapshots = path.join(root, '.qlock', 'snapshots');
    const pending = () =>
      fs.existsSync(snapshots) && fs.readdirSync(snapshots).some((n) => n.startsWith('.pending-'));
    const child = spawn(process.execPath, [BIN, 'new', 'killed', '--copy'], {
      cwd: root,
      stdio: 'ignore',
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    await waitFor(pending, 60_000, 2);
    child.kill('SIGKILL');
    await exited;
    expect(pending()).toBe(true);

    const listed = await runQlock(['list', '--json'], { cwd: root });
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).sessions).toEqual([]);
    const cleaned = await runQlock(['gc', '--json'], { cwd: root });
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(JSON.parse(cleaned.stdout).actions).toEqual([
      expect.objectContaining({
        kind: 'snapshot',
        target: expect.stringMatching(/^\.pending-killed-/),
      }),
    ]);
    expect(fs.readdirSync(snapshots)).toEqual([]);
    // The half-made copy is no session: the same name works again in a fresh directory.
    const again = await runQlock(
      ['new', 'killed', '--copy', '--dir', path.join(root, '..', 'again')],
      {
        cwd: root,
      },
    );
    expect(again.code, again.stderr).toBe(0);
  });

  it('a stale mutex is taken over by exactly one of many waiters at a time', async () => {
    const script = path.join(tempDir(), 'waiter.mjs');
    fs.writeFileSync(script, WAITER);
    for (let round = 0; round < 8; round++) {
      const stateDir = tempDir();
      // What a holder killed with SIGKILL leaves: its lock directory, no longer refreshed.
      const lock = path.join(stateDir, 'registry.lock');
      fs.mkdirSync(lock);
      const old = new Date(Date.now() - 60_000);
      fs.utimesSync(lock, old, old);
      const go = path.join(stateDir, 'go');
      const log = path.join(stateDir, 'log');
      const waiters = Array.from({ length: 6 }, () => startNode(script, [stateDir, go, log]));
      fs.writeFileSync(go, '');
      await Promise.all(waiters.map((w) => w.exited));
      for (const w of waiters) expect(w.output.stderr).toBe('');
      // Never two inside at once (proper-lockfile's own takeover lets two in: #121).
      const events = fs
        .readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' '))
        .map(([kind, at]) => [Number(at), kind === 'in' ? 1 : -1] as const)
        .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      expect(events).toHaveLength(12);
      let inside = 0;
      for (const [, delta] of events) {
        inside += delta;
        expect(inside).toBeLessThanOrEqual(1);
      }
      expect(fs.existsSync(lock)).toBe(false);
    }
  });
});
