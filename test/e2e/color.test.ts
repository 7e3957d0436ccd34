import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { BIN, gitSyncIn, runQlock } from '../helpers/repo.js';

/**
 * Colours only when wanted: on a terminal, or forced with FORCE_COLOR; never with NO_COLOR or
 * --no-color (which beats FORCE_COLOR), on stdout and stderr alike, on the fast path too.
 */

const ESC = '\x1b[';

/** Commands whose human output uses colour, run from a session with a lock and a conflict. */
const COMMANDS = [
  ['status'],
  ['doctor'],
  ['conflicts'],
  ['hooks', 'status'],
  ['locks'],
  ['who', 'src/a.txt'],
  ['lock', 'src/a.txt'], // the fast path
  ['list'],
  ['inbox', '--peek'],
  ['prompt'],
];

let cwd: string;

beforeAll(async () => {
  // makeRepo() cleans up per test; this project is shared by every test of the file.
  const parent = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'qlock-color-')));
  const root = path.join(parent, 'repo');
  fs.mkdirSync(path.join(root, 'src'), { recursive: true });
  fs.writeFileSync(path.join(root, 'src/a.txt'), 'a\n');
  for (const args of [
    ['init', '-q', '-b', 'main'],
    ['add', '-A'],
    ['commit', '-qm', 'initial'],
  ])
    gitSyncIn(root, args);
  const q = async (dir: string, ...args: string[]) => {
    const r = await runQlock(args, { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    return r;
  };
  await q(root, 'init');
  const a = JSON.parse((await q(root, 'new', 'a', '--json')).stdout).session.path as string;
  const b = JSON.parse((await q(root, 'new', 'b', '--json')).stdout).session.path as string;
  fs.writeFileSync(path.join(a, 'src/a.txt'), 'from a\n');
  fs.writeFileSync(path.join(b, 'src/a.txt'), 'from b\n');
  await q(a, 'lock', 'src/a.txt', '--reason', 'colours');
  await q(b, 'note', 'hello');
  cwd = a;
  return () => fs.rmSync(parent, { recursive: true, force: true });
}, 120_000);

/** stdout + stderr of `qlock <args>` with the given colour variables (others unset). */
async function output(args: string[], env: Record<string, string | undefined>) {
  const r = await runQlock(args, {
    cwd,
    env: { NO_COLOR: undefined, FORCE_COLOR: undefined, NODE_DISABLE_COLORS: undefined, ...env },
  });
  expect([0, 1, 3], `${args.join(' ')}: ${r.stderr}`).toContain(r.code);
  return r.stdout + r.stderr;
}

describe('colour on a pipe', () => {
  it('FORCE_COLOR=1 colours the commands that use colour (so the checks below can fail)', async () => {
    for (const args of [['status'], ['doctor'], ['conflicts'], ['locks'], ['who', 'src/a.txt']])
      expect(await output(args, { FORCE_COLOR: '1' }), args.join(' ')).toContain(ESC);
  });

  it.each(COMMANDS)(
    'qlock %s: no escape codes by default on a pipe, nor with NO_COLOR',
    async (...args) => {
      expect(await output(args, {})).not.toContain(ESC);
      expect(await output(args, { NO_COLOR: '1' })).not.toContain(ESC);
    },
  );

  it.each(COMMANDS)('qlock %s --no-color beats FORCE_COLOR=1', async (...args) => {
    expect(await output([...args, '--no-color'], { FORCE_COLOR: '1' })).not.toContain(ESC);
    expect(await output(['--no-color', ...args], { FORCE_COLOR: '1' })).not.toContain(ESC);
  });

  it('FORCE_COLOR=0 turns colour off', async () => {
    expect(await output(['status'], { FORCE_COLOR: '0' })).not.toContain(ESC);
  });

  it('--json output never has escape codes, whatever the variables', async () => {
    for (const args of COMMANDS) {
      const r = await runQlock([...args, '--json'], {
        cwd,
        env: { NO_COLOR: undefined, FORCE_COLOR: '1' },
      });
      expect(r.stdout, args.join(' ')).not.toContain(ESC);
      expect(() => JSON.parse(r.stdout)).not.toThrow();
    }
  });
});

/** `script` gives the command a pseudo-terminal, as a user's shell would. */
const hasScript = spawnSync('sh', ['-c', 'command -v script']).status === 0;

describe.skipIf(!hasScript)('colour on a terminal', () => {
  function onTty(args: string[], env: Record<string, string | undefined>): string {
    const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qfec', command, '/dev/null'], {
      cwd,
      env: {
        ...process.env,
        NO_COLOR: undefined,
        FORCE_COLOR: undefined,
        // Node's hasColors() reports 2 colours on any terminal when CI is set (as in .ci/run).
        CI: undefined,
        TERM: 'xterm-256color',
        ...env,
      },
      encoding: 'utf8',
    });
    return r.stdout;
  }

  it('a terminal gets colour; NO_COLOR, --no-color and TERM=dumb take it away', () => {
    expect(onTty(['status'], {})).toContain(ESC);
    expect(onTty(['status'], { NO_COLOR: '1' })).not.toContain(ESC);
    expect(onTty(['status', '--no-color'], {})).not.toContain(ESC);
    expect(onTty(['lock', 'src/a.txt', '--no-color'], {})).not.toContain(ESC);
    expect(onTty(['status'], { TERM: 'dumb' })).not.toContain(ESC);
    // The text is the same either way.
    const plain = onTty(['locks', '--no-color'], {});
    const coloured = onTty(['locks'], {});
    // Ages ("0s ago") may tick between the two runs.
    const age = (t: string) => t.replace(/\b\d+s ago\b/g, 'Ns ago');
    expect(age(coloured.replace(new RegExp(`${ESC.replace('[', '\\[')}[0-9;]*m`, 'g'), ''))).toBe(
      age(plain),
    );
  });
});
