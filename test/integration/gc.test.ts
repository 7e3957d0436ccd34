import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { gc, renderGc } from '../../src/commands/gc.js';
import { init } from '../../src/commands/init.js';
import { newSession } from '../../src/commands/new.js';
import { status } from '../../src/commands/status.js';
import { readEvents } from '../../src/store/eventLog.js';
import { readRegistry, updateRegistry } from '../../src/store/registry.js';
import type { Lock } from '../../src/store/types.js';
import { makePlainDir, makeRepo, type Repo, testContext } from '../helpers/repo.js';

const stateDir = (repo: Repo) => path.join(repo.root, '.git', 'qlock');
const lock = (p: string, session: string, extra: Partial<Lock> = {}): Lock => ({
  path: p,
  session,
  reason: 'test',
  acquiredAt: new Date().toISOString(),
  ...extra,
});

async function setup() {
  const repo = makeRepo();
  await init({ hooks: false }, testContext(repo.root));
  const a = (await newSession({ name: 'a' }, testContext(repo.root))).session.path;
  const b = (await newSession({ name: 'b' }, testContext(repo.root))).session.path;
  return { repo, a, b };
}

/** Not seen for three hours (beyond the default staleAfter of 2h): absent counts as gone. */
async function ageSessions(dir: string, ...names: string[]): Promise<void> {
  const old = new Date(Date.now() - 3 * 3_600_000).toISOString();
  await updateRegistry(dir, ({ registry }) => {
    for (const name of names) registry.sessions[name]!.lastSeen = old;
  });
}

const prunable = (repo: Repo) =>
  repo
    .git(['worktree', 'list', '--porcelain'])
    .split('\n')
    .filter((l) => l.startsWith('prunable'));

