import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { payload } from '../fixtures/agents/payloads.js';
import { makeRepo, runQlock, tempDir } from '../helpers/repo.js';

/**
 * Issue 21 point 3: the tutorial's step 1 (`qlock init --agent claude`) wires an agent into the
 * main checkout, which is no session. Its agent hooks must agree with the pre-commit hook of the
 * same checkout: every session's lock counts there. Run as Claude Code runs them: the commands
 * qlock wrote into .claude/settings.local.json, through a shell, with the payload on stdin.
 */

interface Settings {
  hooks: Record<string, { matcher?: string; hooks: { command: string }[] }[]>;
}

function runHook(command: string, input: string, cwd: string) {
  const r = spawnSync('sh', ['-c', command], { cwd, input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the main checkout (no session) with an agent wired in by `qlock init --agent`', () => {
  it('agent hooks block a write to a locked file as pre-commit blocks its commit; free files pass silently', async () => {
    const repo = makeRepo();
    const home = tempDir('home');
    const env = { HOME: home };
    const init = await runQlock(['init', '--agent', 'claude'], { cwd: repo.root, env });
    expect(init.code, init.stderr).toBe(0);
    const settings = JSON.parse(
      fs.readFileSync(path.join(repo.root, '.claude/settings.local.json'), 'utf8'),
    ) as Settings;
    const command = (event: string) => settings.hooks[event]![0]!.hooks[0]!.command;
    const vars = (rel: string) => ({
      cwd: repo.root,
      file: path.join(repo.root, rel),
      relfile: rel,
      home,
    });
    const edit = (rel: string) =>
      runHook(command('PreToolUse'), payload('claude.PreToolUse.Edit', vars(rel)), repo.root);
    const start = () =>
      runHook(
        command('SessionStart'),
        payload('claude.SessionStart', { cwd: repo.root, home }),
        repo.root,
      );
    const prompt = () =>
      runHook(
        command('UserPromptSubmit'),
        payload('claude.UserPromptSubmit', { cwd: repo.root, home }),
        repo.root,
      );

    // No session yet: nothing to enforce, nothing to say.
    expect(edit('src/a.txt')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(start()).toEqual({ code: 0, stdout: '', stderr: '' });

    const made = await runQlock(['new', 'fb', '--json'], { cwd: repo.root, env });
    expect(made.code, made.stderr).toBe(0);
    const fb = (JSON.parse(made.stdout) as { session: { path: string } }).session.path;
    const lock = await runQlock(['lock', 'src/a.txt', '--reason', 'renaming the API'], {
      cwd: fb,
      env,
    });
    expect(lock.code, lock.stderr).toBe(0);

    // The agent's write of the locked file is denied, naming the holder...
    const denied = edit('src/a.txt');
    expect(denied.code, denied.stderr).toBe(2);
    expect(denied.stderr).toMatch(/^qlock: blocked — src\/a\.txt is locked by session fb/);
    const out = JSON.parse(denied.stdout) as {
      hookSpecificOutput: { permissionDecision: string; permissionDecisionReason: string };
    };
    expect(out.hookSpecificOutput.permissionDecision).toBe('deny');
    expect(out.hookSpecificOutput.permissionDecisionReason).toContain('renaming the API');
    // ...exactly as the pre-commit hook of the same checkout refuses its commit.
    repo.write('src/a.txt', 'changed in main\n');
    const commit = spawnSync('git', ['commit', '-qam', 'edit a'], {
      cwd: repo.root,
      encoding: 'utf8',
    });
    expect(commit.status).not.toBe(0);
    expect(commit.stderr).toContain('src/a.txt');
    expect(commit.stderr).toContain('fb');
    repo.git(['checkout', '--', 'src/a.txt']);

    // A file nobody holds: allowed, and not a word.
    expect(edit('src/b.txt')).toEqual({ code: 0, stdout: '', stderr: '' });

    // The briefing says what this checkout is and which locks count here.
    const brief = start();
    expect(brief.code, brief.stderr).toBe(0);
    // Claude Code adds a SessionStart hook's stdout to the context.
    const context = brief.stdout;
    expect(context).toContain('is not one of this project');
    expect(context).toMatch(/- fb \(active, branch qlock\/fb\)/);
    expect(context).toMatch(/- src\/a\.txt: fb .*do not edit/);
    // Each prompt: nothing is addressed to a checkout that is no session.
    expect(prompt()).toEqual({ code: 0, stdout: '', stderr: '' });

    // Released: the write goes through silently again.
    const unlock = await runQlock(['unlock', 'src/a.txt'], { cwd: fb, env });
    expect(unlock.code, unlock.stderr).toBe(0);
    expect(edit('src/a.txt')).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});
