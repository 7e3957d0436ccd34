import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { init } from '../../src/commands/init.js';
import { join } from '../../src/commands/join.js';
import { newSession } from '../../src/commands/new.js';
import { renderStatus, status } from '../../src/commands/status.js';
import { who } from '../../src/commands/who.js';
import { QlockError } from '../../src/errors.js';
import { updateRegistry } from '../../src/store/registry.js';
import { makeRepo, type Repo, testContext } from '../helpers/repo.js';

async function setup(): Promise<{ repo: Repo; a: string; b: string }> {
  const repo = makeRepo();
  await init({ hooks: false }, testContext(repo.root));
  const a = (await newSession({ name: 'a' }, testContext(repo.root))).session.path;
  const b = (await newSession({ name: 'b' }, testContext(repo.root))).session.path;
  return { repo, a, b };
}

const row = (result: Awaited<ReturnType<typeof status>>, name: string) =>
  result.sessions.find((s) => s.name === name)!;

describe('qlock status', () => {
  it('sorts changed files into committed, staged, unstaged and untracked', async () => {
    const { repo, a } = await setup();
    repo.write('src/committed.txt', 'c\n', a);
    repo.commitAll('work', a);
    repo.write('src/a.txt', 'staged\n', a);
    repo.git(['add', 'src/a.txt'], a);
    repo.write('src/b.txt', 'unstaged\n', a);
    repo.write('README.md', 'staged\n', a);
    repo.git(['add', 'README.md'], a);
    repo.write('README.md', 'then changed again\n', a);
    repo.write('new dir/deep/untracked file ✓.txt', 'u\n', a);

    const result = await status({}, testContext(repo.root));
    const s = row(result, 'a');
    expect(s.changes).toEqual({
      committed: ['src/committed.txt'],
      staged: ['README.md', 'src/a.txt'],
      unstaged: ['README.md', 'src/b.txt'],
      untracked: ['new dir/deep/untracked file ✓.txt'],
    });
    expect(s.changed).toEqual([
      'README.md',
      'new dir/deep/untracked file ✓.txt',
      'src/a.txt',
      'src/b.txt',
      'src/committed.txt',
    ]);
    expect(s).toMatchObject({ branch: 'qlock/a', ahead: 1, behind: 0, state: 'active' });
    expect(s.head).toBe(repo.git(['rev-parse', 'HEAD'], a));
    expect(row(result, 'b').changed).toEqual([]);
  });

  it('a rename shows as a deletion plus an untracked file; deleted files are changes', async () => {
    const { repo, a } = await setup();
    fs.renameSync(path.join(a, 'src/a.txt'), path.join(a, 'src/renamed.txt'));
    fs.rmSync(path.join(a, 'src/b.txt'));
    const s = row(await status({}, testContext(repo.root)), 'a');
    expect(s.changes.unstaged).toEqual(['src/a.txt', 'src/b.txt']);
    expect(s.changes.untracked).toEqual(['src/renamed.txt']);
  });

  it('ignored files are not changes (.gitignore and config `ignore`)', async () => {
    const repo = makeRepo();
    repo.write('.gitignore', 'build/\n');
    repo.write('.qsessionrc', "ignore: ['generated/**', '*.log']\n");
    repo.commitAll('ignores');
    const { session } = await newSession({ name: 'a' }, testContext(repo.root));
    repo.write('build/out.o', 'x', session.path);
    repo.write('generated/api.ts', 'x', session.path);
    repo.write('debug.log', 'x', session.path);
    // As in .gitignore: a glob without a slash matches at any depth, one with a slash is anchored.
    repo.write('src/deep/trace.log', 'x', session.path);
    repo.write('src/generated/kept.ts', 'x', session.path);
    repo.write('src/real.txt', 'x', session.path);
    const s = row(await status({}, testContext(repo.root)), 'a');
    expect(s.changed).toEqual(['src/generated/kept.ts', 'src/real.txt']);
  });

  it('ahead and behind base; behind asks for attention', async () => {
    const { repo, a } = await setup();
    repo.write('main-only.txt', 'm\n');
    repo.commitAll('main moves');
    repo.write('x.txt', 'x\n', a);
    repo.commitAll('one', a);
    repo.write('y.txt', 'y\n', a);
    repo.commitAll('two', a);
    const s = row(await status({}, testContext(repo.root)), 'a');
    expect(s).toMatchObject({ ahead: 2, behind: 1 });
    // Committed-but-unmerged is measured from the merge-base: main's new file is not "ours".
    expect(s.changes.committed).toEqual(['x.txt', 'y.txt']);
    expect(s.attention).toContainEqual({
      kind: 'behind',
      message: expect.stringContaining('qlock sync'),
    });
  });

  it('states: active, idle and stale by lastSeen; missing when the directory is gone', async () => {
    const { repo, a } = await setup();
    const created = Date.parse(row(await status({}, testContext(repo.root)), 'a').lastSeen);
    const at = (ms: number) => testContext(repo.root, { now: () => new Date(created + ms) });
    expect(row(await status({}, at(60_000)), 'a').state).toBe('active');
    expect(row(await status({}, at(20 * 60_000)), 'a').state).toBe('idle');
    const stale = row(await status({}, at(3 * 3_600_000)), 'a');
    expect(stale.state).toBe('stale');
    expect(stale.attention).toContainEqual({
      kind: 'stale',
      message: expect.stringContaining('not seen since'),
    });

    fs.rmSync(a, { recursive: true, force: true });
    const missing = row(await status({}, testContext(repo.root)), 'a');
    expect(missing).toMatchObject({ state: 'missing', changed: [], ahead: 0, behind: 0 });
    expect(missing.attention).toContainEqual({
      kind: 'missing',
      message: expect.stringContaining('qlock gc'),
    });
    expect(row(await status({}, testContext(repo.root)), 'b').state).toBe('active');
  });

  it('a session directory git cannot read any more: named as such, the other sessions still shown', async () => {
    const { repo, a, b } = await setup();
    repo.write('src/a.txt', 'b changed\n', b);
    fs.rmSync(path.join(a, '.git')); // no longer a worktree (its link to the repository is gone)
    const result = await status({}, testContext(repo.root));
    const broken = row(result, 'a');
    expect(broken).toMatchObject({ state: 'active', changed: [] });
    expect(broken.attention).toContainEqual({
      kind: 'unreadable',
      message: expect.stringMatching(
        /git cannot read it \(fatal: .*git worktree repair.*qlock rm a --keep-worktree/,
      ),
    });
    expect(row(result, 'b').changed).toEqual(['src/a.txt']);
    expect(renderStatus(result, {}, new Date())).toContain('git cannot read it');
    // who answers too, from what can be read.
    const answer = await who({ path: 'src/a.txt' }, testContext(repo.root));
    expect(answer.changes.map((c) => c.session)).toEqual(['b']);
  });

  it('reports lastSeen as stored and advancing', async () => {
    const { repo } = await setup();
    const later = new Date(Date.now() + 3_600_000).toISOString();
    await updateRegistry(path.join(repo.root, '.git', 'qlock'), ({ registry }) => {
      registry.sessions.a!.lastSeen = later;
    });
    expect(row(await status({}, testContext(repo.root)), 'a').lastSeen).toBe(later);
  });

  it('file overlaps between live sessions, in the result and as attention', async () => {
    const { repo, a, b } = await setup();
    repo.write('src/a.txt', 'from a\n', a);
    repo.write('src/a.txt', 'from b\n', b);
    repo.write('only-b.txt', 'b\n', b);
    const result = await status({}, testContext(repo.root));
    expect(result.overlaps).toEqual([
      // `file`, or `hunk` where the conflicts area finds the changed lines touching.
      expect.objectContaining({
        path: 'src/a.txt',
        sessions: ['a', 'b'],
        kind: expect.stringMatching(/^(file|hunk)$/),
      }),
    ]);
    expect(row(result, 'a').attention).toContainEqual({
      kind: 'overlap',
      message: 'src/a.txt also changed by b',
    });
  });

  it('`status NAME` shows one session; an unknown name is an error listing the sessions', async () => {
    const { repo } = await setup();
    const result = await status({ name: 'b' }, testContext(repo.root));
    expect(result.sessions.map((s) => s.name)).toEqual(['b']);
    const error = await status({ name: 'zz' }, testContext(repo.root)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QlockError);
    expect((error as Error).message).toContain('sessions: a, b');
  });

  it('runs from any worktree or subdirectory, with the same answer', async () => {
    const { repo, a } = await setup();
    repo.write('z.txt', 'z\n', a);
    fs.mkdirSync(path.join(a, 'src', 'sub'), { recursive: true });
    const fromRoot = await status({}, testContext(repo.root));
    const fromSub = await status({}, testContext(path.join(a, 'src', 'sub')));
    expect(fromSub.sessions.map((s) => [s.name, s.changed])).toEqual(
      fromRoot.sessions.map((s) => [s.name, s.changed]),
    );
  });

  it('--json shape follows the DESIGN.md contract', async () => {
    const { repo, a } = await setup();
    await join({ name: 'main' }, testContext(repo.root));
    repo.write('f.txt', 'f\n', a);
    const result = JSON.parse(JSON.stringify(await status({}, testContext(repo.root)))) as Record<
      string,
      unknown
    >;
    expect(result.project).toEqual({
      root: repo.root,
      stateDir: path.join(repo.root, '.git', 'qlock'),
      git: true,
      base: 'main',
    });
    for (const key of ['sessions', 'locks', 'overlaps', 'conflicts'])
      expect(Array.isArray(result[key]), key).toBe(true);
    const sessions = result.sessions as Record<string, unknown>[];
    expect(sessions.map((s) => s.name)).toEqual(['a', 'b', 'main']);
    for (const s of sessions) {
      expect(s).toEqual(
        expect.objectContaining({
          name: expect.any(String),
          path: expect.any(String),
          branch: expect.any(String),
          base: 'main',
          head: expect.stringMatching(/^[0-9a-f]{40}$/),
          ahead: expect.any(Number),
          behind: expect.any(Number),
          changed: expect.any(Array),
          locks: expect.any(Array),
          state: expect.stringMatching(/^(active|idle|stale|missing)$/),
          lastSeen: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          unread: expect.any(Number),
          attention: expect.any(Array),
        }),
      );
    }
    expect(sessions[0]!.changed).toEqual(['f.txt']);
  });

  it('the text view: one block per session with branch, counts, files and state', async () => {
    const { repo, a } = await setup();
    repo.write('src/a.txt', 'changed\n', a);
    for (let i = 0; i < 10; i++) repo.write(`many/f${i}.txt`, 'x', a);
    const ctx = testContext(repo.root);
    const result = await status({}, ctx);
    const text = renderStatus(result, {}, ctx.now());
    expect(text).toContain(`qlock: ${repo.root}`);
    expect(text).toMatch(/^a {2}active {2}qlock\/a ↑0 ↓0/m);
    expect(text).toContain('changes: 1 modified, 10 untracked');
    expect(text).toContain('… 6 more (--verbose)');
    expect(renderStatus(result, { verbose: true }, ctx.now())).toContain('many/f9.txt');
    expect(text).toMatch(/^b {2}active/m);
  });

  it('with no sessions, says how to create one', async () => {
    const repo = makeRepo();
    await init({ hooks: false }, testContext(repo.root));
    const ctx = testContext(repo.root);
    const result = await status({}, ctx);
    expect(result.sessions).toEqual([]);
    expect(renderStatus(result, {}, ctx.now())).toContain('qlock new NAME');
  });
});
