import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { readEvents } from '../../src/store/eventLog.js';
import { BIN, makeRepo, runQlock, waitFor } from '../helpers/repo.js';

/** The built CLI: exit codes, stderr, --json, the light way in (src/cli/fast.ts). */

async function must(args: string[], cwd: string) {
  const result = await runQlock(args, { cwd });
  expect(result.code, `qlock ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result;
}

async function setup() {
  const repo = makeRepo();
  await must(['init', '--no-hooks'], repo.root);
  await must(['join', 'main'], repo.root);
  const wt = repo.worktree('feat');
  await must(['join', 'feat'], wt);
  return { repo, wt, stateDir: path.join(repo.root, '.git/qlock') };
}

describe('qlock lock / unlock / locks / who (built CLI)', () => {
  it('exit codes: 0 taken, 3 refused, 2 bad path, 1 unlock of a lock you do not hold', async () => {
    const { repo, wt } = await setup();
    const ok = await runQlock(
      ['lock', 'src/a.txt', 'docs dir/ünï code.md', '--reason', 'big change'],
      {
        cwd: repo.root,
      },
    );
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    expect(ok.stdout).toBe('Locked src/a.txt, docs dir/ünï code.md.\n');

    const refused = await runQlock(['lock', 'a.txt'], { cwd: path.join(wt, 'src') });
    expect(refused.code).toBe(3);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(
      /^qlock: Not locked: src\/a\.txt is locked by main \(reason: big change, \d+s ago\)\.\nNothing was taken\. See `qlock who src\/a\.txt`/,
    );

    const escape = await runQlock(['lock', '../../outside.txt'], { cwd: path.join(wt, 'src') });
    expect(escape.code).toBe(2);
    expect(escape.stderr).toMatch(/^qlock: \.\.\/\.\.\/outside\.txt leads outside the project/);

    const notMine = await runQlock(['unlock', 'src/a.txt'], { cwd: wt });
    expect(notMine.code).toBe(1);
    expect(notMine.stderr).toMatch(
      /^qlock: You do not hold a lock on src\/a\.txt: it is locked by main/,
    );

    const badTtl = await runQlock(['lock', 'x', '--ttl', 'forever'], { cwd: wt });
    expect(badTtl.code).toBe(2);
    const noSession = await runQlock(['lock', 'x', '--session', 'nobody'], { cwd: wt });
    // A session name that is not registered is a bad argument: exit 2 (DESIGN.md exit codes).
    expect(noSession.code).toBe(2);
    expect(noSession.stderr).toMatch(/No session named "nobody"/);
  });

  it('--json: results on stdout, errors as {error} with the exit code', async () => {
    const { repo, wt } = await setup();
    const ok = await runQlock(['lock', 'src/', '--json', '--ttl', '1h'], { cwd: repo.root });
    expect(ok.code).toBe(0);
    const result = JSON.parse(ok.stdout);
    expect(result).toMatchObject({ session: 'main', refreshed: [], replaced: [] });
    expect(result.locks).toMatchObject([{ path: 'src/', session: 'main', reason: '' }]);
    expect(typeof result.locks[0].expiresAt).toBe('string');

    const refused = await runQlock(['lock', 'src/b.txt', '--json'], { cwd: wt });
    expect(refused.code).toBe(3);
    expect(JSON.parse(refused.stdout).error.exitCode).toBe(3);

    const listed = JSON.parse((await runQlock(['locks', '--json'], { cwd: wt })).stdout);
    expect(listed.locks).toMatchObject([{ path: 'src/', session: 'main', stale: false }]);

    fs.appendFileSync(path.join(wt, 'src/b.txt'), 'change\n');
    const whoResult = await runQlock(['who', 'src/b.txt', '--json'], { cwd: repo.root });
    expect(whoResult.code, whoResult.stderr).toBe(0);
    expect(JSON.parse(whoResult.stdout)).toMatchObject({
      path: 'src/b.txt',
      locks: [{ path: 'src/', session: 'main' }],
      changes: [{ session: 'feat', files: ['src/b.txt'] }],
    });
  });

  it('unlock --force breaks the lock, says so, and records an event for the holder', async () => {
    const { repo, wt, stateDir } = await setup();
    await must(['lock', 'a.ts', '--reason', 'mine'], repo.root);
    const end = readEvents(stateDir).end;
    const forced = await runQlock(['unlock', '--force', 'a.ts'], { cwd: wt });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(
      /^Broke the lock of main \(reason: mine, \d+s ago\) on a\.ts; main was told in its inbox\.\n$/,
    );
    const events = readEvents(stateDir, end).events;
    expect(events).toMatchObject([
      { kind: 'lock-broken', from: 'feat', to: ['main'], paths: ['a.ts'] },
    ]);
    const listed = await runQlock(['locks'], { cwd: repo.root });
    expect(listed.stdout).toBe('No locks. Take one with `qlock lock PATH --reason "why"`.\n');
  });

  it('the light way in takes -C and --session; a typo goes to commander, which suggests', async () => {
    const { repo, wt } = await setup();
    // Whether the light parser reads a line as commander does: test/unit/lightParser.test.ts.
    const viaC = await runQlock(['lock', '-C', wt, 'x.txt', '--session', 'feat'], {
      cwd: repo.root,
    });
    expect(viaC).toMatchObject({ code: 0, stdout: 'Locked x.txt.\n' });
    // Anything unusual falls back to commander, which reports it.
    const typo = await runQlock(['lock', 'x.txt', '--reasn', 'r'], { cwd: wt });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/unknown option '--reasn'/);
    expect(typo.stderr).toMatch(/--reason/);
  });
});

describe('qlock lock --wait (built CLI)', () => {
  it('waits outside the mutex while another session holds the path, then takes it', async () => {
    const { repo, wt, stateDir } = await setup();
    await must(['lock', 'w.txt', '--reason', 'holding'], repo.root);
    const waiter = spawn(process.execPath, [BIN, 'lock', 'w.txt', '--wait', '60s'], {
      cwd: wt,
      env: { ...process.env, QLOCK_DEBUG: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    waiter.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    waiter.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = new Promise<number | null>((resolve) => waiter.on('close', resolve));
    // It was refused once and is now waiting (without holding the registry mutex: this unlock
    // goes through).
    await waitFor(() => stderr.includes('waiting for main:w.txt'), 20_000);
    expect(fs.existsSync(path.join(stateDir, 'registry.lock'))).toBe(false);
    await must(['unlock', 'w.txt'], repo.root);
    expect(await code).toBe(0);
    expect(stdout).toBe('Locked w.txt.\n');
    const listed = JSON.parse((await must(['locks', '--json'], repo.root)).stdout);
    expect(listed.locks).toMatchObject([{ path: 'w.txt', session: 'feat' }]);
  });

  it('gives up with exit 3 when the time is up', async () => {
    const { repo, wt } = await setup();
    await must(['lock', 'w.txt'], repo.root);
    const result = await runQlock(['lock', 'w.txt', '--wait', '1s'], { cwd: wt });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /^qlock: Still locked after waiting 1s: w\.txt is locked by main/,
    );
  });
});
