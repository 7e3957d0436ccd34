import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { init } from '../../src/commands/init.js';
import { newSession, renderNew } from '../../src/commands/new.js';
import { ExitCode, QlockError, UsageError } from '../../src/errors.js';
import { readEvents } from '../../src/store/eventLog.js';
import { readRegistry } from '../../src/store/registry.js';
import {
  branches,
  makeBareRepo,
  makeRepo,
  type Repo,
  testContext,
  worktreePaths,
} from '../helpers/repo.js';

async function initRepo(options: Parameters<typeof makeRepo>[0] = {}): Promise<Repo> {
  const repo = makeRepo(options);
  await init({ hooks: false }, testContext(repo.root));
  return repo;
}

const stateDir = (repo: Repo) => path.join(repo.root, '.git', 'qlock');

/** What must stay untouched when `new` refuses: worktrees, branches, registry, directories. */
function snapshot(repo: Repo) {
  return {
    worktrees: worktreePaths(repo.root),
    branches: branches(repo.root),
    sessions: Object.keys(readRegistry(stateDir(repo)).sessions),
    siblings: fs.readdirSync(repo.parent).sort(),
  };
}

async function refusal(promise: Promise<unknown>): Promise<QlockError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QlockError);
  return error as QlockError;
}

describe('qlock new (git)', () => {
  it('creates a worktree at the worktreeDir template on a new branch from base, and registers it', async () => {
    const repo = await initRepo();
    const ctx = testContext(repo.root);
    const { session } = await newSession({ name: 'feature-a' }, ctx);
    const dir = path.join(repo.parent, 'repo-feature-a');
    expect(session).toMatchObject({
      name: 'feature-a',
      path: dir,
      kind: 'worktree',
      branch: 'qlock/feature-a',
      base: 'main',
      baseTip: repo.git(['rev-parse', 'main']),
    });
    expect(repo.git(['rev-parse', '--abbrev-ref', 'HEAD'], dir)).toBe('qlock/feature-a');
    expect(repo.git(['rev-parse', 'HEAD'], dir)).toBe(repo.git(['rev-parse', 'main']));
    expect(worktreePaths(repo.root)).toContain(dir);
    expect(readRegistry(stateDir(repo)).sessions['feature-a']).toEqual(session);
    expect(session.createdAt).toBe(session.lastSeen);
    // The join event is in the log, and the new session's cursor is before it.
    const events = readEvents(stateDir(repo)).events;
    expect(events.at(-1)).toMatchObject({ kind: 'session-joined', from: 'feature-a' });
    expect(session.cursor).toBeLessThanOrEqual(events.at(-1)!.id);
    const text = renderNew({ session });
    expect(text).toContain(dir);
    expect(text).toMatch(/cd .* && claude/);
  });

  it('the printed `cd` command reaches the worktree even when its path has shell characters', async () => {
    const repo = await initRepo({ name: `it's $HOME \`x\` "q" ü` });
    const { session } = await newSession({ name: 'a' }, testContext(repo.root));
    const cd = /^\s*(cd .*) && claude/m.exec(renderNew({ session }))![1]!;
    const shell = spawnSync('sh', ['-c', `${cd} && pwd -P`], { encoding: 'utf8' });
    expect(shell.stderr).toBe('');
    expect(shell.stdout.trim()).toBe(session.path);
  });

  it('honours the config template, branchPrefix and base', async () => {
    const repo = makeRepo();
    repo.git(['branch', 'develop']);
    repo.write(
      '.qsessionrc',
      "worktreeDir: 'sessions/{name}-of-{repo}'\nbranchPrefix: 'team/'\nbase: develop\n",
    );
    repo.write('.gitignore', 'sessions/\n');
    repo.commitAll('config');
    await init({ hooks: false }, testContext(repo.root));
    const { session } = await newSession({ name: 'x' }, testContext(repo.root));
    expect(session.path).toBe(path.join(repo.root, 'sessions', 'x-of-repo'));
    expect(session.branch).toBe('team/x');
    expect(session.base).toBe('develop');
  });

  it('--base, --dir and --branch (an existing branch is reused)', async () => {
    const repo = await initRepo();
    repo.git(['checkout', '-q', '-b', 'topic']);
    repo.write('topic.txt', 'topic\n');
    const topicTip = repo.commitAll('topic work');
    repo.git(['checkout', '-q', 'main']);

    const a = await newSession(
      { name: 'a', base: 'topic', dir: 'elsewhere/a' },
      testContext(repo.root),
    );
    expect(a.session.path).toBe(path.join(repo.root, 'elsewhere', 'a'));
    expect(a.session.base).toBe('topic');
    expect(repo.git(['rev-parse', 'HEAD'], a.session.path)).toBe(topicTip);

    repo.git(['branch', 'existing', 'main']);
    const b = await newSession({ name: 'b', branch: 'existing' }, testContext(repo.root));
    expect(b.session.branch).toBe('existing');
    expect(repo.git(['rev-parse', '--abbrev-ref', 'HEAD'], b.session.path)).toBe('existing');
  });

  it('works from a linked worktree and from a subdirectory (same project, same template root)', async () => {
    const repo = await initRepo();
    const first = await newSession({ name: 'one' }, testContext(repo.root));
    const sub = path.join(first.session.path, 'src');
    const { session } = await newSession({ name: 'two' }, testContext(sub));
    expect(session.path).toBe(path.join(repo.parent, 'repo-two'));
    expect(Object.keys(readRegistry(stateDir(repo)).sessions).sort()).toEqual(['one', 'two']);
  });

  it.each([
    ['spaces', 'my project'],
    ['unicode', 'projét-ü'],
  ])('paths with %s', async (_label, name) => {
    const repo = await initRepo({ name });
    const { session } = await newSession({ name: 's1' }, testContext(repo.root));
    expect(session.path).toBe(path.join(repo.parent, `${name}-s1`));
    expect(fs.existsSync(path.join(session.path, 'README.md'))).toBe(true);
  });

  it('works in a bare repository: worktrees next to it, named without .git', async () => {
    const repo = makeBareRepo({ bareName: 'proj.git' });
    await init({ hooks: false }, testContext(repo.bare));
    const { session } = await newSession({ name: 's1' }, testContext(repo.bare));
    expect(session.path).toBe(path.join(repo.parent, 'proj-s1'));
    expect(readRegistry(path.join(repo.bare, 'qlock')).sessions.s1?.path).toBe(session.path);
  });

  it('in a submodule: the worktree goes next to its working tree, never into .git/modules', async () => {
    const lib = makeRepo({ name: 'lib' });
    const app = makeRepo({ name: 'app' });
    app.git(['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', lib.root, 'lib']);
    const subRoot = path.join(app.root, 'lib');
    const { session } = await newSession(
      { name: 's1', dir: path.join(app.parent, 'lib-s1') },
      testContext(subRoot),
    );
    expect(session.path).toBe(path.join(app.parent, 'lib-s1'));
    const { session: templated } = await newSession({ name: 's2' }, testContext(subRoot));
    expect(templated.path).toBe(path.join(app.root, 'lib-s2'));
    expect(
      fs.readdirSync(path.join(app.root, '.git', 'modules', 'lib')).some((n) => n.includes('-s')),
    ).toBe(false);
  });

  it('works without a prior `qlock init` (the state dir is created on demand)', async () => {
    const repo = makeRepo();
    const { session } = await newSession({ name: 's1' }, testContext(repo.root));
    expect(readRegistry(stateDir(repo)).sessions.s1).toEqual(session);
  });
});

