import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { describe, expect, it } from 'vitest';

import { readEvents } from '../../src/store/eventLog.js';
import { readRegistry } from '../../src/store/registry.js';
import {
  branches,
  makeRepo,
  REPO_ROOT,
  runQlock,
  tempDir,
  worktreePaths,
} from '../helpers/repo.js';

/**
 * Concurrent qlock processes never lose an update: 8 real processes register their sessions and
 * update the registry and the event log many times at once, through the built dist/.
 */

const dist = (rel: string) => pathToFileURL(path.join(REPO_ROOT, 'dist', rel)).href;

const WORKER = `
import { join } from '${dist('commands/join.js')}';
import { defaultContext } from '${dist('context.js')}';
import { touchSession } from '${dist('sessions/touchSession.js')}';
import { updateRegistry } from '${dist('store/registry.js')}';

const [cwd, name, stateDir, count, epoch, go] = process.argv.slice(2);
const fs = await import('node:fs');
// Start together: wait for the parent's go file, so that the processes really overlap.
while (!fs.existsSync(go)) await new Promise((r) => setTimeout(r, 5));
await join({ name }, defaultContext({ cwd }));
for (let i = 0; i < Number(count); i++) {
  await updateRegistry(stateDir, ({ registry, emit }) => {
    registry.locks.push({ path: name + '/' + i, session: name, reason: 'n' + i, acquiredAt: new Date().toISOString() });
    emit({ kind: 'note', from: name, message: name + ':' + i });
  });
  // A touch from the future each time: every one must land (lastSeen only moves forward).
  await touchSession(stateDir, name, new Date(Number(epoch) + (i + 1) * 60_000));
}
process.stdout.write('done\\n');
`;

