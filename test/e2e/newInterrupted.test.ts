import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  BIN,
  branches,
  makeRepo,
  type Repo,
  runQlock,
  waitFor,
  worktreePaths,
} from '../helpers/repo.js';

/**
 * `qlock new` killed midway (kill -9 while git is still setting the worktree up: a post-checkout
 * hook of the user's holds it there) leaves a branch and a worktree. doctor and gc name them, and
 * the retry cleans them up when they hold no work.
 */
async function killedNew(): Promise<{ repo: Repo; dir: string }> {
  const repo = makeRepo();
  expect((await runQlock(['init', '--no-hooks'], { cwd: repo.root })).code).toBe(0);
  const mark = path.join(repo.parent, 'hook-ran');
  const hook = path.join(repo.root, '.git', 'hooks', 'post-checkout');
  fs.writeFileSync(hook, `#!/bin/sh\ntouch '${mark}'\nsleep 60\n`, { mode: 0o755 });
  const child = spawn(process.execPath, [BIN, 'new', 'a'], {
    cwd: repo.root,
    detached: true,
    stdio: 'ignore',
  });
  const exited = new Promise((r) => child.on('exit', r));
  await waitFor(() => fs.existsSync(mark));
  process.kill(-child.pid!, 'SIGKILL');
  await exited;
  fs.rmSync(hook);
  const dir = path.join(repo.parent, 'repo-a');
  expect(fs.existsSync(dir)).toBe(true);
  expect(branches(repo.root)).toContain('qlock/a');
  return { repo, dir };
}

describe('qlock new killed midway', () => {
  it('doctor names what it left, and the retry cleans it up and works', async () => {
    const { repo, dir } = await killedNew();
    const doctor = await runQlock(['doctor', '--json'], { cwd: repo.root });
    const findings = (
      JSON.parse(doctor.stdout) as { findings: { message: string; fix?: string }[] }
    ).findings;
    const finding = findings.find((f) => f.message.includes('was interrupted'));
    expect(finding?.message).toContain('qlock/a');
    expect(finding?.fix).toContain('qlock gc');

    const retry = await runQlock(['new', 'a'], { cwd: repo.root });
    expect(retry.stderr).toBe('');
    expect(retry.code).toBe(0);
    expect(retry.stdout).toContain('was interrupted; removed what it left');
    expect(worktreePaths(repo.root)).toContain(dir);
    const list = await runQlock(['list', '--json'], { cwd: repo.root });
    expect(list.stdout).toContain('"a"');
    // Nothing left to report afterwards.
    const after = await runQlock(['doctor', '--json'], { cwd: repo.root });
    expect(after.stdout).not.toContain('was interrupted');
  });

  it('gc removes the leftovers when they hold no work; work in them is kept and named', async () => {
    const { repo, dir } = await killedNew();
    fs.writeFileSync(path.join(dir, 'work.txt'), 'mine\n');
    const kept = await runQlock(['gc'], { cwd: repo.root });
    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain(`worktree ${dir} (it holds changes`);
    expect(fs.readFileSync(path.join(dir, 'work.txt'), 'utf8')).toBe('mine\n');
    const retry = await runQlock(['new', 'a'], { cwd: repo.root });
    expect(retry.code).toBe(1);
    expect(retry.stderr).toContain('qlock join a');

    fs.rmSync(path.join(dir, 'work.txt'));
    const cleaned = await runQlock(['gc'], { cwd: repo.root });
    expect(cleaned.stdout).toContain('removed what it left');
    expect(fs.existsSync(dir)).toBe(false);
    expect(branches(repo.root)).not.toContain('qlock/a');
    expect((await runQlock(['gc'], { cwd: repo.root })).stdout).toBe('Nothing to clean up.\n');
  });
});
