import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { readRegistry } from '../../src/store/registry.js';
import { makeRepo, REPO_ROOT, runQlock, waitFor } from '../helpers/repo.js';

describe('a process killed while holding the registry mutex', () => {
  it('the next `qlock lock` proceeds after the stale timeout and the state is intact', async () => {
    const repo = makeRepo();
    expect((await runQlock(['init', '--no-hooks'], { cwd: repo.root })).code).toBe(0);
    expect((await runQlock(['join', 'main'], { cwd: repo.root })).code).toBe(0);
    const before = await runQlock(['lock', 'src/a.txt', '--reason', 'before the crash'], {
      cwd: repo.root,
    });
    expect(before.code, before.stderr).toBe(0);
    const stateDir = path.join(repo.root, '.git/qlock');
    const registryText = fs.readFileSync(path.join(stateDir, 'registry.json'), 'utf8');

    // A holder that takes the mutex, changes the registry in memory, and is killed mid-way.
    const holder = spawn(
      process.execPath,
      [path.join(REPO_ROOT, 'test/e2e/locksHoldMutex.mjs'), stateDir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let said = '';
    holder.stdout.on('data', (d: Buffer) => (said += d.toString()));
    await waitFor(() => said.includes('held'), 20_000);
    const exited = new Promise((resolve) => holder.on('exit', resolve));
    holder.kill('SIGKILL');
    await exited;
    // The killed holder's mutex is still there: the next command really has to take it over.
    expect(fs.existsSync(path.join(stateDir, 'registry.lock'))).toBe(true);
    expect(fs.readFileSync(path.join(stateDir, 'registry.json'), 'utf8')).toBe(registryText);

    const after = await runQlock(['lock', 'src/b.txt', '--reason', 'after the crash'], {
      cwd: repo.root,
    });
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toContain('Locked src/b.txt.');
    const registry = readRegistry(stateDir);
    expect(registry.locks.map((l) => [l.path, l.reason])).toEqual([
      ['src/a.txt', 'before the crash'],
      ['src/b.txt', 'after the crash'],
    ]);
    expect(fs.existsSync(path.join(stateDir, 'registry.lock'))).toBe(false);

    const list = await runQlock(['locks', '--json'], { cwd: repo.root });
    expect(JSON.parse(list.stdout).locks.map((l: { path: string }) => l.path)).toEqual([
      'src/a.txt',
      'src/b.txt',
    ]);
  });
});
