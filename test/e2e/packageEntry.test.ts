import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { makeRepo, REPO_ROOT, runQlock } from '../helpers/repo.js';

/**
 * The package's `exports` entry, as a user of the library would load it: by the package name
 * (node's self-reference resolves it through package.json `exports`, exactly as from
 * node_modules), from the built dist/, with its type declarations next to it.
 */
describe('the library entry (package.json exports)', () => {
  it('resolves to a built module with types, and its functions answer like the CLI', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      exports: { '.': { types: string; default: string } };
      files: string[];
    };
    const entry = pkg.exports['.'];
    expect(fs.existsSync(path.join(REPO_ROOT, entry.default)), entry.default).toBe(true);
    expect(fs.existsSync(path.join(REPO_ROOT, entry.types)), entry.types).toBe(true);
    expect(pkg.files).toContain(entry.default.split('/')[1] + '/');

    const repo = makeRepo();
    const init = await runQlock(['init', '--no-hooks'], { cwd: repo.root });
    expect(init.code, init.stderr).toBe(0);
    const join = await runQlock(['join', 'main'], { cwd: repo.root });
    expect(join.code, join.stderr).toBe(0);
    const other = await runQlock(['new', 'other', '--json'], { cwd: repo.root });
    expect(other.code, other.stderr).toBe(0);
    const otherPath = (JSON.parse(other.stdout) as { session: { path: string } }).session.path;

    // A script in the repository under test, importing qlock by name from the package root.
    const script = `
      const q = await import('qlock');
      const ctx = q.defaultContext({ cwd: process.argv[1] });
      const project = q.findProject(process.argv[1]);
      const taken = await q.lock({ paths: ['src/a.txt'], reason: 'lib' }, ctx);
      const all = await q.locks({}, ctx);
      const st = await q.status({}, ctx);
      let refused;
      try {
        await q.lock({ paths: ['src/a.txt'] }, q.defaultContext({ cwd: process.argv[2] }));
      } catch (e) {
        refused = { isQlock: e instanceof q.QlockError, exitCode: e.exitCode };
      }
      process.stdout.write(JSON.stringify({
        kind: project.kind,
        taken: taken.locks.map((l) => l.path),
        all: all.locks.map((l) => [l.path, l.session, l.reason]),
        sessions: st.sessions.map((s) => s.name),
        refused,
        covers: q.lockCovers('src/', 'src/a.txt'),
      }));
    `;
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', script, repo.root, otherPath],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(out)).toEqual({
      kind: 'git',
      taken: ['src/a.txt'],
      all: [['src/a.txt', 'main', 'lib']],
      sessions: ['main', 'other'],
      refused: { isQlock: true, exitCode: 3 },
      covers: true,
    });
  });
});
