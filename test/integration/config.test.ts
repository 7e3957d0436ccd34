import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { QlockError } from '../../src/errors.js';
import { DEFAULT_CONFIG } from '../../src/project/defaultConfig.js';
import { loadConfig } from '../../src/project/loadConfig.js';
import { openWorkspace } from '../../src/project/openWorkspace.js';
import { makeRepo, tempDir, testContext } from '../helpers/repo.js';

/** Config through cosmiconfig (module name `qsession`), validated, cached in the state dir. */

function project(): { root: string; stateDir: string } {
  const root = tempDir();
  const stateDir = path.join(root, '.qlock');
  fs.mkdirSync(stateDir);
  return { root, stateDir };
}

async function failure(root: string, stateDir?: string): Promise<string> {
  const error = await loadConfig(root, stateDir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QlockError);
  return (error as Error).message;
}

/** Rewrites a file so that its mtime certainly differs from the last write. */
function rewrite(file: string, content: string): void {
  const before = fs.statSync(file).mtimeMs;
  fs.writeFileSync(file, content);
  const later = new Date(before + 2000);
  fs.utimesSync(file, later, later);
}

describe('config files cosmiconfig finds', () => {
  it.each([
    ['.qsessionrc', '{"maxSessions": 3}', 'JSON in .qsessionrc'],
    ['.qsessionrc', 'maxSessions: 3\n', 'YAML in .qsessionrc'],
    ['.qsessionrc.json', '{"maxSessions": 3}', '.qsessionrc.json'],
    ['.qsessionrc.yaml', 'maxSessions: 3\n', '.qsessionrc.yaml'],
    ['.qsessionrc.yml', 'maxSessions: 3\n', '.qsessionrc.yml'],
    ['.qsessionrc.cjs', 'module.exports = { maxSessions: 3 };', '.qsessionrc.cjs'],
    ['.qsessionrc.mjs', 'export default { maxSessions: 3 };', '.qsessionrc.mjs'],
    ['qsession.config.mjs', 'export default { maxSessions: 3 };', 'qsession.config.mjs'],
    ['qsession.config.cjs', 'module.exports = { maxSessions: 3 };', 'qsession.config.cjs'],
    ['qsession.config.js', 'module.exports = { maxSessions: 3 };', 'qsession.config.js (CJS)'],
    [
      'package.json',
      JSON.stringify({ name: 'x', qsession: { maxSessions: 3 } }),
      'the qsession key of package.json',
    ],
  ])('%s (%s)', async (name, content) => {
    const { root, stateDir } = project();
    fs.writeFileSync(path.join(root, name), content);
    const { config, file } = await loadConfig(root, stateDir);
    expect(file).toBe(path.join(root, name));
    expect(config.maxSessions).toBe(3);
    expect(config.branchPrefix).toBe(DEFAULT_CONFIG.branchPrefix);
  });

  it('qsession.config.js as an ES module under "type": "module"', async () => {
    const { root } = project();
    fs.writeFileSync(path.join(root, 'package.json'), '{"type":"module"}');
    fs.writeFileSync(path.join(root, 'qsession.config.js'), 'export default { maxSessions: 4 };');
    expect((await loadConfig(root)).config.maxSessions).toBe(4);
  });

  it('a package.json without a qsession key is not a config: the defaults apply', async () => {
    const { root, stateDir } = project();
    fs.writeFileSync(path.join(root, 'package.json'), '{"name":"x","description":"qsession"}');
    expect(await loadConfig(root, stateDir)).toEqual({ config: DEFAULT_CONFIG });
  });

  it('no file: the defaults, and no cache file is written', async () => {
    const { root, stateDir } = project();
    expect(await loadConfig(root, stateDir)).toEqual({ config: DEFAULT_CONFIG });
    expect(fs.readdirSync(stateDir)).toEqual([]);
  });

  it('an empty .qsessionrc means the defaults', async () => {
    const { root } = project();
    fs.writeFileSync(path.join(root, '.qsessionrc'), '');
    expect((await loadConfig(root)).config).toEqual(DEFAULT_CONFIG);
  });

  it('is read from the project root, the same in every worktree', async () => {
    const repo = makeRepo();
    repo.write('.qsessionrc', 'branchPrefix: team/\n');
    const wt = repo.worktree('other');
    const ws = await openWorkspace(testContext(path.join(wt)));
    expect(ws.config.branchPrefix).toBe('team/');
    expect(ws.configFile).toBe(path.join(fs.realpathSync(repo.root), '.qsessionrc'));
  });
});

