import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { makePlainDir, runQlock } from '../helpers/repo.js';

/** Plain directories: land copies a session's changed files back when the main tree has not moved. */

function tree(root: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.name === '.qlock') continue;
    if (entry.isDirectory()) Object.assign(out, tree(root, child));
    else out[child] = fs.readFileSync(path.join(root, child), 'utf8');
  }
  return out;
}

async function plainProject() {
  const root = makePlainDir({ 'f.txt': '1\n2\n3\n', 'g.txt': 'g\n', 'docs/d.md': 'd\n' });
  const q = (args: string[], cwd = root) => runQlock(args, { cwd });
  expect((await q(['init'])).code).toBe(0);
  const dirs: Record<string, string> = {};
  for (const name of ['p1', 'p2']) {
    const made = await q(['new', name, '--copy', '--json']);
    expect(made.code, made.stderr).toBe(0);
    dirs[name] = (JSON.parse(made.stdout) as { session: { path: string } }).session.path;
  }
  return { root, q, dirs };
}

describe('qlock land in a plain directory', () => {
  it('copies modified, new and deleted files back, tells the others, and refuses once the main tree moved under a session', async () => {
    const { root, q, dirs } = await plainProject();
    fs.appendFileSync(path.join(dirs.p1!, 'f.txt'), 'p1\n');
    fs.writeFileSync(path.join(dirs.p1!, 'new.txt'), 'new\n');
    fs.rmSync(path.join(dirs.p1!, 'g.txt'));
    fs.appendFileSync(path.join(dirs.p2!, 'f.txt'), 'p2\n');
    fs.appendFileSync(path.join(dirs.p2!, 'docs/d.md'), 'p2\n');

    const out = await q(['land', 'p1', '--json']);
    expect(out.code, out.stderr).toBe(0);
    const r = (JSON.parse(out.stdout) as { results: Record<string, unknown>[] }).results[0]!;
    expect(r).toMatchObject({ ok: true, landed: true, strategy: 'copy', notified: ['p2'] });
    expect(r.paths).toEqual(['f.txt', 'g.txt', 'new.txt']);
    expect(tree(root)).toEqual({
      'f.txt': '1\n2\n3\np1\n',
      'new.txt': 'new\n',
      'docs/d.md': 'd\n',
    });
    // p1's work is in the main tree now: nothing left to land; p2 heard which of its files moved.
    expect((await q(['land', 'p1'])).stdout).toContain('nothing to land');
    const inbox = await q(['inbox', '--peek'], dirs.p2);
    expect(inbox.stdout).toContain(
      'session p1 landed 3 files into the main tree: f.txt changed under your work',
    );

    // p2 changed f.txt too: copying it back would overwrite p1's landing. Nothing changes.
    const before = tree(root);
    const refused = await q(['land', 'p2']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("the main tree changed since the session's snapshot in f.txt");
    expect(tree(root)).toEqual(before);
  });

  it('a failing check copies nothing; the main tree joined as a session has nothing to land into', async () => {
    const { root, q, dirs } = await plainProject();
    fs.appendFileSync(path.join(dirs.p1!, 'f.txt'), 'p1\n');
    const before = tree(root);
    const out = await q(['land', 'p1', '--check', 'exit 4']);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('failed (exit 4)');
    expect(tree(root)).toEqual(before);
    expect(tree(dirs.p1!)['f.txt']).toBe('1\n2\n3\np1\n');

    const joined = await q(['join', 'trunk']);
    expect(joined.code, joined.stderr).toBe(0);
    const trunk = await q(['land', 'trunk']);
    expect(trunk.code).toBe(1);
    expect(trunk.stdout).toContain('Session "trunk" is on main tree itself');
  });
});
