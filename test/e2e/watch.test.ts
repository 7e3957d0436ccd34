import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it, onTestFinished } from 'vitest';

import type { QlockEvent } from '../../src/store/types.js';
import { BIN, makeRepo, runQlock, runQlockSync, waitFor } from '../helpers/repo.js';

function setup(): { root: string; fa: string; fb: string } {
  const repo = makeRepo();
  const run = (args: string[]) => {
    const r = runQlockSync(args, { cwd: repo.root });
    if (r.code !== 0) throw new Error(`qlock ${args.join(' ')}: ${r.stderr}`);
  };
  run(['init', '--no-hooks']);
  run(['new', 'fa']);
  run(['new', 'fb']);
  const list = JSON.parse(runQlockSync(['--json', 'list'], { cwd: repo.root }).stdout) as unknown;
  const sessions = (Array.isArray(list) ? list : (list as { sessions: unknown[] }).sessions) as {
    name: string;
    path: string;
  }[];
  const pathOf = (n: string) => sessions.find((s) => s.name === n)!.path;
  return { root: repo.root, fa: pathOf('fa'), fb: pathOf('fb') };
}

interface Running {
  child: ChildProcess;
  events: QlockEvent[];
  stderr: () => string;
  exit: Promise<number | null>;
}

/** `qlock watch --json` as a child; stdout parsed line by line. */
function startWatch(cwd: string): Running {
  const child = spawn(process.execPath, [BIN, 'watch', '--json'], {
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
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  onTestFinished(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return { child, events, stderr: () => err, exit };
}

describe('qlock watch (built CLI)', () => {
  it('prints overlap events as JSON lines, refuses a second watcher, and stops cleanly on SIGTERM', async () => {
    const { root, fa, fb } = setup();
    fs.appendFileSync(path.join(fb, 'src/a.txt'), 'fb\n');
    const w = startWatch(root);
    await waitFor(() => w.stderr().includes('Watching 2 sessions'), 30_000);

    fs.appendFileSync(path.join(fa, 'src/a.txt'), 'fa\n');
    const event = await waitFor(
      () => w.events.find((e) => e.kind === 'overlap' && e.to?.[0] === 'fb'),
      30_000,
    );
    expect(event).toMatchObject({ from: 'fa', paths: ['src/a.txt'] });

    const second = await runQlock(['watch'], { cwd: fa });
    expect(second.code).toBe(3);
    expect(second.stderr).toContain(
      `qlock watch already runs for this project: pid ${w.child.pid}`,
    );

    const pidFile = path.join(root, '.git/qlock/watch.pid');
    expect(fs.existsSync(pidFile)).toBe(true);
    w.child.kill('SIGTERM');
    expect(await w.exit).toBe(0);
    expect(w.stderr()).toContain('qlock watch stopped.');
    expect(fs.existsSync(pidFile)).toBe(false);
  });

  it('stops cleanly on SIGINT too, and a new watcher can start after it', async () => {
    const { root } = setup();
    const first = startWatch(root);
    await waitFor(() => first.stderr().includes('Watching'), 30_000);
    first.child.kill('SIGINT');
    expect(await first.exit).toBe(0);
    const second = startWatch(root);
    await waitFor(() => second.stderr().includes('Watching'), 30_000);
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
  });
});

describe('qlock note, inbox and prompt (built CLI)', () => {
  it('round-trips a note and shows it in the prompt segment', async () => {
    const { root, fa, fb } = setup();
    const empty = runQlockSync(['note', '  '], { cwd: fa });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('A note needs some text');

    expect(runQlockSync(['note', 'switching', 'to', 'zod'], { cwd: fa }).stdout).toContain(
      'Note sent to 1 session: fb.',
    );
    expect(runQlockSync(['prompt'], { cwd: fb }).stdout).toBe('[fb ✉1]\n');
    expect(JSON.parse(runQlockSync(['prompt', '--json'], { cwd: fb }).stdout)).toEqual({
      session: 'fb',
      unread: 1,
      text: '[fb ✉1]',
    });
    const inbox = JSON.parse(runQlockSync(['--json', 'inbox'], { cwd: fb }).stdout) as {
      events: { kind: string; text: string }[];
    };
    expect(inbox.events.map((e) => e.text)).toEqual([
      expect.stringMatching(/^note from fa: switching to zod/),
    ]);
    expect(runQlockSync(['inbox'], { cwd: fb }).stdout).toContain('No unread events for fb.');
    expect(runQlockSync(['prompt'], { cwd: fb }).stdout).toBe('[fb]\n');
    const outside = runQlockSync(['prompt'], { cwd: root });
    expect(outside).toMatchObject({ code: 0, stdout: '' });
  });
});