describe('config errors name the file and the key', () => {
  it.each([
    ['.qsessionrc', '{"maxSession": 3}', 'maxSession', 'unknown key'],
    ['.qsessionrc', 'watch:\n  polling: true\n', 'watch.polling', 'unknown key'],
    ['.qsessionrc.json', '{"onOverlap": "loud"}', 'onOverlap', 'Invalid enum value'],
    ['.qsessionrc.yaml', 'maxSessions: many\n', 'maxSessions', 'Expected number'],
    ['qsession.config.mjs', 'export default { staleAfter: "later" }', 'staleAfter', 'duration'],
    ['package.json', '{"qsession": {"ignore": "dist"}}', 'ignore', 'Expected array'],
  ])('%s with %s → key %s', async (name, content, key, reason) => {
    const { root, stateDir } = project();
    fs.writeFileSync(path.join(root, name), content);
    const message = await failure(root, stateDir);
    expect(message).toContain(path.join(root, name));
    expect(message).toContain(`key "${key}"`);
    expect(message).toContain(reason);
  });

  it.each([
    ['.qsessionrc', 'maxSessions: [unclosed\n', /YAML|flow collection|unexpected end/i],
    ['.qsessionrc.json', '{"maxSessions": 3,,}', /JSON|Unexpected token/i],
    ['qsession.config.mjs', 'export default {', /Unexpected end of input|syntax/i],
  ])('%s that does not parse: the file and the parser reason', async (name, content, reason) => {
    const { root } = project();
    fs.writeFileSync(path.join(root, name), content);
    const message = await failure(root);
    expect(message).toContain(path.join(root, name));
    // The reason itself, not just cosmiconfig's header line that only names the file.
    const first = message.split('\n')[0]!;
    expect(first).toMatch(reason);
    expect(first).not.toMatch(/:\s*$/);
  });
});

describe('the validated config is cached in the state dir', () => {
  it('a second load uses the cache; a change to the file invalidates it', async () => {
    const { root, stateDir } = project();
    const file = path.join(root, '.qsessionrc');
    fs.writeFileSync(file, 'maxSessions: 3\n');
    expect((await loadConfig(root, stateDir)).config.maxSessions).toBe(3);
    const cacheFile = path.join(stateDir, 'config-cache.json');
    expect(JSON.parse(fs.readFileSync(cacheFile, 'utf8'))).toMatchObject({ file });

    // Prove the cache is used: doctor the cached value; the file is unchanged.
    const cache = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as {
      config: { maxSessions: number };
    };
    cache.config.maxSessions = 7;
    fs.writeFileSync(cacheFile, JSON.stringify(cache));
    expect((await loadConfig(root, stateDir)).config.maxSessions).toBe(7);

    // Same size, new content and mtime: read again.
    rewrite(file, 'maxSessions: 5\n');
    expect((await loadConfig(root, stateDir)).config.maxSessions).toBe(5);
    // A change that makes it invalid is reported, not hidden by the cache.
    rewrite(file, 'maxSessions: -5\n');
    expect(await failure(root, stateDir)).toContain('maxSessions');
  });

  it('a config file that is removed or replaced by another kind is noticed', async () => {
    const { root, stateDir } = project();
    fs.writeFileSync(path.join(root, '.qsessionrc.json'), '{"maxSessions": 3}');
    expect((await loadConfig(root, stateDir)).config.maxSessions).toBe(3);
    fs.writeFileSync(path.join(root, 'package.json'), '{"qsession": {"maxSessions": 4}}');
    expect((await loadConfig(root, stateDir)).config.maxSessions).toBe(4);
    fs.rmSync(path.join(root, 'package.json'));
    fs.rmSync(path.join(root, '.qsessionrc.json'));
    expect((await loadConfig(root, stateDir)).config).toEqual(DEFAULT_CONFIG);
  });

  it('an edited JavaScript config is re-read in the same process (no stale module cache)', async () => {
    const { root, stateDir } = project();
    const mjs = path.join(root, 'qsession.config.mjs');
    fs.writeFileSync(mjs, 'export default { maxSessions: 3 };');
    expect((await loadConfig(root, stateDir)).config.maxSessions).toBe(3);
    rewrite(mjs, 'export default { maxSessions: 6 };');
    expect((await loadConfig(root, stateDir)).config.maxSessions).toBe(6);

    fs.rmSync(mjs);
    const cjs = path.join(root, 'qsession.config.cjs');
    fs.writeFileSync(cjs, 'module.exports = { maxSessions: 3 };');
    expect((await loadConfig(root, stateDir)).config.maxSessions).toBe(3);
    rewrite(cjs, 'module.exports = { maxSessions: 8 };');
    expect((await loadConfig(root, stateDir)).config.maxSessions).toBe(8);
  });

  it('a damaged cache file is ignored and rewritten', async () => {
    const { root, stateDir } = project();
    fs.writeFileSync(path.join(root, '.qsessionrc'), 'maxSessions: 3\n');
    fs.writeFileSync(path.join(stateDir, 'config-cache.json'), '{"file":');
    expect((await loadConfig(root, stateDir)).config.maxSessions).toBe(3);
    expect(
      JSON.parse(fs.readFileSync(path.join(stateDir, 'config-cache.json'), 'utf8')),
    ).toMatchObject({ config: { maxSessions: 3 } });
  });

  it('without a state dir yet, nothing is cached and nothing is created', async () => {
    const root = tempDir();
    fs.writeFileSync(path.join(root, '.qsessionrc'), 'maxSessions: 3\n');
    expect((await loadConfig(root, path.join(root, '.qlock'))).config.maxSessions).toBe(3);
    expect(fs.existsSync(path.join(root, '.qlock'))).toBe(false);
  });
});
