import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { init } from '../../src/commands/init.js';
import { newSession } from '../../src/commands/new.js';
import { rm } from '../../src/commands/rm.js';
import { QlockError } from '../../src/errors.js';
import { gitSyncIn, makePlainDir, makeRepo, testContext, writeFiles } from '../helpers/repo.js';

async function refusal(cwd: string, name: string): Promise<string> {
  const error = await rm({ name }, testContext(cwd)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(QlockError);
  return (error as Error).message;
}

describe('qlock rm never deletes what git does not protect', () => {
  it('refuses while ignored files would be lost, naming them; --force still removes', async () => {
    const repo = makeRepo({ files: { '.gitignore': '.env\nbuild/\n', 'a.txt': 'a\n' } });
    await init({ hooks: false }, testContext(repo.root));
    const { session } = await newSession({ name: 'a' }, testContext(repo.root));
    writeFiles(session.path, { '.env': 'SECRET=only-copy\n', 'build/out.js': 'x\n' });

    const message = await refusal(repo.root, 'a');
    expect(message).toContain('ignored files');
    expect(message).toContain('.env');
    expect(message).toContain('build/');
    expect(message).toContain('--keep-worktree');
    expect(fs.readFileSync(path.join(session.path, '.env'), 'utf8')).toBe('SECRET=only-copy\n');

    await rm({ name: 'a', force: true }, testContext(repo.root));
    expect(fs.existsSync(session.path)).toBe(false);
  });

  it('refuses while an ignored nested repository would be lost, naming it as a repository', async () => {
    const repo = makeRepo({ files: { '.gitignore': 'vendor/\n', 'a.txt': 'a\n' } });
    await init({ hooks: false }, testContext(repo.root));
    const { session } = await newSession({ name: 'a' }, testContext(repo.root));
    const nested = path.join(session.path, 'vendor', 'lib');
    fs.mkdirSync(nested, { recursive: true });
    gitSyncIn(nested, ['init', '-q', '-b', 'main']);
    fs.writeFileSync(path.join(nested, 'x.txt'), 'unpushed\n');
    gitSyncIn(nested, ['add', '.']);
    gitSyncIn(nested, ['commit', '-q', '-m', 'only here']);

    const message = await refusal(repo.root, 'a');
    expect(message).toContain('nested repositories');
    expect(message).toContain('vendor/lib/');
    expect(fs.existsSync(path.join(nested, '.git'))).toBe(true);
  });

  it('a session with nothing ignored is removed without --force', async () => {
    const repo = makeRepo({ files: { '.gitignore': '.env\n', 'a.txt': 'a\n' } });
    await init({ hooks: false }, testContext(repo.root));
    const { session } = await newSession({ name: 'a' }, testContext(repo.root));
    expect((await rm({ name: 'a' }, testContext(repo.root))).removedDirectory).toBe(true);
    expect(fs.existsSync(session.path)).toBe(false);
  });

  it('a plain-directory copy: changes matching `ignore` and node_modules are named, not deleted', async () => {
    const root = makePlainDir({ 'a.txt': 'a\n', '.qsessionrc': '{"ignore":["*.log","dist/"]}\n' });
    await init({}, testContext(root));
    const { session } = await newSession({ name: 'c', copy: true }, testContext(root));
    writeFiles(session.path, { 'run.log': 'only here\n', 'dist/x.js': 'x\n' });
    const message = await refusal(root, 'c');
    expect(message).toContain('run.log');
    expect(message).toContain('dist/');
    expect(fs.existsSync(path.join(session.path, 'run.log'))).toBe(true);

    fs.rmSync(path.join(session.path, 'run.log'));
    fs.rmSync(path.join(session.path, 'dist'), { recursive: true });
    writeFiles(session.path, { 'node_modules/m/index.js': 'patched\n' });
    expect(await refusal(root, 'c')).toContain('node_modules/');

    fs.rmSync(path.join(session.path, 'node_modules'), { recursive: true });
    expect((await rm({ name: 'c' }, testContext(root))).removedDirectory).toBe(true);
  });
});
