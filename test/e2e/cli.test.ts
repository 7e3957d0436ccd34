import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  BIN,
  branches,
  makePlainDir,
  makeRepo,
  REPO_ROOT,
  runQlock,
  tempDir,
  worktreePaths,
} from '../helpers/repo.js';

/** The built CLI (bin/qlock.js → dist/) as a child process. */

/** The parts of the commands' --json output these tests read. */
interface CliJson {
  session: { name: string; path: string };
  sessions: { name: string; state: string; changed: string[] }[];
  [key: string]: unknown;
}

const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
  version: string;
};

describe('qlock CLI basics', () => {
  it('--version prints the package version', async () => {
    const r = await runQlock(['--version'], { cwd: tempDir() });
    expect(r).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it('an unknown command suggests the nearest and exits 2', async () => {
    const r = await runQlock(['stauts'], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'stauts'");
    expect(r.stderr).toContain('(Did you mean status?)');
    expect(r.stdout).toBe('');
  });

  it('an unknown option suggests the nearest and exits 2', async () => {
    const r = await runQlock(['new', 'x', '--bsae', 'main'], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('(Did you mean --base?)');
  });

  it('help for a command shows examples', async () => {
    const r = await runQlock(['help', 'rm'], { cwd: tempDir() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--keep-worktree');
    expect(r.stdout).toContain('$ qlock rm feature-a');
  });

  it('in a directory deleted under the shell (a session removed while in it): a clear error, no stack trace', async () => {
    const repo = makeRepo();
    expect((await runQlock(['join', 'main'], { cwd: repo.root })).code).toBe(0);
    const gone = path.join(repo.root, 'sub dir');
    // A shell that is in a directory when it is deleted, then runs qlock there.
    const runIn = (args: string[]) => {
      fs.mkdirSync(gone, { recursive: true });
      const script = 'cd "$1" && rm -rf "$1" && shift && exec "$@"';
      return spawnSync('sh', ['-c', script, 'sh', gone, process.execPath, BIN, ...args], {
        encoding: 'utf8',
      });
    };
    for (const args of [['status'], ['lock', 'a.txt'], ['gc'], ['list', '--json']]) {
      const r = runIn(args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(`The current directory ${gone} no longer exists`);
      expect(r.stderr).toContain('cd into the project');
      expect(r.stderr).not.toContain('uv_cwd');
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
    // A prompt segment prints nothing there (no error at every prompt); -C still works.
    expect(runIn(['prompt'])).toMatchObject({ status: 0, stdout: '', stderr: '' });
    const elsewhere = runIn(['-C', repo.root, 'list', '--json']);
    expect(elsewhere.status, elsewhere.stderr).toBe(0);
    expect(JSON.parse(elsewhere.stdout).sessions).toHaveLength(1);
  });

  it('outside any project: one clear line on stderr, exit 1, no stack trace', async () => {
    const dir = tempDir();
    const r = await runQlock(['status'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No qlock project here');
    expect(r.stderr).toContain('qlock init');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const json = await runQlock(['status', '--json'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toEqual({
      error: { message: expect.stringContaining('No qlock project'), exitCode: 1 },
    });
  });
});

describe('the hot commands run from their own bundle (scripts/bundle.mjs)', () => {
  it('lock, unlock, prompt, status, hook and both kinds of agent hook each load theirs', async () => {
    const repo = makeRepo();
    expect((await runQlock(['init', '--no-hooks'], { cwd: repo.root })).code).toBe(0);
    const env = { QLOCK_DEBUG: '1' };
    const cases: [string[], string][] = [
      [['lock', 'a.txt'], 'lock'],
      [['unlock', 'a.txt'], 'lock'],
      [['prompt'], 'prompt'],
      [['status'], 'status'],
      [['status', '--json', '-v'], 'status'],
      [['hook', 'post-checkout', '0', '0', '0'], 'hook'],
      [['agent-hook', 'claude', 'pre-tool'], 'agent-tool'],
      [['agent-hook', 'gemini', 'BeforeTool'], 'agent-tool'],
      [['agent-hook', 'claude', 'prompt'], 'agent-context'],
      [['agent-hook', 'q', 'session-start'], 'agent-context'],
    ];
    for (const [args, bundle] of cases) {
      const r = await runQlock(args, { cwd: repo.root, env });
      expect(r.stderr, args.join(' ')).toContain(`qlock:bin bundled fast path (${bundle})`);
    }
    // Help is commander's, whatever the command.
    const help = await runQlock(['lock', '--help'], { cwd: repo.root, env });
    expect(help.stderr).not.toContain('qlock:bin');
    expect(help.stdout).toContain('Usage: qlock lock');
  });
});

describe('a whole session lifecycle through the CLI, --json output parses', () => {
  it('init → new → join → list → status → rm → gc', async () => {
    const repo = makeRepo({ name: 'my repo ✓' });
    const q = async (...args: string[]) => {
      const r = await runQlock([...args, '--json'], { cwd: repo.root });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout) as CliJson;
    };
    const init = await q('init', '--no-hooks');
    expect(init).toMatchObject({ root: repo.root, git: true, base: 'main', created: true });

    const created = await q('new', 'feat');
    const dir = path.join(repo.parent, 'my repo ✓-feat');
    expect(created.session).toMatchObject({ name: 'feat', path: dir, branch: 'qlock/feat' });

    const joined = await q('join', 'main');
    expect(joined).toMatchObject({
      alreadyRegistered: false,
      session: { name: 'main', path: repo.root },
    });

    fs.writeFileSync(path.join(dir, 'src', 'a.txt'), 'edited\n');
    const listed = await q('list');
    expect(listed.sessions.map((s) => [s.name, s.state])).toEqual([
      ['feat', 'active'],
      ['main', 'active'],
    ]);

    const st = await q('status');
    expect(st.project).toMatchObject({ root: repo.root, git: true, base: 'main' });
    expect(st.sessions.find((s) => s.name === 'feat')?.changed).toEqual(['src/a.txt']);

    // rm refuses (uncommitted work): exit 1, message names the way out.
    const refused = await runQlock(['rm', 'feat'], { cwd: repo.root });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--force');
    expect(fs.existsSync(dir)).toBe(true);

    const removed = await q('rm', 'feat', '--force');
    expect(removed).toMatchObject({ name: 'feat', removedDirectory: true });
    expect(fs.existsSync(dir)).toBe(false);

    const gc = await q('gc', '--dry-run');
    expect(gc).toEqual({ dryRun: true, actions: [] });
  });

  it('plain directory: init, new --copy, status against the snapshot', async () => {
    const root = makePlainDir({ 'a.txt': 'a\n' }, 'plain dir');
    expect((await runQlock(['init'], { cwd: root })).code).toBe(0);
    const made = await runQlock(['new', 'c1', '--copy', '--json'], { cwd: root });
    expect(made.code, made.stderr).toBe(0);
    const { session } = JSON.parse(made.stdout) as { session: { path: string } };
    fs.writeFileSync(path.join(session.path, 'a.txt'), 'changed\n');
    const st = await runQlock(['status', '--json'], { cwd: session.path });
    expect(JSON.parse(st.stdout).sessions[0]).toMatchObject({ name: 'c1', changed: ['a.txt'] });
    const text = await runQlock(['status'], { cwd: root });
    expect(text.stdout).toContain('(plain directory)');
    expect(text.stdout).toContain('changes: 1 modified');
  });
});

describe('input safety through the CLI: exit 2, a clear message, nothing created', () => {
  it.each(['../x', 'a/b', '$(x)', 'with space', '', 'x'.repeat(65)])(
    'qlock new %j',
    async (name) => {
      const repo = makeRepo();
      expect((await runQlock(['init', '--no-hooks'], { cwd: repo.root })).code).toBe(0);
      const before = {
        worktrees: worktreePaths(repo.root),
        branches: branches(repo.root),
        siblings: fs.readdirSync(repo.parent).sort(),
        registry: fs.readFileSync(path.join(repo.root, '.git/qlock/registry.json'), 'utf8'),
      };
      const r = await runQlock(['new', name], { cwd: repo.root });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('Invalid session name');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect({
        worktrees: worktreePaths(repo.root),
        branches: branches(repo.root),
        siblings: fs.readdirSync(repo.parent).sort(),
        registry: fs.readFileSync(path.join(repo.root, '.git/qlock/registry.json'), 'utf8'),
      }).toEqual(before);
      // The shell never saw the name: no "x" file or directory appeared anywhere.
      expect(fs.existsSync(path.join(repo.root, 'x'))).toBe(false);
    },
  );

  it('qlock join with a bad name: exit 2, not registered', async () => {
    const repo = makeRepo();
    const r = await runQlock(['join', '../escape'], { cwd: repo.root });
    expect(r.code).toBe(2);
    expect(fs.existsSync(path.join(repo.root, '.git/qlock/registry.json'))).toBe(false);
  });
});