function runNode(
  script: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('8 processes at once', () => {
  it('every registration, update, event and touch is present', async () => {
    const WORKERS = 8;
    const COUNT = 25;
    const repo = makeRepo();
    expect((await runQlock(['init', '--no-hooks'], { cwd: repo.root })).code).toBe(0);
    const stateDir = path.join(repo.root, '.git', 'qlock');
    const worktrees = Array.from({ length: WORKERS }, (_, i) => repo.worktree(`w${i}`));
    const scratch = tempDir();
    const script = path.join(scratch, 'worker.mjs');
    fs.writeFileSync(script, WORKER);
    const go = path.join(scratch, 'go');
    const epoch = Date.now() + 3_600_000;

    const runs = worktrees.map((wt, i) =>
      runNode(script, [wt, `w${i}`, stateDir, String(COUNT), String(epoch), go]),
    );
    fs.writeFileSync(go, '');
    const results = await Promise.all(runs);
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0, stdout: 'done\n' });

    const registry = readRegistry(stateDir);
    const names = worktrees.map((_, i) => `w${i}`);
    expect(Object.keys(registry.sessions).sort()).toEqual([...names].sort());
    for (const [i, name] of names.entries()) {
      expect(registry.sessions[name]!.path).toBe(worktrees[i]);
      expect(registry.sessions[name]!.lastSeen).toBe(
        new Date(epoch + COUNT * 60_000).toISOString(),
      );
    }
    const expected = names.flatMap((n) => Array.from({ length: COUNT }, (_, i) => `${n}/${i}`));
    expect(registry.locks.map((l) => l.path).sort()).toEqual([...expected].sort());

    // The event log: every note once, ids are the byte offsets, increasing, per-writer order kept.
    const { events } = readEvents(stateDir);
    const notes = events.filter((e) => e.kind === 'note');
    expect(notes.map((e) => e.message).sort()).toEqual(
      expected.map((p) => p.replace('/', ':')).sort(),
    );
    expect(events.filter((e) => e.kind === 'session-joined')).toHaveLength(WORKERS);
    const raw = fs.readFileSync(path.join(stateDir, 'events.jsonl'));
    let previous = -1;
    for (const event of events) {
      expect(event.id).toBeGreaterThan(previous);
      previous = event.id;
      expect(raw.subarray(event.id, event.id + 6).toString()).toBe('{"id":');
    }
    for (const name of names) {
      const mine = notes.filter((e) => e.from === name).map((e) => Number(e.message.split(':')[1]));
      expect(mine).toEqual(Array.from({ length: COUNT }, (_, i) => i));
    }
    // No temp files or mutex left behind.
    expect(
      fs.readdirSync(stateDir).filter((n) => n.endsWith('.tmp') || n.startsWith('registry.lock')),
    ).toEqual([]);
  });

  it('`qlock new` racing for the last slots: exactly maxSessions win, the losers leave nothing', async () => {
    const repo = makeRepo();
    repo.write('.qsessionrc', 'maxSessions: 5\n');
    expect((await runQlock(['init', '--no-hooks'], { cwd: repo.root })).code).toBe(0);
    const names = Array.from({ length: 8 }, (_, i) => `n${i}`);
    const results = await Promise.all(names.map((n) => runQlock(['new', n], { cwd: repo.root })));
    const winners = names.filter((_, i) => results[i]!.code === 0);
    const losers = results.filter((r) => r.code !== 0);
    expect(winners).toHaveLength(5);
    for (const r of losers) expect(r.stderr).toContain('maxSessions');

    const registry = readRegistry(path.join(repo.root, '.git', 'qlock'));
    expect(Object.keys(registry.sessions).sort()).toEqual(winners.sort());
    // Only the winners' worktrees and branches exist.
    expect(worktreePaths(repo.root).sort()).toEqual(
      [repo.root, ...winners.map((n) => path.join(repo.parent, `repo-${n}`))].sort(),
    );
    expect(branches(repo.root)).toEqual(['main', ...winners.map((n) => `qlock/${n}`)].sort());
    expect(fs.readdirSync(repo.parent).sort()).toEqual(
      ['repo', ...winners.map((n) => `repo-${n}`)].sort(),
    );
  });

  it('8 `qlock new` at once all succeed (git 2.39 fails concurrent `worktree add`s; qlock serialises them)', async () => {
    const repo = makeRepo();
    expect((await runQlock(['init', '--no-hooks'], { cwd: repo.root })).code).toBe(0);
    const names = Array.from({ length: 8 }, (_, i) => `p${i}`);
    const results = await Promise.all(names.map((n) => runQlock(['new', n], { cwd: repo.root })));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const registry = readRegistry(path.join(repo.root, '.git', 'qlock'));
    expect(Object.keys(registry.sessions).sort()).toEqual(names);
    expect(worktreePaths(repo.root)).toHaveLength(9);
  });

  it('`qlock join` from 8 worktrees at once registers all 8', async () => {
    const repo = makeRepo();
    const worktrees = Array.from({ length: 8 }, (_, i) => repo.worktree(`j${i}`));
    const results = await Promise.all(worktrees.map((wt) => runQlock(['join'], { cwd: wt })));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const registry = readRegistry(path.join(repo.root, '.git', 'qlock'));
    expect(
      Object.values(registry.sessions)
        .map((s) => s.path)
        .sort(),
    ).toEqual([...worktrees].sort());
  });

  it('racing first uses of the shared identity agree on one clone id (new, and in a copy)', async () => {
    const DIRS = 25; // 8 processes race through 25 state dirs: many chances to collide
    const scratch = tempDir();
    const script = path.join(scratch, 'identity.mjs');
    fs.writeFileSync(
      script,
      `import { cloneId } from '${dist('shared/identity.js')}';
const [root, count, go] = process.argv.slice(2);
const fs = await import('node:fs');
while (!fs.existsSync(go)) await new Promise((r) => setTimeout(r, 2));
const ids = [];
for (let i = 0; i < Number(count); i++) ids.push(cloneId(root + '/' + i));
process.stdout.write(ids.join(' '));
`,
    );
    const raceIn = async (root: string) => {
      const go = path.join(scratch, `go-${path.basename(root)}`);
      const runs = Array.from({ length: 8 }, () => runNode(script, [root, String(DIRS), go]));
      fs.writeFileSync(go, '');
      const results = await Promise.all(runs);
      for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0, stderr: '' });
      const seen = results.map((r) => r.stdout.split(' '));
      // Per state dir, every process got the same id.
      return Array.from({ length: DIRS }, (_, i) => [...new Set(seen.map((ids) => ids[i]))]);
    };
    const original = path.join(scratch, 'original');
    const fresh = await raceIn(original);
    expect(fresh.filter((ids) => ids.length !== 1)).toEqual([]);
    // A copied repository carries the original's id file: its processes agree on a new one.
    const copy = path.join(scratch, 'copy');
    fs.cpSync(original, copy, { recursive: true });
    const copied = await raceIn(copy);
    expect(copied.filter((ids) => ids.length !== 1)).toEqual([]);
    expect(copied.filter((ids, i) => ids[0] === fresh[i]![0])).toEqual([]);
    for (let i = 0; i < DIRS; i++)
      expect(fs.readdirSync(path.join(copy, String(i)))).toEqual(['shared-id']); // no temp files
  });
});
