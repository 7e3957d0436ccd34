import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it, onTestFinished } from 'vitest';

import { BIN, makeRepo, runQlockSync, tempDir, waitFor } from '../helpers/repo.js';

/**
 * `notify.desktop` and `notify.bell` through the built CLI: a stand-in notify-send on PATH
 * records what it was asked to show (or fails, as one without a D-Bus session does).
 */
function project(notify: object): { root: string; fa: string; fb: string } {
  const repo = makeRepo();
  const run = (args: string[]) => {
    const r = runQlockSync(args, { cwd: repo.root });
    if (r.code !== 0) throw new Error(`qlock ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  run(['init', '--no-hooks']);
  fs.writeFileSync(path.join(repo.root, '.qsessionrc'), JSON.stringify({ notify }));
  run(['new', 'fa']);
  run(['new', 'fb']);
  const { sessions } = JSON.parse(run(['--json', 'list'])) as {
    sessions: { name: string; path: string }[];
  };
  const pathOf = (n: string) => sessions.find((s) => s.name === n)!.path;
  return { root: repo.root, fa: pathOf('fa'), fb: pathOf('fb') };
}

/** A directory holding a notify-send that appends its arguments to `log` and exits `code`. */
function fakeNotifier(log: string, code: number): string {
  const dir = tempDir('qlock-notifier');
  const file = path.join(dir, 'notify-send');
  fs.writeFileSync(
    file,
    `#!/bin/sh\nprintf '%s|' "$@" >> '${log}'\necho >> '${log}'\nexit ${code}\n`,
  );
  fs.chmodSync(file, 0o755);
  return dir;
}

/** Only git, node and sh: whatever notifier this machine has stays out of reach. */
function basicTools(): string {
  const dir = tempDir('qlock-tools');
  for (const tool of ['git', 'sh']) {
    const found = ['/usr/bin', '/bin', '/usr/local/bin']
      .map((d) => path.join(d, tool))
      .find((f) => fs.existsSync(f));
    if (found) fs.symlinkSync(found, path.join(dir, tool));
  }
  fs.symlinkSync(process.execPath, path.join(dir, 'node'));
  return dir;
}

function watch(cwd: string, pathDirs: string[]): { stderr: () => string } {
  const child = spawn(process.execPath, [BIN, 'watch'], {
    cwd,
    env: { ...process.env, PATH: [...pathDirs, basicTools()].join(path.delimiter) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  onTestFinished(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return { stderr: () => err };
}

describe('qlock watch notifications (built CLI)', () => {
  it('shows an overlap as a desktop notification when notify-send exists', async () => {
    const { root, fa, fb } = project({ desktop: true });
    const log = path.join(tempDir('qlock-notify-log'), 'calls');
    const w = watch(root, [fakeNotifier(log, 0)]);
    fs.appendFileSync(path.join(fb, 'src/a.txt'), 'fb\n');
    await waitFor(() => w.stderr().includes('Watching 2 sessions'), 30_000);
    fs.appendFileSync(path.join(fa, 'src/a.txt'), 'fa\n');
    const shown = await waitFor(
      () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : undefined),
      30_000,
    );
    // The two overlap events (one per session) arrive together: one notification.
    expect(shown).toContain('--app-name=qlock|qlock: 2 events|');
    expect(shown).toContain('fa started editing src/a.txt');
    expect(w.stderr()).not.toContain('\x07');
  });

  it('rings the bell and says why when the notifier fails, or when there is none', async () => {
    const { root, fa, fb } = project({ desktop: true, bell: true });
    const log = path.join(tempDir('qlock-notify-log'), 'calls');
    const w = watch(root, [fakeNotifier(log, 1)]);
    fs.appendFileSync(path.join(fb, 'src/a.txt'), 'fb\n');
    await waitFor(() => w.stderr().includes('Watching 2 sessions'), 30_000);
    fs.appendFileSync(path.join(fa, 'src/a.txt'), 'fa\n');
    await waitFor(() => w.stderr().includes('\x07'), 30_000);
    expect(w.stderr()).toContain('Desktop notification via notify-send failed (exit code 1)');

    const other = project({ desktop: true, bell: true });
    const none = watch(other.root, []);
    await waitFor(() => none.stderr().includes('Watching 2 sessions'), 30_000);
    await waitFor(() => none.stderr().includes('no desktop notifier is installed'), 30_000);
    expect(none.stderr()).toContain('ringing the terminal bell instead');
  });
});
