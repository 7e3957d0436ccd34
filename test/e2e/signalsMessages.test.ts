import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { makeRepo, runQlock, tempDir } from '../helpers/repo.js';
import { connectMcp, makeMcpWorld } from './mcpHarness.js';

/**
 * Issue 21 point 8, messages that mislead, through the built CLI: a stale lock is a note (not a
 * failure) in doctor; `doctor --fix` never records Codex hook trust (the user's opt-in); the MCP
 * server's lock refusal leaves breaking the lock to the user. Each in both directions.
 */

interface Finding {
  check: string;
  ok: boolean;
  note?: boolean;
  message: string;
  fix?: string;
  fixed?: string;
  canFix?: boolean;
}

async function doctorJson(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]) {
  const r = await runQlock(['doctor', '--json', ...args], { cwd, env });
  const json = JSON.parse(r.stdout) as { ok: boolean; findings: Finding[] };
  return { code: r.code, ...json };
}

async function must(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = await runQlock(args, { cwd, env });
  expect(r.code, `qlock ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}

describe('doctor: a stale lock blocks nobody, so it is a note', () => {
  it('an expired lock: a note with its fix, exit 0; --fix removes it; a live lock: no note', async () => {
    const repo = makeRepo();
    const env = { HOME: tempDir('home') };
    await must(['init'], repo.root, env);
    const made = await must(['new', 'a', '--json'], repo.root, env);
    const wt = (JSON.parse(made.stdout) as { session: { path: string } }).session.path;
    await must(['lock', 'src/a.txt', '--ttl', '1h'], wt, env);

    // A live lock: nothing to say about it.
    const live = await doctorJson(repo.root, env);
    expect(live.code).toBe(0);
    expect(live.findings.filter((f) => f.check === 'locks')).toEqual([
      expect.objectContaining({ ok: true, message: '1 lock(s), none stale or overlapping' }),
    ]);
    expect(live.findings.some((f) => f.note)).toBe(false);

    // Expired (its time set back in the registry): a note, not a failure.
    const file = path.join(repo.root, '.git/qlock/registry.json');
    const registry = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      locks: { expiresAt?: string }[];
    };
    registry.locks[0]!.expiresAt = new Date(Date.now() - 60_000).toISOString();
    fs.writeFileSync(file, JSON.stringify(registry));
    const stale = await doctorJson(repo.root, env);
    expect(stale.code).toBe(0);
    expect(stale.ok).toBe(true);
    const note = stale.findings.find((f) => f.check === 'locks')!;
    expect(note).toMatchObject({ ok: true, note: true, canFix: true });
    expect(note.message).toMatch(/1 stale lock\(s\).*block nobody.*src\/a\.txt \(a\)/);
    const text = await runQlock(['doctor'], { cwd: repo.root, env });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^note {2}locks: 1 stale lock/m);
    expect(text.stdout).not.toMatch(/^fail/m);

    const fixed = await doctorJson(repo.root, env, '--fix');
    expect(fixed.code).toBe(0);
    expect(fixed.findings.find((f) => f.check === 'locks' && f.fixed)?.fixed).toBe(
      'removed 1 stale lock(s)',
    );
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).locks).toEqual([]);
    const after = await doctorJson(repo.root, env);
    expect(after.findings.some((f) => f.note)).toBe(false);
  });
});

describe('doctor --fix and Codex hook trust', () => {
  it('untrusted Codex hooks are named with the opt-in command; --fix leaves ~/.codex/config.toml alone', async () => {
    const repo = makeRepo();
    const home = tempDir('home');
    const env = { HOME: home, CODEX_HOME: path.join(home, '.codex') };
    await must(['init', '--no-hooks'], repo.root, env);
    await must(['new', 'cx', '--agent', 'codex'], repo.root, env);
    const userConfig = path.join(home, '.codex/config.toml');
    const before = fs.existsSync(userConfig) ? fs.readFileSync(userConfig, 'utf8') : undefined;
    expect(before ?? '').not.toContain('trusted_hash');

    const d = await doctorJson(repo.root, env);
    const untrusted = d.findings.find((f) => /no recorded trust/.test(f.message))!;
    expect(untrusted).toMatchObject({ ok: false, canFix: false });
    expect(untrusted.fix).toContain('qlock agent install codex --trust');

    const fixed = await doctorJson(repo.root, env, '--fix');
    expect(fixed.findings.find((f) => /no recorded trust/.test(f.message) && f.fixed)).toBe(
      undefined,
    );
    const after = fs.existsSync(userConfig) ? fs.readFileSync(userConfig, 'utf8') : undefined;
    expect(after).toBe(before);

    // The opt-in records it, and doctor is then content.
    const wt = path.join(repo.parent, 'repo-cx');
    await must(['agent', 'install', 'codex', '--trust'], wt, env);
    expect(fs.readFileSync(userConfig, 'utf8')).toContain('trusted_hash');
    const trusted = await doctorJson(repo.root, env);
    expect(trusted.findings.some((f) => /no recorded trust/.test(f.message))).toBe(false);
  });
});

describe('the MCP lock refusal', () => {
  it('names holder and reason but never tells the model to break the lock; the CLI still tells the user', async () => {
    const world = await makeMcpWorld();
    const held = await world.qlock(
      ['lock', 'src/a.txt', '--reason', 'fixing the parser'],
      world.sessions.fb!,
    );
    expect(held.code, held.stderr).toBe(0);
    const mcp = await connectMcp(world.sessions.fa!);
    const answer = await mcp.call('lock', { paths: ['src/a.txt'] });
    expect(answer.structured).toMatchObject({ granted: false, refused: true });
    expect(answer.text).toContain('src/a.txt is locked by fb');
    expect(answer.text).toContain('fixing the parser');
    expect(answer.text).not.toContain('--force');
    expect(answer.text).toContain('qlock unlock src/a.txt');
    expect(answer.structured.message).toBe(answer.text);

    // A person at the terminal is still told every way forward.
    const cli = await world.qlock(['lock', 'src/a.txt'], world.sessions.fa!);
    expect(cli.code).toBe(3);
    expect(cli.stderr).toContain('qlock unlock --force src/a.txt');

    // Free paths: an ordinary grant, no refusal text at all.
    const granted = await mcp.call('lock', { paths: ['src/b.txt'] });
    expect(granted.isError).toBe(false);
    expect(granted.structured.refused).toBeUndefined();
    expect(granted.text).not.toContain('Not locked');
  });
});
