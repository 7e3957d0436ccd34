import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { init } from '../../src/commands/init.js';
import { newSession } from '../../src/commands/new.js';
import { acquireLocks } from '../../src/locks/acquireLocks.js';
import { findProject } from '../../src/project/findProject.js';
import { makeRepo, runQlock, testContext } from '../helpers/repo.js';

/**
 * Kiro CLI 3's standalone hook files (https://kiro.dev/docs/cli/v3/hooks/): `qlock agent install
 * kiro` writes `.kiro/hooks/qlock.json` beside the agent `.kiro/agents/qlock.json` whose embedded
 * hooks older Kiro CLIs run. Kiro is closed source and needs an account: the commands install
 * wrote are run here as Kiro runs them (a shell, the hook context as JSON on stdin, exit 2 blocks),
 * with the payloads its documentation gives.
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
  const qlock = (args: string[]) => runQlock(args, { cwd: fa, env: { HOME: repo.parent } });
  return { repo, fa, qlock };
}

type Json = Record<string, unknown>;
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Json;

/** Runs a hook command as Kiro does: through a shell, the payload on stdin. */
function runAsKiro(command: string, cwd: string, payload: Json, home: string) {
  const r = spawnSync('/bin/sh', ['-c', command], {
    cwd,
    input: JSON.stringify(payload),
    encoding: 'utf8',
    env: { ...process.env, HOME: home },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The command of qlock's standalone hook for `trigger`. */
function standalone(fa: string, trigger: string): string {
  const hooks = readJson(path.join(fa, '.kiro', 'hooks', 'qlock.json')).hooks as {
    trigger: string;
    action: { command: string };
  }[];
  return hooks.find((h) => h.trigger === trigger)!.action.command;
}

/** The command of the agent's embedded hook for `event` (older Kiro CLIs). */
function embedded(fa: string, event: string): string {
  const hooks = readJson(path.join(fa, '.kiro', 'agents', 'qlock.json')).hooks as Record<
    string,
    { command: string }[]
  >;
  return hooks[event]![0]!.command;
}

describe("Kiro CLI 3's standalone hooks", () => {
  it("install writes .kiro/hooks/qlock.json in Kiro 3's format; uninstall restores every byte", async () => {
    const { fa, qlock } = await world();
    const mine = path.join(fa, '.kiro', 'hooks', 'lint.json');
    fs.mkdirSync(path.dirname(mine), { recursive: true });
    const lint =
      '{"version":"v1","hooks":[{"name":"lint","trigger":"PostFileSave","action":{"type":"command","command":"npm run lint"}}]}\n';
    fs.writeFileSync(mine, lint);

    const install = await qlock(['agent', 'install', 'kiro']);
    expect(install.code, install.stderr).toBe(0);
    const file = readJson(path.join(fa, '.kiro', 'hooks', 'qlock.json'));
    expect(file.version).toBe('v1');
    expect(file.hooks).toEqual([
      expect.objectContaining({
        name: 'qlock-session-start',
        trigger: 'SessionStart',
        enabled: true,
        timeout: 30,
      }),
      expect.objectContaining({ name: 'qlock-prompt', trigger: 'UserPromptSubmit' }),
      expect.objectContaining({
        name: 'qlock-pre-tool',
        trigger: 'PreToolUse',
        matcher: '^(fs_write|execute_bash|write|shell|str_replace)$',
        action: { type: 'command', command: expect.stringMatching(/agent-hook kiro pre-tool$/) },
      }),
    ]);
    expect(fs.existsSync(path.join(fa, '.kiro', 'agents', 'qlock.json'))).toBe(true);
    const again = await qlock(['agent', 'install', 'kiro', '--json']);
    expect(
      (JSON.parse(again.stdout) as { files: { change: string }[] }).files.map((f) => f.change),
    ).toEqual(['unchanged', 'unchanged']);

    expect((await qlock(['agent', 'uninstall', 'kiro'])).code).toBe(0);
    expect(fs.readdirSync(path.join(fa, '.kiro', 'hooks'))).toEqual(['lint.json']);
    expect(fs.readFileSync(mine, 'utf8')).toBe(lint);
    expect(fs.existsSync(path.join(fa, '.kiro', 'agents'))).toBe(false);
  });

  it('refuses a locked write by fs_write, str_replace and the shell, naming the holder; a free one passes', async () => {
    const { repo, fa, qlock } = await world();
    expect((await qlock(['agent', 'install', 'kiro'])).code).toBe(0);
    const pre = (tool_name: string, tool_input: Json) =>
      runAsKiro(
        standalone(fa, 'PreToolUse'),
        fa,
        {
          hook_event_name: 'PreToolUse',
          cwd: fa,
          tool_name,
          tool_input,
        },
        repo.parent,
      );
    for (const [tool, input] of [
      ['fs_write', { command: 'create', path: 'src/a.txt', file_text: 'x' }],
      ['str_replace', { path: path.join(fa, 'src/a.txt'), old_str: 'a1', new_str: 'x' }],
      // Its argument names are not documented: the other agents' spellings of the path count too.
      ['str_replace', { file_path: 'src/a.txt', old_str: 'a1', new_str: 'x' }],
      ['str_replace', { filePath: path.join(fa, 'src/a.txt'), oldString: 'a1', newString: 'x' }],
      ['execute_bash', { command: 'echo x > src/a.txt' }],
    ] as const) {
      const r = pre(tool, input);
      expect(r.code, `${tool}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain('src/a.txt is locked by session fb (reason: renaming the API');
    }
    expect(pre('fs_write', { command: 'create', path: 'src/free.txt', file_text: 'x' })).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    const start = runAsKiro(
      standalone(fa, 'SessionStart'),
      fa,
      { hook_event_name: 'SessionStart', cwd: fa },
      repo.parent,
    );
    expect(start.code).toBe(0);
    expect(start.stdout).toContain('you are working in session "fa"');
  });

  it("Kiro 3 running the agent's embedded hooks too: they stay silent, so nothing is checked or told twice", async () => {
    const { repo, fa, qlock } = await world();
    expect((await qlock(['agent', 'install', 'kiro'])).code).toBe(0);
    const write = {
      tool_name: 'fs_write',
      tool_input: { command: 'create', path: 'src/a.txt', file_text: 'x' },
      cwd: fa,
    };
    // Kiro 3's spelling of the event: the standalone hook answers, the embedded one is silent.
    const v3 = { hook_event_name: 'PreToolUse', ...write };
    expect(runAsKiro(embedded(fa, 'preToolUse'), fa, v3, repo.parent)).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    expect(runAsKiro(standalone(fa, 'PreToolUse'), fa, v3, repo.parent).code).toBe(2);
    expect(
      runAsKiro(
        embedded(fa, 'agentSpawn'),
        fa,
        { hook_event_name: 'SessionStart', cwd: fa },
        repo.parent,
      ).stdout,
    ).toBe('');
    // An older Kiro (its own spelling; the standalone file unread): the embedded hooks answer.
    const old = runAsKiro(
      embedded(fa, 'preToolUse'),
      fa,
      { hook_event_name: 'preToolUse', ...write },
      repo.parent,
    );
    expect(old.code).toBe(2);
    expect(old.stderr).toContain('src/a.txt is locked by session fb');
    // Without the standalone file, the embedded hooks answer whatever the spelling.
    fs.rmSync(path.join(fa, '.kiro', 'hooks', 'qlock.json'));
    expect(runAsKiro(embedded(fa, 'preToolUse'), fa, v3, repo.parent).code).toBe(2);
  });
});
