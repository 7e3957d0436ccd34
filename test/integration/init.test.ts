import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { init, renderInit } from '../../src/commands/init.js';
import { newSession } from '../../src/commands/new.js';
import { QlockError } from '../../src/errors.js';
import { readRegistry } from '../../src/store/registry.js';
import { makeBareRepo, makePlainDir, makeRepo, testContext } from '../helpers/repo.js';

describe('qlock init in a git repository', () => {
  it('creates the state dir in the common dir, records the base, registers no session', async () => {
    const repo = makeRepo();
    const result = await init({ hooks: false }, testContext(repo.root));
    const stateDir = path.join(repo.root, '.git', 'qlock');
    expect(result).toMatchObject({
      root: repo.root,
      stateDir,
      git: true,
      base: 'main',
      created: true,
    });
    expect(fs.statSync(stateDir).isDirectory()).toBe(true);
    const registry = readRegistry(stateDir);
    expect(registry.base).toBe('main');
    expect(registry.sessions).toEqual({});
    // Invisible to git status.
    expect(repo.git(['status', '--porcelain'])).toBe('');
    expect(renderInit(result)).toContain('qlock new feature-a');
  });

  it('--agent: the next step carries the flag, as a new worktree does not get the agent config', async () => {
    const repo = makeRepo();
    const ctx = testContext(repo.root);
    const settings = (dir: string) => path.join(dir, '.claude/settings.local.json');
    const result = await init({ hooks: false, agent: ['claude'] }, ctx);
    expect(fs.existsSync(settings(repo.root))).toBe(true);
    const next = /^ {2}(qlock new feature-a.*?) +# /m.exec(renderInit(result))?.[1];
    expect(next).toBe('qlock new feature-a --agent claude');
    // Why: the config is excluded from git, so a plain `qlock new` has none of it.
    const plain = await newSession({ name: 'plain' }, ctx);
    expect(fs.existsSync(settings(plain.session.path))).toBe(false);
    const wired = await newSession({ name: 'feature-a', agent: ['claude'] }, ctx);
    expect(fs.existsSync(settings(wired.session.path))).toBe(true);
  });

  it('is idempotent: a second run changes nothing and says so (created: false)', async () => {
    const repo = makeRepo();
    await init({ hooks: false }, testContext(repo.root));
    const stateDir = path.join(repo.root, '.git', 'qlock');
    const before = fs.readFileSync(path.join(stateDir, 'registry.json'), 'utf8');
    const again = await init({ hooks: false }, testContext(repo.root));
    expect(again.created).toBe(false);
    expect(fs.readFileSync(path.join(stateDir, 'registry.json'), 'utf8')).toBe(before);
    expect(fs.existsSync(path.join(stateDir, 'registry.json.prev'))).toBe(false);
  });

  it('from a linked worktree or a subdirectory it sets up the same project', async () => {
    const repo = makeRepo();
    const wt = repo.worktree('wt');
    fs.mkdirSync(path.join(wt, 'deep', 'er'), { recursive: true });
    const result = await init({ hooks: false }, testContext(path.join(wt, 'deep', 'er')));
    expect(result.stateDir).toBe(path.join(repo.root, '.git', 'qlock'));
    expect(result.root).toBe(repo.root);
    expect(fs.existsSync(path.join(wt, '.qlock'))).toBe(false);
  });

  it('keeps the base recorded first, even when the current branch changes', async () => {
    const repo = makeRepo();
    repo.git(['branch', '-m', 'main', 'trunk']);
    await init({ hooks: false }, testContext(repo.root));
    repo.git(['checkout', '-q', '-b', 'main']);
    await init({ hooks: false }, testContext(repo.root));
    expect(readRegistry(path.join(repo.root, '.git', 'qlock')).base).toBe('trunk');
  });

  it('uses config `base`, and refuses a configured base that does not exist', async () => {
    const repo = makeRepo();
    repo.git(['branch', 'develop']);
    repo.write('.qsessionrc', 'base: develop\n');
    expect((await init({ hooks: false }, testContext(repo.root))).base).toBe('develop');

    const other = makeRepo();
    other.write('.qsessionrc', 'base: nosuch\n');
    await expect(init({ hooks: false }, testContext(other.root))).rejects.toThrow(
      /"nosuch" does not exist/,
    );
  });

  it('works in a bare repository (state inside it)', async () => {
    const repo = makeBareRepo();
    const result = await init({ hooks: false }, testContext(repo.bare));
    expect(result.stateDir).toBe(path.join(repo.bare, 'qlock'));
    expect(result.base).toBe('main');
  });
});

describe('qlock init in a plain directory', () => {
  it('creates <root>/.qlock and registers no session; idempotent', async () => {
    const root = makePlainDir();
    const result = await init({}, testContext(root));
    expect(result).toMatchObject({
      root,
      stateDir: path.join(root, '.qlock'),
      git: false,
      created: true,
    });
    expect(result.base).toBeUndefined();
    expect(result.hooks).toBeUndefined();
    expect(readRegistry(path.join(root, '.qlock')).sessions).toEqual({});
    expect((await init({}, testContext(root))).created).toBe(false);
    expect(renderInit(result)).toContain('--copy');
  });

  it('from a subdirectory of an initialised directory it finds the same project', async () => {
    const root = makePlainDir({ 'a/b/c.txt': 'c\n' });
    await init({}, testContext(root));
    const again = await init({}, testContext(path.join(root, 'a', 'b')));
    expect(again).toMatchObject({ root, created: false });
    expect(fs.existsSync(path.join(root, 'a', 'b', '.qlock'))).toBe(false);
  });

  it('refuses inside a session copy and says where to run it', async () => {
    const root = makePlainDir();
    await init({}, testContext(root));
    const { session } = await newSession({ name: 'c1', copy: true }, testContext(root));
    const error = await init({}, testContext(session.path)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QlockError);
    expect((error as Error).message).toContain(root);
    expect(fs.statSync(path.join(session.path, '.qlock')).isFile()).toBe(true);
  });
});
