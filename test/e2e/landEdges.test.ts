import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { BIN, waitFor } from '../helpers/repo.js';
import { landRepo, repoState } from './landHelpers.js';

/** `qlock land`: the less common ways a landing stops, each changing nothing. */
describe('qlock land: edges', () => {
  it('--autostash: uncommitted changes that would not apply on the result refuse the landing, nothing changed', async () => {
    const t = await landRepo(['a']);
    const { repo, dirs } = t;
    t.edit(dirs.a!, 'src/a.txt', 3, 'A3');
    t.commit(dirs.a!, 'a: line 3');
    // main changes line 10; a's uncommitted edit of line 10 cannot apply after the rebase.
    t.edit(repo.root, 'src/a.txt', 10, 'MAIN10');
    t.commit(repo.root, 'main: line 10');
    t.edit(dirs.a!, 'src/a.txt', 10, 'uncommitted 10');
    const before = repoState(repo, [dirs.a!]);
    const out = await t.qlock(['land', 'a', '--autostash']);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('uncommitted changes in "a" would conflict with main');
    expect(out.stdout).toContain('src/a.txt');
    expect(repoState(repo, [dirs.a!])).toEqual(before);
  });

  it('a check that changes tracked files fails the landing; its changes are kept in a stash, the rest as before', async () => {
    const t = await landRepo(['a']);
    const { repo, dirs } = t;
    t.edit(dirs.a!, 'src/a.txt', 3, 'A3');
    t.commit(dirs.a!, 'a: line 3');
    const before = repoState(repo, [dirs.a!]);
    const out = await t.qlock(['land', 'a', '--check', 'echo generated >> src/b.txt']);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('The check changed the session "a" (src/b.txt)');
    const stash = /stash commit (\w+)/.exec(out.stdout)?.[1];
    expect(stash).toBeDefined();
    expect(repo.git(['show', `${stash}:src/b.txt`], dirs.a)).toContain('generated');
    // Everything else as before; refs/stash and the stash list gained exactly that entry.
    const after = repoState(repo, [dirs.a!]) as Record<string, unknown>;
    expect(after.refs).toBe(`${before.refs as string}\nrefs/stash ${stash}`);
    expect(after.stash).toBe(`${stash} On qlock/a: qlock land: changes made in a while landing`);
    expect({ ...after, stash: before.stash, refs: before.refs }).toEqual(before);
  });

  it('a session on base itself, or with nothing base lacks, lands nothing and says so', async () => {
    const t = await landRepo(['a']);
    const joined = await t.qlock(['join', 'trunk']);
    expect(joined.code, joined.stderr).toBe(0);
    const onBase = await t.qlock(['land', 'trunk']);
    expect(onBase.code).toBe(1);
    expect(onBase.stdout).toContain('is on main itself');
    const nothing = await t.qlock(['land', 'a']);
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toContain('Session "a" has nothing that main lacks: nothing to land.');
    expect(nothing.stdout).not.toContain('Told');
  });

  it('Ctrl-C during the check stops it and puts everything back (after a rebase)', async () => {
    const t = await landRepo(['a']);
    const { repo, dirs } = t;
    t.edit(dirs.a!, 'src/a.txt', 3, 'A3');
    t.commit(dirs.a!, 'a: line 3');
    t.edit(repo.root, 'src/a.txt', 18, 'MAIN18');
    t.commit(repo.root, 'main: line 18');
    const before = repoState(repo, [dirs.a!]);
    const log = path.join(repo.root, '.git', 'qlock', 'land', 'a.check.log');
    const child = spawn(process.execPath, [BIN, 'land', 'a', '--check', 'echo started; sleep 60'], {
      cwd: repo.root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await waitFor(
      () => fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('started'),
      60_000,
    );
    child.kill('SIGINT');
    expect(await exited).toBe(1);
    expect(stdout).toContain('was interrupted');
    expect(repoState(repo, [dirs.a!])).toEqual(before);
  });

  it('land.sync merge: base is merged into the session first, then base fast-forwards to that merge', async () => {
    const t = await landRepo(['a'], { land: { sync: 'merge' } });
    const { repo, dirs } = t;
    t.edit(dirs.a!, 'src/a.txt', 3, 'A3');
    const aHead = t.commit(dirs.a!, 'a: line 3');
    t.edit(repo.root, 'src/a.txt', 18, 'MAIN18');
    const mainTip = t.commit(repo.root, 'main: line 18');
    const out = await t.qlock(['land', 'a']);
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toContain('(merged)');
    const tip = repo.git(['rev-parse', 'main']);
    expect(repo.git(['rev-list', '--parents', '-n1', 'main']).split(' ')).toEqual([
      tip,
      aHead,
      mainTip,
    ]);
    expect(repo.git(['rev-parse', 'HEAD'], dirs.a)).toBe(tip);
    expect(repo.read('src/a.txt').split('\n')[2]).toBe('A3');
  });
});
