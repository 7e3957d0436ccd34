import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it, onTestFinished } from 'vitest';

import type { QlockEvent } from '../../src/store/types.js';
import { BIN, makeRepo, runQlockSync, waitFor } from '../helpers/repo.js';

/**
 * A real ENOSPC, without touching the machine's limit: inotify watches are also counted per user
 * namespace (/proc/sys/user/max_inotify_watches, Linux >= 5.11), so `unshare -U -r` with that
 * limit at N gives one process tree its own tiny limit while every other program keeps the
 * system's. Where unprivileged user namespaces are off, the test is skipped; the ENOSPC paths
 * are then covered by test/integration/watch.test.ts and test/unit/watchTreeWatcher.test.ts,
 * which make fs.watch throw ENOSPC.
 */
const LIMIT_FILE = '/proc/sys/user/max_inotify_watches';

function canLimitWatches(): boolean {
  if (process.platform !== 'linux') return false;
  const probe = spawnSync(
    'unshare',
    ['-U', '-r', 'sh', '-c', `echo 0 > ${LIMIT_FILE} && exec node -e "require('fs').watch('.')"`],
    { encoding: 'utf8' },
  );
  return probe.status !== 0 && probe.stderr.includes('ENOSPC');
}

interface Running {
  child: ChildProcess;
  events: QlockEvent[];
  stderr: () => string;
}

/** `qlock watch --json` with at most `limit` inotify watches for it. */
function watchWithLimit(cwd: string, limit: number): Running {
  const script = `echo ${limit} > ${LIMIT_FILE} && exec "$0" "$1" watch --json`;
  const child = spawn('unshare', ['-U', '-r', 'sh', '-c', script, process.execPath, BIN], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: QlockEvent[] = [];
  let err = '';
  let buffer = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffer += d.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim()) events.push(JSON.parse(line) as QlockEvent);
    }
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  onTestFinished(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return { child, events, stderr: () => err };
}

describe.runIf(canLimitWatches())('qlock watch with no inotify watch left (real ENOSPC)', () => {
  it('polls sessions, the state dir and base, says so once, and still reports everything', async () => {
    const repo = makeRepo();
    const run = (args: string[], cwd = repo.root) => {
      const r = runQlockSync(args, { cwd });
      if (r.code !== 0) throw new Error(`qlock ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    run(['init', '--no-hooks']);
    fs.writeFileSync(
      path.join(repo.root, '.qsessionrc'),
      JSON.stringify({ watch: { interval: 200 } }),
    );
    run(['new', 'fa']);
    run(['new', 'fb']);
    const list = JSON.parse(run(['--json', 'list'])) as {
      sessions: { name: string; path: string }[];
    };
    const pathOf = (n: string) => list.sessions.find((s) => s.name === n)!.path;
    const fa = pathOf('fa');
    const fb = pathOf('fb');
    fs.appendFileSync(path.join(fb, 'src/a.txt'), 'fb\n');

    const w = watchWithLimit(repo.root, 0);
    await waitFor(() => w.stderr().includes('Watching 2 sessions with 0 inotify watches'), 30_000);
    expect(w.stderr()).toMatch(/session fa is polled every 200 ms/i);
    expect(w.stderr()).toMatch(/session fb is polled every 200 ms/i);
    expect(w.stderr()).toContain('new events, sessions and moves of base are checked every 200 ms');
    expect(w.stderr().match(/sudo sysctl/g)).toHaveLength(1);
    expect(w.stderr()).not.toContain('past half of');

    // An edit in a polled session.
    fs.appendFileSync(path.join(fa, 'src/a.txt'), 'fa\n');
    await waitFor(() => w.events.find((e) => e.kind === 'overlap' && e.to?.[0] === 'fb'), 30_000);
    // An event recorded by another process: printed although events.jsonl has no watch.
    run(['note', 'heads-up from fb'], fb);
    await waitFor(() => w.events.find((e) => e.kind === 'note'), 30_000);
    // Base moved: noticed by polling, well before the 30 s safety net.
    repo.write('src/b.txt', 'changed on main\n');
    repo.commitAll('main: change b');
    await waitFor(() => w.events.find((e) => e.kind === 'main-moved'), 15_000);
    // A session added while it runs (registry.json has no watch either).
    run(['new', 'fc']);
    await waitFor(() => w.stderr().includes('Now polling session fc'), 30_000);

    const exit = new Promise((resolve) => w.child.on('exit', resolve));
    w.child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
