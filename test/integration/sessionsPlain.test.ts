import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it, vi } from 'vitest';

import { init } from '../../src/commands/init.js';
import { join } from '../../src/commands/join.js';
import { newSession } from '../../src/commands/new.js';
import { status } from '../../src/commands/status.js';
import { UsageError } from '../../src/errors.js';
import { readRegistry } from '../../src/store/registry.js';
import { makePlainDir, testContext } from '../helpers/repo.js';

/** Without git: `init`, `new NAME --copy`, `join`, `status` against the snapshot. */

const realCpSync = fs.cpSync.bind(fs);

const FILES = {
  'README.md': '# notes\n',
  'src/app.js': 'console.log(1);\n',
  'src/lib/util.js': 'export const x = 1;\n',
  'dist/bundle.js': 'built\n',
  'logs/today.log': 'noise\n',
  'node_modules/dep/index.js': 'dep\n',
  'my docs/é.txt': 'unicode\n',
};

async function setup() {
  const root = makePlainDir(FILES, 'my project');
  fs.writeFileSync(path.join(root, '.qsessionrc'), "ignore: ['dist/**', '**/*.log']\n");
  await init({}, testContext(root));
  return root;
}

describe('plain directories (no git)', () => {
  it('new --copy copies the tree without ignored files and node_modules, and registers it', async () => {
    const root = await setup();
    const { session } = await newSession({ name: 'c1', copy: true }, testContext(root));
    expect(session).toMatchObject({
      name: 'c1',
      path: path.join(path.dirname(root), 'my project-c1'),
      kind: 'copy',
      base: 'snapshot',
      snapshot: path.join('snapshots', 'c1'),
    });
    const copied = (rel: string) => fs.existsSync(path.join(session.path, rel));
    expect(copied('README.md')).toBe(true);
    expect(copied('src/lib/util.js')).toBe(true);
    expect(copied('my docs/é.txt')).toBe(true);
    expect(copied('.qsessionrc')).toBe(true);
    expect(copied('dist/bundle.js')).toBe(false);
    expect(copied('logs/today.log')).toBe(false);
    expect(copied('node_modules')).toBe(false);
    // The copy points at the project's state, it does not carry one of its own.
    expect(fs.statSync(path.join(session.path, '.qlock')).isFile()).toBe(true);
    expect(readRegistry(path.join(root, '.qlock')).sessions.c1).toEqual(session);
  });

  it("status shows each copy's changes against the snapshot taken at creation", async () => {
    const root = await setup();
    const { session } = await newSession({ name: 'c1', copy: true }, testContext(root));
    const p = (rel: string) => path.join(session.path, rel);
    fs.writeFileSync(p('src/app.js'), 'console.log(2);\n'); // same size, new content
    fs.rmSync(p('README.md'));
    fs.mkdirSync(p('new dir'));
    fs.writeFileSync(p('new dir/added ✓.js'), 'new\n');
    fs.mkdirSync(p('dist'));
    fs.writeFileSync(p('dist/other.js'), 'ignored\n');
    fs.writeFileSync(p('src/debug.log'), 'ignored\n');
    // Touched but unchanged: not a change.
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(p('src/lib/util.js'), later, later);

    const result = await status({}, testContext(session.path));
    expect(result.project).toMatchObject({ root, git: false, stateDir: path.join(root, '.qlock') });
    const row = result.sessions.find((s) => s.name === 'c1')!;
    expect(row.changes).toEqual({
      committed: [],
      staged: [],
      unstaged: ['README.md', 'src/app.js'],
      untracked: ['new dir/added ✓.js'],
      // A removed file is also listed as such: status says "deleted", not "modified".
      deleted: ['README.md'],
    });
    expect(row.changed).toEqual(['README.md', 'new dir/added ✓.js', 'src/app.js']);
    expect(row).toMatchObject({ ahead: 0, behind: 0, state: 'active', base: 'snapshot' });
  });

  it('the snapshot is the tree at creation, not the original as it changes later', async () => {
    const root = await setup();
    const { session } = await newSession({ name: 'c1', copy: true }, testContext(root));
    fs.writeFileSync(path.join(root, 'README.md'), '# edited in the original\n');
    const row = (await status({}, testContext(root))).sessions.find((s) => s.name === 'c1')!;
    expect(row.changed).toEqual([]);
    expect(fs.readFileSync(path.join(session.path, 'README.md'), 'utf8')).toBe('# notes\n');
  });

  it('join registers the root itself; both sessions show their own changes and overlaps', async () => {
    const root = await setup();
    const { session: copy } = await newSession({ name: 'c1', copy: true }, testContext(root));
    const { session: main } = await join({ name: 'orig' }, testContext(path.join(root, 'src')));
    expect(main).toMatchObject({ name: 'orig', path: root, kind: 'dir' });
    fs.writeFileSync(path.join(root, 'src/app.js'), 'changed in orig\n');
    fs.writeFileSync(path.join(copy.path, 'src/app.js'), 'changed in c1\n');
    const result = await status({}, testContext(root));
    expect(result.sessions.map((s) => [s.name, s.changed])).toEqual([
      ['c1', ['src/app.js']],
      ['orig', ['src/app.js']],
    ]);
    expect(result.overlaps.map((o) => [o.path, o.sessions])).toEqual([
      ['src/app.js', ['c1', 'orig']],
    ]);
  });

  it('new without --copy says to use it (exit 2) and creates nothing', async () => {
    const root = await setup();
    const error = await newSession({ name: 'c1' }, testContext(root)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain('--copy');
    expect(fs.existsSync(path.join(path.dirname(root), 'my project-c1'))).toBe(false);
    expect(readRegistry(path.join(root, '.qlock')).sessions).toEqual({});
  });

  it('a bad name creates no copy, no snapshot and no entry', async () => {
    const root = await setup();
    for (const name of ['../x', 'a/b', '$(x)', 'a b', '', 'y'.repeat(65)]) {
      const error = await newSession({ name, copy: true }, testContext(root)).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UsageError);
    }
    expect(fs.readdirSync(path.dirname(root))).toEqual(['my project']);
    expect(fs.existsSync(path.join(root, '.qlock', 'snapshots'))).toBe(false);
    expect(readRegistry(path.join(root, '.qlock')).sessions).toEqual({});
  });

  it('a copy inside the state dir is refused (gc would take it for a leftover snapshot)', async () => {
    const root = await setup();
    const error = await newSession(
      { name: 'in', copy: true, dir: '.qlock/snapshots/in' },
      testContext(root),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain("inside git's or qlock's own state");
    expect(fs.existsSync(path.join(root, '.qlock', 'snapshots', 'in'))).toBe(false);
    expect(readRegistry(path.join(root, '.qlock')).sessions).toEqual({});
  });

  it('a copy that fails half-way, or is refused, leaves nothing behind', async () => {
    const root = await setup();
    const target = path.join(path.dirname(root), 'my project-c1');
    let calls = 0;
    const spy = vi.spyOn(fs, 'cpSync').mockImplementation((...args) => {
      if (++calls === 2) throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
      return realCpSync(...args);
    });
    const error = await newSession({ name: 'c1', copy: true }, testContext(root)).catch(
      (e: unknown) => e,
    );
    spy.mockRestore();
    expect((error as Error).message).toContain('EIO');
    expect(fs.existsSync(target)).toBe(false);

    // Refused by maxSessions after copying into an existing empty directory: emptied, not removed.
    fs.writeFileSync(path.join(root, '.qsessionrc'), 'maxSessions: 1\n');
    await newSession({ name: 'first', copy: true }, testContext(root));
    fs.mkdirSync(target);
    const full = await newSession({ name: 'c1', copy: true, dir: target }, testContext(root)).catch(
      (e: unknown) => e,
    );
    expect((full as Error).message).toContain('maxSessions');
    expect(fs.readdirSync(target)).toEqual([]);
    expect(Object.keys(readRegistry(path.join(root, '.qlock')).sessions)).toEqual(['first']);
  });

  it('a copy made from inside another copy is made from the project root', async () => {
    const root = await setup();
    const { session: one } = await newSession({ name: 'one', copy: true }, testContext(root));
    fs.writeFileSync(path.join(one.path, 'only-in-one.txt'), 'x\n');
    const { session: two } = await newSession({ name: 'two', copy: true }, testContext(one.path));
    expect(fs.existsSync(path.join(two.path, 'only-in-one.txt'))).toBe(false);
    expect(fs.existsSync(path.join(two.path, 'src/app.js'))).toBe(true);
  });
});