describe('qlock gc', () => {
  it('a worktree deleted by hand: missing in status, then gc removes it, prunes git, releases its locks', async () => {
    const { repo, a } = await setup();
    await updateRegistry(stateDir(repo), ({ registry }) => {
      registry.locks.push(lock('src/a.txt', 'a'), lock('src/', 'a'), lock('src/b.txt', 'b'));
    });
    fs.rmSync(a, { recursive: true, force: true });
    await ageSessions(stateDir(repo), 'a');
    expect(prunable(repo)).toHaveLength(1);
    const before = await status({}, testContext(repo.root));
    expect(before.sessions.find((s) => s.name === 'a')?.state).toBe('missing');

    const result = await gc({}, testContext(repo.root));
    expect(result.dryRun).toBe(false);
    expect(result.actions).toEqual(
      expect.arrayContaining([
        { kind: 'session', target: 'a', reason: `directory ${a} is gone` },
        { kind: 'lock', target: 'src/a.txt', reason: 'held by removed session a' },
        { kind: 'lock', target: 'src/', reason: 'held by removed session a' },
        expect.objectContaining({ kind: 'worktree-prune' }),
      ]),
    );
    const registry = readRegistry(stateDir(repo));
    expect(Object.keys(registry.sessions)).toEqual(['b']);
    expect(registry.locks.map((l) => l.path)).toEqual(['src/b.txt']);
    expect(prunable(repo)).toEqual([]);
    expect(readEvents(stateDir(repo)).events.at(-1)).toMatchObject({
      kind: 'session-left',
      from: 'a',
    });

    const text = renderGc(result);
    expect(text).toContain('Removed session a');
    expect(text).toContain('Removed lock src/a.txt: held by removed session a');
    expect(text).toContain(`Pruned git's worktree entry ${a}`);
    // git forgot the worktree: its branch can be checked out again elsewhere.
    repo.git(['worktree', 'add', '-q', path.join(repo.parent, 'again'), 'qlock/a']);
  });

  it('--dry-run says what it would do and changes nothing', async () => {
    const { repo, a } = await setup();
    await updateRegistry(stateDir(repo), ({ registry }) => {
      registry.locks.push(lock('src/a.txt', 'a'));
    });
    fs.rmSync(a, { recursive: true, force: true });
    await ageSessions(stateDir(repo), 'a');
    const registryBefore = fs.readFileSync(path.join(stateDir(repo), 'registry.json'), 'utf8');
    const eventsBefore = readEvents(stateDir(repo)).events.length;
    const result = await gc({ dryRun: true }, testContext(repo.root));
    expect(result.dryRun).toBe(true);
    expect(result.actions.map((x) => [x.kind, x.target])).toEqual([
      ['session', 'a'],
      ['lock', 'src/a.txt'],
    ]);
    expect(renderGc(result)).toContain('Would remove session a');
    expect(renderGc(result)).toContain('without --dry-run');
    expect(fs.readFileSync(path.join(stateDir(repo), 'registry.json'), 'utf8')).toBe(
      registryBefore,
    );
    expect(readEvents(stateDir(repo)).events.length).toBe(eventsBefore);
    expect(prunable(repo)).toHaveLength(1);
  });

  it('releases expired locks and locks of unknown sessions, and tells a live holder', async () => {
    const { repo } = await setup();
    const past = new Date(Date.now() - 60_000).toISOString();
    const future = new Date(Date.now() + 3_600_000).toISOString();
    await updateRegistry(stateDir(repo), ({ registry }) => {
      registry.locks.push(
        lock('expired.txt', 'b', { expiresAt: past }),
        lock('valid.txt', 'b', { expiresAt: future }),
        lock('ghost.txt', 'ghost'),
      );
    });
    const result = await gc({}, testContext(repo.root));
    expect(result.actions.map((x) => [x.kind, x.target])).toEqual([
      ['lock', 'expired.txt'],
      ['lock', 'ghost.txt'],
    ]);
    expect(readRegistry(stateDir(repo)).locks.map((l) => l.path)).toEqual(['valid.txt']);
    const broken = readEvents(stateDir(repo)).events.filter((e) => e.kind === 'lock-broken');
    expect(broken).toEqual([expect.objectContaining({ to: ['b'], paths: ['expired.txt'] })]);
  });

  it('removes temp files left by killed writers, never a live one', async () => {
    const { repo } = await setup();
    const dead = path.join(stateDir(repo), '.registry.json.999999999.deadbeef.tmp');
    const live = path.join(stateDir(repo), `.registry.json.${process.pid}.cafebabe.tmp`);
    fs.writeFileSync(dead, '{');
    fs.writeFileSync(live, '{');
    const dry = await gc({ dryRun: true }, testContext(repo.root));
    expect(dry.actions).toEqual([
      expect.objectContaining({ kind: 'temp-file', target: path.basename(dead) }),
    ]);
    expect(fs.existsSync(dead)).toBe(true);
    await gc({}, testContext(repo.root));
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(live)).toBe(true);
  });

  it('nothing to do: says so', async () => {
    const { repo } = await setup();
    const result = await gc({}, testContext(repo.root));
    expect(result.actions).toEqual([]);
    expect(renderGc(result)).toBe('Nothing to clean up.');
    expect(Object.keys(readRegistry(stateDir(repo)).sessions)).toEqual(['a', 'b']);
  });

  it('plain directories: a deleted copy is removed with its snapshot', async () => {
    const root = makePlainDir();
    await init({}, testContext(root));
    const { session } = await newSession({ name: 'c', copy: true }, testContext(root));
    fs.rmSync(session.path, { recursive: true, force: true });
    await ageSessions(path.join(root, '.qlock'), 'c');
    const result = await gc({}, testContext(root));
    expect(result.actions).toEqual([expect.objectContaining({ kind: 'session', target: 'c' })]);
    expect(readRegistry(path.join(root, '.qlock')).sessions).toEqual({});
    expect(fs.existsSync(path.join(root, '.qlock', 'snapshots', 'c'))).toBe(false);
  });

  it('plain directories: snapshots no session uses (killed `new --copy` / `join`) are removed, live ones kept', async () => {
    const root = makePlainDir();
    await init({}, testContext(root));
    await newSession({ name: 'c', copy: true }, testContext(root));
    const snapshots = path.join(root, '.qlock', 'snapshots');
    const leftovers = ['.pending-x-999999999', '.trash-999999999-deadbeef', 'ghost'];
    const live = `.pending-y-${process.pid}`;
    for (const name of [...leftovers, live]) {
      fs.mkdirSync(path.join(snapshots, name, 'files'), { recursive: true });
      fs.writeFileSync(path.join(snapshots, name, 'files', 'big.txt'), 'x');
    }
    const dry = await gc({ dryRun: true }, testContext(root));
    expect(dry.actions.map((a) => [a.kind, a.target]).sort()).toEqual(
      leftovers.map((n) => ['snapshot', n]).sort(),
    );
    expect(renderGc(dry)).toContain('Would remove snapshot ghost: no session uses it');
    expect(fs.readdirSync(snapshots).sort()).toEqual([...leftovers, live, 'c'].sort());

    const done = await gc({}, testContext(root));
    expect(done.actions.filter((a) => a.kind === 'snapshot')).toHaveLength(3);
    expect(fs.readdirSync(snapshots).sort()).toEqual([live, 'c'].sort());
    expect(Object.keys(readRegistry(path.join(root, '.qlock')).sessions)).toEqual(['c']);
    expect((await gc({}, testContext(root))).actions).toEqual([]);
  });

  it('a session absent while recently active keeps its locks and registration, and is named', async () => {
    const { repo, a } = await setup();
    await updateRegistry(stateDir(repo), ({ registry }) => {
      registry.locks.push(lock('src/a.txt', 'a'));
    });
    const moved = `${a}-moving`;
    fs.renameSync(a, moved); // a `mv` in progress, an unmounted disk
    const result = await gc({}, testContext(repo.root));
    expect(result.actions).toEqual([expect.objectContaining({ kind: 'absent', target: 'a' })]);
    expect(renderGc(result)).toContain('Kept session a');
    expect(renderGc(result)).toContain('qlock rm a');
    const registry = readRegistry(stateDir(repo));
    expect(Object.keys(registry.sessions).sort()).toEqual(['a', 'b']);
    expect(registry.locks.map((l) => l.path)).toEqual(['src/a.txt']);
    // Back in place: git still knows it, with its index and branch.
    fs.renameSync(moved, a);
    expect(repo.git(['status', '--porcelain'], a)).toBe('');
    expect(prunable(repo)).toEqual([]);
  });

  it("never prunes a worktree qlock did not register: the user's own, absent for a moment", async () => {
    const { repo, a } = await setup();
    const own = repo.worktree('own');
    repo.write('wip.txt', 'staged work\n', own);
    repo.git(['add', 'wip.txt'], own);
    fs.renameSync(own, `${own}-away`);
    fs.rmSync(a, { recursive: true, force: true });
    await ageSessions(stateDir(repo), 'a');

    const result = await gc({}, testContext(repo.root));
    expect(result.actions).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'worktree-prune', target: a })]),
    );
    fs.renameSync(`${own}-away`, own);
    // Its index (the staged file) survived: git did not forget the worktree.
    expect(repo.git(['status', '--porcelain'], own)).toBe('A  wip.txt');
  });
});
