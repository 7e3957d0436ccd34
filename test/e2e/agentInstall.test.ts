import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';

import { acquireLocks } from '../../src/locks/acquireLocks.js';
import { findProject } from '../../src/project/findProject.js';
import { payload } from '../fixtures/agents/payloads.js';
import { makeRepo, runQlock, tempDir } from '../helpers/repo.js';

/** `qlock agent install|uninstall`, `init --agent`, `new --agent` and doctor, through the built CLI. */

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

describe('qlock agent install (built CLI)', () => {
  it('init --agent and new --agent install project hooks; rm still removes the session', async () => {
    const repo = makeRepo();
    const home = tempDir('home');
    const env = { HOME: home };
    const initR = await runQlock(['init', '--no-hooks', '--agent', 'claude', '--json'], {
      cwd: repo.root,
      env,
    });
    expect(initR.code, initR.stderr).toBe(0);
    expect(JSON.parse(initR.stdout).agents[0]).toMatchObject({
      agent: 'claude',
      scope: 'project',
      dir: repo.root,
    });
    expect(fs.existsSync(path.join(repo.root, '.claude/settings.local.json'))).toBe(true);

    const newR = await runQlock(['new', 'feat', '--agent', 'q', '--agent', 'codex'], {
      cwd: repo.root,
      env,
    });
    expect(newR.code, newR.stderr).toBe(0);
    const session = path.join(repo.parent, 'repo-feat');
    expect(readJson(path.join(session, '.amazonq/cli-agents/q_cli_default.json')).tools).toEqual([
      '*',
    ]);
    // Codex reads a linked worktree's hooks from the main checkout; its MCP server stays here.
    expect(fs.existsSync(path.join(repo.root, '.codex/hooks.json'))).toBe(true);
    expect(fs.existsSync(path.join(session, '.codex/config.toml'))).toBe(true);
    // The configs are excluded, so the session has no "uncommitted work" to protect.
    expect(
      spawnSync('git', ['status', '--porcelain'], { cwd: session, encoding: 'utf8' }).stdout,
    ).toBe('');
    const rm = await runQlock(['rm', 'feat'], { cwd: repo.root, env });
    expect(rm.code, rm.stderr).toBe(0);
    expect(fs.existsSync(session)).toBe(false);
  });

  it('install is idempotent, uninstall removes it, and the written hook command really runs', async () => {
    const repo = makeRepo();
    const env = { HOME: tempDir('home') };
    await runQlock(['init', '--no-hooks'], { cwd: repo.root, env });
    await runQlock(['new', 'fa'], { cwd: repo.root, env });
    await runQlock(['new', 'fb'], { cwd: repo.root, env });
    const fa = path.join(repo.parent, 'repo-fa');

    const first = await runQlock(['agent', 'install', 'gemini'], {
      cwd: path.join(fa, 'src'),
      env,
    });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(
      `created     ${path.join(fa, '.gemini/settings.json')} (hooks, MCP server)`,
    );
    const again = await runQlock(['agent', 'install', 'gemini'], { cwd: fa, env });
    expect(again.stdout).toContain('already set');

    // Run the command exactly as Gemini would (through a shell), with a write to a locked file.
    const settings = readJson(path.join(fa, '.gemini/settings.json')) as {
      hooks: Record<string, { hooks: { command: string }[] }[]>;
    };
    const command = settings.hooks.BeforeTool![0]!.hooks[0]!.command;
    expect(command).toMatch(
      /^"[^"]+node[^"]*" "[^"]+\/bin\/qlock\.js" agent-hook gemini pre-tool$/,
    );
    const stateDir = findProject(repo.root)!.stateDir;
    await acquireLocks(stateDir, {
      session: 'fb',
      paths: ['src/a.txt'],
      reason: 'busy',
      now: new Date(),
    });
    const run = spawnSync('sh', ['-c', command], {
      cwd: fa,
      input: payload('gemini.BeforeTool.replace', {
        cwd: fa,
        file: path.join(fa, 'src/a.txt'),
        home: env.HOME,
      }),
      encoding: 'utf8',
      env: { ...process.env, PATH: '/usr/bin:/bin' },
    });
    expect(run.status).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ decision: 'deny' });

    const removed = await runQlock(['agent', 'uninstall', 'gemini'], { cwd: fa, env });
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('deleted');
    expect(removed.stdout).not.toContain('nothing to remove');
    expect(fs.existsSync(path.join(fa, '.gemini'))).toBe(false);
    // Again: nothing of qlock's is left, and it says so.
    const twice = await runQlock(['agent', 'uninstall', 'gemini'], { cwd: fa, env });
    expect(twice.code).toBe(0);
    expect(twice.stdout).toContain(
      "nothing to remove: none of qlock's Gemini CLI entries were there",
    );
  });

  it('codex: says exactly how to trust the hooks, and --trust records it', async () => {
    const repo = makeRepo();
    const home = tempDir('home');
    const env = { HOME: home };
    await runQlock(['init', '--no-hooks'], { cwd: repo.root, env });
    const plain = await runQlock(['agent', 'install', 'codex'], { cwd: repo.root, env });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('qlock agent install codex --trust');
    expect(plain.stdout).toContain(
      `[hooks.state."${path.join(repo.root, '.codex/hooks.json')}:pre_tool_use:0:0"]`,
    );
    expect(plain.stdout).toMatch(/trusted_hash = "sha256:[0-9a-f]{64}"/);
    expect(fs.existsSync(path.join(home, '.codex/config.toml'))).toBe(false);

    const trusted = await runQlock(['agent', 'install', 'codex', '--trust'], {
      cwd: repo.root,
      env,
    });
    expect(trusted.stdout).toContain("Recorded the trust of qlock's 3 Codex hook(s)");
    const config = parse(fs.readFileSync(path.join(home, '.codex/config.toml'), 'utf8')) as {
      hooks: { state: Record<string, unknown> };
    };
    expect(Object.keys(config.hooks.state)).toHaveLength(3);

    const doctor = await runQlock(['doctor', '--json'], { cwd: repo.root, env });
    const findings = JSON.parse(doctor.stdout).findings as {
      check: string;
      ok: boolean;
      message: string;
    }[];
    const agents = findings.filter((f) => f.check === 'agents');
    // Hooks present and trusted; Codex's own project trust is missing (it asks on first start).
    expect(agents.some((f) => f.ok && f.message.includes('Codex CLI'))).toBe(true);
    expect(agents.filter((f) => !f.ok).map((f) => f.message)).toEqual([
      expect.stringContaining('unless the project is trusted'),
    ]);

    await runQlock(['agent', 'uninstall', 'codex'], { cwd: repo.root, env });
    expect(fs.existsSync(path.join(home, '.codex/config.toml'))).toBe(false);
    expect(fs.existsSync(path.join(repo.root, '.codex'))).toBe(false);
  });

  it('doctor finds hooks that point at a node or qlock that is gone, and --fix repairs them', async () => {
    const repo = makeRepo();
    const env = { HOME: tempDir('home') };
    await runQlock(['init', '--no-hooks', '--agent', 'claude'], { cwd: repo.root, env });
    const file = path.join(repo.root, '.claude/settings.local.json');
    fs.writeFileSync(
      file,
      fs.readFileSync(file, 'utf8').replaceAll(process.execPath, '/gone/node'),
    );
    const broken = await runQlock(['doctor'], { cwd: repo.root, env });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('no longer exists');
    expect(broken.stdout).toContain('qlock agent install claude');
    const fixed = await runQlock(['doctor', '--fix'], { cwd: repo.root, env });
    expect(fixed.stdout).toContain(`updated ${file}`);
    expect(fs.readFileSync(file, 'utf8')).not.toContain('/gone/node');
    expect((await runQlock(['doctor'], { cwd: repo.root, env })).stdout).toContain(
      'qlock hooks for Claude Code',
    );
  });

  it('refuses bad input with a usage error and changes nothing', async () => {
    const repo = makeRepo();
    const env = { HOME: tempDir('home') };
    const trust = await runQlock(['agent', 'install', 'claude', '--trust'], {
      cwd: repo.root,
      env,
    });
    expect(trust.code).toBe(2);
    expect(trust.stderr).toContain('--trust is for codex only');
    const unknown = await runQlock(['init', '--no-hooks', '--agent', 'cursor'], {
      cwd: repo.root,
      env,
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown agent "cursor"');
    expect(fs.existsSync(path.join(repo.root, '.git/qlock'))).toBe(false);
    await runQlock(['init', '--no-hooks'], { cwd: repo.root, env });
    const badNew = await runQlock(['new', 'x', '--agent', 'cursor'], { cwd: repo.root, env });
    expect(badNew.code).toBe(2);
    expect(fs.existsSync(path.join(repo.parent, 'repo-x'))).toBe(false);
    const outside = await runQlock(['agent', 'install', 'claude'], {
      cwd: tempDir('nowhere'),
      env,
    });
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain('--global');
    expect(fs.existsSync(path.join(repo.root, '.claude'))).toBe(false);
  });
});