describe('qlock new refuses and creates nothing', () => {
  it('beyond maxSessions, naming the sessions and how to free a slot', async () => {
    const repo = makeRepo();
    repo.write('.qsessionrc', 'maxSessions: 2\n');
    await init({ hooks: false }, testContext(repo.root));
    await newSession({ name: 'a' }, testContext(repo.root));
    await newSession({ name: 'b' }, testContext(repo.root));
    const before = snapshot(repo);
    const error = await refusal(newSession({ name: 'c' }, testContext(repo.root)));
    expect(error.message).toContain('2 sessions (maxSessions): a, b');
    expect(error.message).toContain('qlock rm NAME');
    expect(error.message).toContain('qlock gc');
    expect(snapshot(repo)).toEqual(before);
  });

  it('the default maxSessions is 10', async () => {
    const repo = await initRepo();
    for (let i = 0; i < 10; i++) await newSession({ name: `s${i}` }, testContext(repo.root));
    const before = snapshot(repo);
    const error = await refusal(newSession({ name: 's10' }, testContext(repo.root)));
    expect(error.message).toContain('10 sessions (maxSessions)');
    expect(snapshot(repo)).toEqual(before);
  });

  it('a name already taken', async () => {
    const repo = await initRepo();
    const { session } = await newSession({ name: 'a' }, testContext(repo.root));
    const before = snapshot(repo);
    const error = await refusal(newSession({ name: 'a', dir: '../other' }, testContext(repo.root)));
    expect(error.message).toContain('"a" already exists');
    expect(error.message).toContain(session.path);
    expect(snapshot(repo)).toEqual(before);
  });

  it('a directory that exists and is not empty, or is a file', async () => {
    const repo = await initRepo();
    const dir = path.join(repo.parent, 'repo-busy');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'precious.txt'), 'mine');
    fs.writeFileSync(path.join(repo.parent, 'a-file'), 'x');
    const before = snapshot(repo);
    const error = await refusal(newSession({ name: 'busy' }, testContext(repo.root)));
    expect(error.message).toContain(dir);
    const fileError = await refusal(
      newSession({ name: 'f', dir: path.join(repo.parent, 'a-file') }, testContext(repo.root)),
    );
    expect(fileError.message).toContain('a-file');
    expect(snapshot(repo)).toEqual(before);
    expect(fs.readFileSync(path.join(dir, 'precious.txt'), 'utf8')).toBe('mine');
  });

  it('a directory inside .git or the state dir (from --dir or worktreeDir) is a usage error', async () => {
    const repo = await initRepo();
    const before = snapshot(repo);
    for (const dir of ['.git/wt', '.git/qlock/snapshots/x', '.git']) {
      const error = await refusal(newSession({ name: 'inside', dir }, testContext(repo.root)));
      expect(error).toBeInstanceOf(UsageError);
      expect(error.message).toContain("inside git's or qlock's own state");
    }
    repo.write('.qsessionrc', 'worktreeDir: .git/{name}\n');
    const configured = await refusal(newSession({ name: 'cfg' }, testContext(repo.root)));
    expect(configured.message).toContain('worktreeDir');
    expect(snapshot(repo)).toEqual(before);
    expect(fs.readdirSync(path.join(repo.root, '.git')).filter((n) => n === 'wt')).toEqual([]);
  });

  it('a bare repository may hold its worktrees, but not in its state dir', async () => {
    const repo = makeBareRepo({ bareName: 'proj.git' });
    await init({ hooks: false }, testContext(repo.bare));
    const { session } = await newSession({ name: 'in', dir: 'in' }, testContext(repo.bare));
    expect(session.path).toBe(path.join(repo.bare, 'in'));
    const error = await refusal(
      newSession({ name: 'state', dir: 'qlock/state' }, testContext(repo.bare)),
    );
    expect(error).toBeInstanceOf(UsageError);
    expect(fs.existsSync(path.join(repo.bare, 'qlock', 'state'))).toBe(false);
  });

  it('an empty existing directory is fine', async () => {
    const repo = await initRepo();
    fs.mkdirSync(path.join(repo.parent, 'repo-empty'));
    const { session } = await newSession({ name: 'empty' }, testContext(repo.root));
    expect(fs.existsSync(path.join(session.path, 'README.md'))).toBe(true);
  });

  it('an unknown --base is a usage error (exit 2)', async () => {
    const repo = await initRepo();
    const before = snapshot(repo);
    const error = await refusal(newSession({ name: 'x', base: 'nosuch' }, testContext(repo.root)));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toContain('"nosuch" does not exist');
    expect(snapshot(repo)).toEqual(before);
  });

  it('a repository without commits says to commit first', async () => {
    const repo = makeRepo();
    const empty = path.join(repo.parent, 'empty');
    fs.mkdirSync(empty);
    repo.git(['init', '-q', '-b', 'main'], empty);
    const error = await refusal(newSession({ name: 'x' }, testContext(empty)));
    expect(error.message).toMatch(/no commits yet/);
    expect(fs.readdirSync(repo.parent).sort()).toEqual(['empty', 'repo']);
  });

  it('the branch it would create exists already: refuses and points at --branch', async () => {
    const repo = await initRepo();
    repo.git(['branch', 'qlock/x']);
    const before = snapshot(repo);
    const error = await refusal(newSession({ name: 'x' }, testContext(repo.root)));
    expect(error.message).toContain('--branch qlock/x');
    expect(snapshot(repo)).toEqual(before);
  });

  it('an invalid --branch is a usage error', async () => {
    const repo = await initRepo();
    const before = snapshot(repo);
    for (const branch of ['bad..name', '-x', 'a b', 'end.lock']) {
      const error = await refusal(newSession({ name: 'x', branch }, testContext(repo.root)));
      expect(error.exitCode).toBe(ExitCode.usage);
    }
    expect(snapshot(repo)).toEqual(before);
  });

  it('when git cannot create the worktree, the branch it made is removed again', async () => {
    const repo = await initRepo();
    // A file git cannot replace: the parent of the target is a file.
    fs.writeFileSync(path.join(repo.parent, 'blocker'), 'x');
    const before = snapshot(repo);
    const error = await refusal(
      newSession(
        { name: 'x', dir: path.join(repo.parent, 'blocker', 'sub') },
        testContext(repo.root),
      ),
    );
    // The reason git gives, not its progress line.
    expect(error.message).not.toContain('Preparing worktree');
    expect(snapshot(repo)).toEqual(before);
    expect(branches(repo.root)).not.toContain('qlock/x');
  });

  it('--copy in a git repository is a usage error', async () => {
    const repo = await initRepo();
    const before = snapshot(repo);
    const error = await refusal(newSession({ name: 'x', copy: true }, testContext(repo.root)));
    expect(error).toBeInstanceOf(UsageError);
    expect(snapshot(repo)).toEqual(before);
  });
});

describe('input safety: bad names are rejected with exit 2 and nothing is created', () => {
  it.each(['../x', 'a/b', '$(x)', 'with space', '', 'x'.repeat(65), '-rf', '..', 'x.lock'])(
    '%j',
    async (name) => {
      const repo = await initRepo();
      const before = snapshot(repo);
      const error = await refusal(newSession({ name }, testContext(repo.root)));
      expect(error).toBeInstanceOf(UsageError);
      expect(error.exitCode).toBe(ExitCode.usage);
      expect(error.message).toContain('Invalid session name');
      expect(snapshot(repo)).toEqual(before);
      expect(readEvents(stateDir(repo)).events).toEqual([]);
    },
  );

  it('a 64-character name is fine', async () => {
    const repo = await initRepo();
    const name = 'n'.repeat(64);
    const { session } = await newSession({ name }, testContext(repo.root));
    expect(session.branch).toBe(`qlock/${name}`);
  });
});
