import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { init } from '../../src/commands/init.js';
import { newSession } from '../../src/commands/new.js';
import { acquireLocks } from '../../src/locks/acquireLocks.js';
import { findProject } from '../../src/project/findProject.js';
import { makeRepo, runQlock, testContext } from '../helpers/repo.js';

/**
 * GitHub Copilot CLI's hooks (reference/agent-hooks.md §8), fed to the built CLI: its own
 * (`.github/hooks/qlock.json`, camelCase payload), and the Claude hooks in `.claude/settings*.json`
 * that Copilot runs too, with Claude's tool names but its own arguments (`{path, file_text}`, a raw
 * patch under `Edit`): before the adapters, that let a locked write through.
 */

async function world() {
  const repo = makeRepo({ files: { 'README.md': '# test\n', 'src/a.txt': 'a1\n' } });
  await init({ hooks: false }, testContext(repo.root));
  const fa = (await newSession({ name: 'fa' }, testContext(repo.root))).session.path;
  await newSession({ name: 'fb' }, testContext(repo.root));
  await acquireLocks(findProject(repo.root)!.stateDir, {
    session: 'fb',
    paths: ['src/a.txt'],
    reason: 'renaming the API',
    now: new Date(),
  });
  const hook = (agent: string, event: string, payload: unknown, env: NodeJS.ProcessEnv = {}) =>
    runQlock(['agent-hook', agent, event], {
      cwd: repo.parent,
      input: JSON.stringify(payload),
      env: { HOME: repo.parent, ...env },
    });
  return { repo, fa, hook };
}

const COPILOT_ENV = { COPILOT_CLI: '1' };
const patch = (rel: string) =>
  `*** Begin Patch\n*** Update File: ${rel}\n@@\n-a1\n+changed\n*** End Patch\n`;

describe("GitHub Copilot CLI running qlock's hooks", () => {
  it('its own hooks: a locked write refused as exit-0 JSON naming the holder; a free one passes', async () => {
    const { fa, hook } = await world();
    const pre = (toolName: string, toolArgs: unknown) =>
      hook('copilot', 'preToolUse', { sessionId: 's', timestamp: 1, cwd: fa, toolName, toolArgs });
    for (const [tool, args] of [
      ['edit', { path: path.join(fa, 'src/a.txt'), old_str: 'a1', new_str: 'x' }],
      ['create', { path: 'src/a.txt', file_text: 'x' }],
      ['apply_patch', patch('src/a.txt')],
      ['bash', { command: 'echo x > src/a.txt' }],
    ] as const) {
      const r = await pre(tool, args);
      expect(r.code, tool).toBe(0);
      const out = JSON.parse(r.stdout) as Record<string, string>;
      expect(out.permissionDecision, tool).toBe('deny');
      expect(out.permissionDecisionReason).toContain('src/a.txt is locked by session fb');
    }
    expect(await pre('create', { path: 'src/free.txt', file_text: 'x' })).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    const start = await hook('copilot', 'sessionStart', { sessionId: 's', cwd: fa, source: 'new' });
    expect(JSON.parse(start.stdout).additionalContext).toContain('you are working in session "fa"');
  });

  it("Claude's hooks run by Copilot: its arguments are read, and it gets the forms it honours", async () => {
    const { fa, hook } = await world();
    const claudePre = (
      tool_name: string,
      tool_input: unknown,
      env: NodeJS.ProcessEnv = COPILOT_ENV,
    ) =>
      hook(
        'claude',
        'PreToolUse',
        { hook_event_name: 'PreToolUse', session_id: 's', cwd: fa, tool_name, tool_input },
        env,
      );
    for (const [tool, input] of [
      ['Write', { path: path.join(fa, 'src/a.txt'), file_text: 'x' }],
      ['Edit', { path: path.join(fa, 'src/a.txt'), old_str: 'a1', new_str: 'x' }],
      ['Edit', patch('src/a.txt')],
    ] as const) {
      const r = await claudePre(tool, input);
      // Exit 0 with Claude's JSON deny: on exit 2 Copilot's model reads only the exit code.
      expect(r.code, tool).toBe(0);
      const out = JSON.parse(r.stdout) as { hookSpecificOutput: Record<string, string> };
      expect(out.hookSpecificOutput.permissionDecision).toBe('deny');
      expect(out.hookSpecificOutput.permissionDecisionReason).toContain(
        'src/a.txt is locked by session fb',
      );
    }
    // Claude Code itself still gets exit 2 with the reason on stderr.
    const claude = await claudePre('Write', { file_path: path.join(fa, 'src/a.txt') }, {});
    expect(claude.code).toBe(2);
    expect(claude.stderr).toContain('src/a.txt is locked by session fb');
    // Context: only a top-level additionalContext reaches Copilot's model from these hooks.
    const start = await hook(
      'claude',
      'SessionStart',
      { hook_event_name: 'SessionStart', session_id: 's', cwd: fa, source: 'startup' },
      COPILOT_ENV,
    );
    expect(JSON.parse(start.stdout).additionalContext).toContain('you are working in session "fa"');
  });

  it("with Copilot's own qlock hooks installed too, Claude's stay silent: one check, one briefing", async () => {
    const { fa, hook } = await world();
    const install = await runQlock(['agent', 'install', 'copilot'], {
      cwd: fa,
      env: { HOME: path.dirname(fa) },
    });
    expect(install.code, install.stderr).toBe(0);
    expect(fs.existsSync(path.join(fa, '.github', 'hooks', 'qlock.json'))).toBe(true);
    const input = { path: path.join(fa, 'src/a.txt'), file_text: 'x' };
    const viaClaude = await hook(
      'claude',
      'PreToolUse',
      {
        hook_event_name: 'PreToolUse',
        session_id: 's',
        cwd: fa,
        tool_name: 'Write',
        tool_input: input,
      },
      { ...COPILOT_ENV, COPILOT_PROJECT_DIR: fa },
    );
    expect(viaClaude).toEqual({ code: 0, stdout: '', stderr: '' });
    const start = await hook(
      'claude',
      'SessionStart',
      { hook_event_name: 'SessionStart', session_id: 's', cwd: fa },
      { ...COPILOT_ENV, COPILOT_PROJECT_DIR: fa },
    );
    expect(start).toEqual({ code: 0, stdout: '', stderr: '' });
    const own = await hook('copilot', 'preToolUse', {
      sessionId: 's',
      cwd: fa,
      toolName: 'create',
      toolArgs: input,
    });
    expect(JSON.parse(own.stdout).permissionDecision).toBe('deny');
  });
});
