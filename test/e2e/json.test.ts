import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { BIN, gitSyncIn, makeRepo, runQlock, tempDir, waitFor } from '../helpers/repo.js';

/**
 * `--json` wherever a user might script: every command that prints data prints exactly one JSON
 * document on stdout (nothing else there), in the stable camelCase shape; `watch --json` prints
 * one object per line; errors under --json are `{"error":{"message","exitCode"}}` on stdout with
 * the same exit code, whatever raised them (commander, a command, the fast path).
 */

type Json = Record<string, unknown>;

describe('--json output parses for every command that has it', () => {
  it('each command, run as a user would script it', async () => {
    const repo = makeRepo({
      files: { 'src/a.txt': 'a\n', 'src/b.txt': 'b\n', 'README.md': '#\n' },
    });
    const bare = path.join(repo.parent, 'origin.git');
    gitSyncIn(repo.parent, ['clone', '-q', '--bare', repo.root, bare]);
    repo.git(['remote', 'add', 'origin', bare]);
    const home = tempDir('qlock-json-home');
    fs.copyFileSync(path.join(process.env.HOME!, '.gitconfig'), path.join(home, '.gitconfig'));
    const env = { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') };

    const outputs = new Map<string, unknown>();
    const json = async (cwd: string, args: string[], codes = [0]) => {
      const r = await runQlock([...args, '--json'], { cwd, env });
      expect(codes, `${args.join(' ')} (exit ${r.code}): ${r.stderr}`).toContain(r.code);
      let value: unknown;
      expect(() => (value = JSON.parse(r.stdout)), `${args.join(' ')}: ${r.stdout}`).not.toThrow();
      // One document, nothing else on stdout.
      expect(JSON.stringify(JSON.parse(r.stdout), null, 2) + '\n').toBe(r.stdout);
      outputs.set(args[0]!, value);
      return value as Json;
    };

    expect(await json(repo.root, ['init'])).toMatchObject({
      root: repo.root,
      git: true,
      base: 'main',
    });
    const a = ((await json(repo.root, ['new', 'a'])).session as Json).path as string;
    const b = ((await json(repo.root, ['new', 'b'])).session as Json).path as string;
    expect(await json(repo.root, ['join', 'main'])).toMatchObject({ session: { name: 'main' } });
    fs.writeFileSync(path.join(a, 'src/a.txt'), 'a changed by a\n');
    fs.writeFileSync(path.join(b, 'src/a.txt'), 'a changed by b\n');

    const list = await json(repo.root, ['list']);
    expect((list.sessions as Json[]).map((s) => s.name)).toEqual(['a', 'b', 'main']);
    expect(await json(a, ['lock', 'src/a.txt', '--reason', 'json'])).toMatchObject({
      session: 'a',
      locks: [{ path: 'src/a.txt', session: 'a', reason: 'json' }],
    });
    expect(await json(repo.root, ['locks'])).toMatchObject({
      locks: [{ path: 'src/a.txt', session: 'a', reason: 'json', acquiredAt: expect.any(String) }],
    });
    expect(await json(repo.root, ['who', 'src/a.txt'])).toBeTypeOf('object');

    // status: the documented shape.
    const status = await json(repo.root, ['status']);
    expect(status.project).toEqual({
      root: repo.root,
      stateDir: path.join(repo.root, '.git/qlock'),
      git: true,
      base: 'main',
    });
    const sa = (status.sessions as Json[]).find((s) => s.name === 'a')!;
    for (const key of [
      'name',
      'path',
      'branch',
      'base',
      'head',
      'ahead',
      'behind',
      'changed',
      'locks',
      'state',
      'lastSeen',
      'unread',
      'attention',
    ])
      expect(sa, key).toHaveProperty(key);
    expect(sa).toMatchObject({ changed: ['src/a.txt'], locks: ['src/a.txt'] });
    expect(status.overlaps).toContainEqual(
      expect.objectContaining({ path: 'src/a.txt', sessions: ['a', 'b'] }),
    );
    expect(status.conflicts).toContainEqual(
      expect.objectContaining({ a: 'a', b: 'b', paths: ['src/a.txt'] }),
    );
    expect(await json(repo.root, ['status', 'a'])).toMatchObject({ sessions: [{ name: 'a' }] });

    const conflicts = await json(repo.root, ['conflicts', '--check'], [3]);
    expect(conflicts).toMatchObject({ mergeTree: true, exitCode: 3 });
    expect(await json(repo.root, ['conflicts', 'a', 'b'])).toMatchObject({
      pairs: [{ a: 'a', b: 'b', conflict: true, paths: ['src/a.txt'] }],
    });

    expect(await json(b, ['note', 'heads up'])).toBeTypeOf('object');
    const inbox = await json(a, ['inbox', '--peek']);
    expect(JSON.stringify(inbox)).toContain('heads up');
    expect(await json(a, ['inbox'])).toBeTypeOf('object');
    expect(await json(a, ['prompt'])).toMatchObject({ session: 'a', text: expect.any(String) });
    expect(await json(a, ['unlock', 'src/a.txt'])).toBeTypeOf('object');
    expect(await json(a, ['sync'])).toBeTypeOf('object');

    expect(await json(repo.root, ['hooks', 'status'])).toMatchObject({
      action: 'status',
      installed: true,
    });
    expect(await json(repo.root, ['hooks', 'uninstall'])).toMatchObject({ action: 'uninstall' });
    expect(await json(repo.root, ['hooks', 'install'])).toMatchObject({ action: 'install' });
    expect(await json(a, ['agent', 'install', 'claude'])).toMatchObject({
      action: 'install',
      agent: 'claude',
      scope: 'project',
      dir: a,
    });
    expect(await json(a, ['agent', 'uninstall', 'claude'])).toMatchObject({ action: 'uninstall' });
    const doctor = await json(repo.root, ['doctor'], [0, 1]);
    expect(doctor).toMatchObject({ ok: expect.any(Boolean), findings: expect.any(Array) });
    expect(await json(repo.root, ['completion', 'bash'])).toMatchObject({
      script: expect.stringContaining('-F _qlock qlock'),
    });

    fs.writeFileSync(path.join(repo.root, '.qsessionrc.json'), '{"shared":{"remote":"origin"}}\n');
    expect(await json(repo.root, ['shared', 'sync'])).toBeTypeOf('object');
    expect(await json(repo.root, ['shared'])).toBeTypeOf('object');
    fs.rmSync(path.join(repo.root, '.qsessionrc.json'));

    fs.writeFileSync(path.join(b, 'src/a.txt'), 'a\n');
    fs.writeFileSync(path.join(a, 'src/a.txt'), 'a\n');
    expect(await json(repo.root, ['rm', 'b'])).toMatchObject({ name: 'b', removedDirectory: true });
    fs.rmSync(a, { recursive: true, force: true });
    expect(await json(repo.root, ['gc', '--dry-run'])).toMatchObject({ dryRun: true });
    expect(await json(repo.root, ['gc'])).toMatchObject({ dryRun: false });

    // Every data command of the contract was covered (demo: test/e2e/demo.test.ts; watch below).
    for (const name of [
      'init',
      'new',
      'join',
      'list',
      'status',
      'rm',
      'gc',
      'lock',
      'unlock',
      'locks',
      'who',
      'conflicts',
      'sync',
      'inbox',
      'note',
      'hooks',
      'agent',
      'doctor',
      'prompt',
      'shared',
      'completion',
    ])
      expect(outputs.has(name), name).toBe(true);
  });

  it('global options go anywhere: `qlock --json list` is the same as `qlock list --json`', async () => {
    const repo = makeRepo();
    await runQlock(['init', '--no-hooks'], { cwd: repo.root });
    const before = await runQlock(['--json', 'list'], { cwd: repo.root });
    const after = await runQlock(['list', '--json'], { cwd: repo.root });
    expect(before.code).toBe(0);
    expect(JSON.parse(before.stdout)).toEqual(JSON.parse(after.stdout));
  });

  it('watch --json: one JSON object per line on stdout, the chatter on stderr', async () => {
    const repo = makeRepo();
    await runQlock(['init', '--no-hooks'], { cwd: repo.root });
    const made = await runQlock(['new', 'a', '--json'], { cwd: repo.root });
    const a = (JSON.parse(made.stdout) as { session: { path: string } }).session.path;
    await runQlock(['new', 'b'], { cwd: repo.root });
    const child = spawn(process.execPath, [BIN, 'watch', '--json'], { cwd: repo.root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise((resolve) => child.on('close', resolve));
    try {
      await waitFor(() => stderr.includes('Ctrl-C'), 30_000);
      expect((await runQlock(['note', 'from a'], { cwd: a })).code).toBe(0);
      await waitFor(() => stdout.includes('\n'), 30_000);
    } finally {
      child.kill('SIGINT');
      await closed;
    }
    const lines = stdout.trim().split('\n');
    const events = lines.map((l) => JSON.parse(l) as Json);
    expect(events).toContainEqual(expect.objectContaining({ kind: 'note', from: 'a' }));
  });
});

describe('errors under --json: {"error":{message,exitCode}} on stdout, the same exit code', () => {
  it.each([
    ['an unknown command', ['stauts'], 2, /unknown command 'stauts'/],
    ['an unknown option', ['list', '--jsno'], 2, /unknown option '--jsno'/],
    ['a missing argument', ['lock'], 2, /missing required argument 'path'/],
    ['a wrong choice', ['hooks', 'instal'], 2, /Allowed choices are install, uninstall, status/],
    ['a bad --ttl (fast path)', ['lock', 'x', '--ttl', '5x'], 2, /Invalid --ttl "5x"/],
    ['a bad session name', ['new', '../x'], 2, /Invalid session name/],
    [
      'an unknown --session (fast path)',
      ['lock', 'x', '--session', 'nobody'],
      2,
      /No session named "nobody"/,
    ],
    ['a -C that does not exist', ['-C', '/nonexistent/dir', 'status'], 2, /no such directory/],
    ['not in a session', ['inbox'], 1, /not inside a registered session/],
  ])('%s', async (_label, args, code, message) => {
    const repo = makeRepo();
    await runQlock(['init', '--no-hooks'], { cwd: repo.root });
    const r = await runQlock([...args, '--json'], { cwd: repo.root });
    expect(r.code).toBe(code);
    const parsed = JSON.parse(r.stdout) as { error: { message: string; exitCode: number } };
    expect(Object.keys(parsed)).toEqual(['error']);
    expect(parsed.error.exitCode).toBe(code);
    expect(parsed.error.message).toMatch(message);
    // The same message, for a person, on stderr.
    expect(r.stderr).toBe(`qlock: ${parsed.error.message}\n`);
  });

  it('a lock refused by another session: exit 3, the holder in the message', async () => {
    const repo = makeRepo();
    await runQlock(['init', '--no-hooks'], { cwd: repo.root });
    const wt = JSON.parse((await runQlock(['new', 'other', '--json'], { cwd: repo.root })).stdout)
      .session.path as string;
    await runQlock(['join', 'main'], { cwd: repo.root });
    expect((await runQlock(['lock', 'src/a.txt'], { cwd: wt })).code).toBe(0);
    const r = await runQlock(['lock', 'src/a.txt', '--json'], { cwd: repo.root });
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toEqual({
      error: { message: expect.stringContaining('locked by other'), exitCode: 3 },
    });
  });
});
