import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { makeRepo, runQlock } from '../helpers/repo.js';

/**
 * Issue 16: the commands qlock suggests can be pasted as they are, a path starting with "-"
 * included (it would otherwise be read as an option), and a misnamed config (`.qlockrc`) is named
 * by the commands that read the config, not only by doctor.
 */

async function setup() {
  const repo = makeRepo({ files: { '-dash.txt': 'x\n', 'README.md': '# r\n' } });
  expect((await runQlock(['init'], { cwd: repo.root })).code).toBe(0);
  const dirs: string[] = [];
  for (const name of ['a', 'b']) {
    const r = await runQlock(['new', name, '--json'], { cwd: repo.root });
    expect(r.code, r.stderr).toBe(0);
    dirs.push((JSON.parse(r.stdout) as { session: { path: string } }).session.path);
  }
  return { repo, a: dirs[0]!, b: dirs[1]! };
}

/** The `qlock …` commands quoted in a message, as argv (simple words and '…' quotes only). */
function suggested(text: string): string[][] {
  return [...text.matchAll(/`qlock ([^`]+)`/g)].map((m) =>
    [...m[1]!.matchAll(/'([^']*)'|(\S+)/g)].map((w) => w[1] ?? w[2]!),
  );
}

describe('paste-safe suggestions', () => {
  it('a path starting with "-": every suggested command works as pasted', async () => {
    const { a, b } = await setup();
    expect((await runQlock(['lock', '--', '-dash.txt'], { cwd: a })).code).toBe(0);
    const refused = await runQlock(['lock', '--', '-dash.txt'], { cwd: b });
    expect(refused.code).toBe(3);
    const commands = suggested(refused.stderr);
    expect(commands.map((c) => c.join(' '))).toEqual([
      'who ./-dash.txt',
      'unlock ./-dash.txt',
      'lock ./-dash.txt --wait 10m',
      'unlock --force ./-dash.txt',
    ]);
    // Each parses as a path, not an option: who (from b), the holder's unlock (from a).
    const who = await runQlock(commands[0]!, { cwd: b });
    expect(who.code, who.stderr).toBe(0);
    expect(who.stdout).toContain('-dash.txt');
    const unlock = await runQlock(commands[1]!, { cwd: a });
    expect(unlock.code, unlock.stderr).toBe(0);
    expect(unlock.stdout).toContain('Unlocked -dash.txt');
    // Plain paths stay as they are.
    expect((await runQlock(['lock', 'README.md'], { cwd: a })).code).toBe(0);
    const plain = await runQlock(['lock', 'README.md'], { cwd: b });
    expect(suggested(plain.stderr)[0]).toEqual(['who', 'README.md']);
  });

  it('a .qlockrc is named by the commands that read the config, and nothing is said without one', async () => {
    const { repo, a } = await setup();
    for (const args of [['list'], ['locks']]) {
      const r = await runQlock(args, { cwd: repo.root });
      expect(r.stderr, args.join(' ')).toBe('');
    }
    const rc = path.join(repo.root, '.qlockrc');
    fs.writeFileSync(rc, '{"onLocked": "warn"}\n');
    for (const args of [['list'], ['locks'], ['new', 'c'], ['lock', 'README.md']]) {
      const r = await runQlock(args, { cwd: args[0] === 'lock' ? a : repo.root });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr, args.join(' ')).toContain(
        `${rc} is not read: qlock's config is .qsessionrc`,
      );
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
