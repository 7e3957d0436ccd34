import fs from 'node:fs';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { main } from '../../src/cli.js';
import { init } from '../../src/commands/init.js';
import { join } from '../../src/commands/join.js';
import { newSession } from '../../src/commands/new.js';
import { currentSession } from '../../src/sessions/resolveSession.js';
import { touchCurrentSession, touchSession } from '../../src/sessions/touchSession.js';
import { readRegistry, registryPath, updateRegistry } from '../../src/store/registry.js';
import { makeRepo, type Repo, testContext } from '../helpers/repo.js';

/** The current session (DESIGN.md): --session, else QLOCK_SESSION, else the deepest path match. */

async function setup(): Promise<{ repo: Repo; inner: string; other: string; stateDir: string }> {
  const repo = makeRepo();
  repo.write('.gitignore', 'nested/\n');
  repo.commitAll('ignore nested');
  await init({ hooks: false }, testContext(repo.root));
  await join({ name: 'main' }, testContext(repo.root));
  // A session nested inside another one's directory.
  const inner = (await newSession({ name: 'inner', dir: 'nested/inner' }, testContext(repo.root)))
    .session.path;
  const other = (await newSession({ name: 'other' }, testContext(repo.root))).session.path;
  return { repo, inner, other, stateDir: path.join(repo.root, '.git', 'qlock') };
}

describe('current session', () => {
  it('is the deepest registered session containing the cwd', async () => {
    const { repo, inner, other, stateDir } = await setup();
    const registry = readRegistry(stateDir);
    const at = (dir: string) => currentSession(testContext(dir), registry)?.name;
    fs.mkdirSync(path.join(inner, 'src', 'x'), { recursive: true });
    expect(at(repo.root)).toBe('main');
    expect(at(path.join(repo.root, 'src'))).toBe('main');
    expect(at(path.join(repo.root, 'nested'))).toBe('main');
    expect(at(inner)).toBe('inner');
    expect(at(path.join(inner, 'src', 'x'))).toBe('inner');
    expect(at(other)).toBe('other');
    expect(at(repo.parent)).toBeUndefined();
  });

  it('QLOCK_SESSION overrides the cwd, --session overrides both', async () => {
    const { inner, stateDir } = await setup();
    const registry = readRegistry(stateDir);
    const env = { ...process.env, QLOCK_SESSION: 'other' };
    expect(currentSession(testContext(inner, { env }), registry)?.name).toBe('other');
    expect(currentSession(testContext(inner, { env, session: 'main' }), registry)?.name).toBe(
      'main',
    );
  });
});

describe('liveness: every command run for a session advances its lastSeen', () => {
  let quiet: () => void;
  beforeEach(() => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    quiet = () => {
      out.mockRestore();
      err.mockRestore();
    };
  });
  afterEach(() => quiet());

  async function age(stateDir: string, name: string, hours: number): Promise<string> {
    const then = new Date(Date.now() - hours * 3_600_000).toISOString();
    await updateRegistry(stateDir, ({ registry }) => {
      registry.sessions[name]!.lastSeen = then;
    });
    return then;
  }

  it('a command run inside a session touches it (and only it)', async () => {
    const { inner, stateDir } = await setup();
    const innerBefore = await age(stateDir, 'inner', 3);
    const otherBefore = await age(stateDir, 'other', 3);
    expect(await main(['-C', path.join(inner), 'list'])).toBe(0);
    const registry = readRegistry(stateDir);
    expect(Date.parse(registry.sessions.inner!.lastSeen)).toBeGreaterThan(Date.parse(innerBefore));
    expect(registry.sessions.other!.lastSeen).toBe(otherBefore);
  });

  it('--session and QLOCK_SESSION name the session that is touched', async () => {
    const { repo, stateDir } = await setup();
    const before = await age(stateDir, 'other', 3);
    await main(['-C', repo.parent, '--session', 'other', 'list']).catch(() => 1);
    // -C outside the project: list fails, nothing is touched (no project).
    expect(readRegistry(stateDir).sessions.other!.lastSeen).toBe(before);
    expect(await main(['-C', repo.root, '--session', 'other', 'list'])).toBe(0);
    expect(readRegistry(stateDir).sessions.other!.lastSeen).not.toBe(before);
  });

  it('a failing command still counts as activity; an unknown --session is not an extra error', async () => {
    const { inner, stateDir } = await setup();
    const before = await age(stateDir, 'inner', 3);
    expect(await main(['-C', inner, 'status', 'no-such-session'])).toBe(2); // a bad argument
    expect(readRegistry(stateDir).sessions.inner!.lastSeen).not.toBe(before);
    expect(await main(['-C', inner, '--session', 'ghost', 'list'])).toBe(0);
  });

  it('a recent lastSeen is not rewritten (read-only commands rarely write)', async () => {
    const { inner, stateDir } = await setup();
    const mtime = fs.statSync(registryPath(stateDir)).mtimeMs;
    await touchCurrentSession(testContext(inner));
    await touchSession(stateDir, 'inner', new Date());
    expect(fs.statSync(registryPath(stateDir)).mtimeMs).toBe(mtime);
  });

  it('never fails, even with a corrupt registry or outside any project', async () => {
    const { inner, stateDir, repo } = await setup();
    fs.writeFileSync(registryPath(stateDir), '{broken');
    await expect(touchCurrentSession(testContext(inner))).resolves.toBeUndefined();
    await expect(touchCurrentSession(testContext(repo.parent))).resolves.toBeUndefined();
    expect(fs.readFileSync(registryPath(stateDir), 'utf8')).toBe('{broken');
  });
});
