import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { installAgent, uninstallAgent } from '../../src/agents/installAgent.js';
import { readInstallRecords, recordsFile } from '../../src/agents/installRecords.js';
import type { AgentName } from '../../src/project/agentNames.js';
import { REPO_ROOT, tempDir } from '../helpers/repo.js';

/**
 * Install and uninstall give back the user's file byte for byte even where the file alone cannot
 * tell what was the user's: the empty containers qlock's entries went into, and a file that was
 * there (empty, or `{}`) before qlock wrote to it. Install records those (installRecords.ts).
 */

function env(home: string): NodeJS.ProcessEnv {
  return { ...process.env, HOME: home, XDG_STATE_HOME: path.join(home, '.local', 'state') };
}

function options(agent: AgentName, dir: string, home: string) {
  return { agent, scope: 'project' as const, dir, env: env(home) };
}

/** An agent file as `q agent create` writes it: every field, the unused ones empty. */
const Q_CREATED = `{
  "name": "q_cli_default",
  "description": "",
  "prompt": null,
  "mcpServers": {},
  "tools": [
    "*"
  ],
  "toolAliases": {},
  "allowedTools": [
    "fs_read"
  ],
  "resources": [
    "file://README.md"
  ],
  "hooks": {},
  "toolsSettings": {},
  "useLegacyMcpJson": true
}
`;

function write(dir: string, rel: string, text: string): string {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

describe('uninstall gives back what the user had', () => {
  it('q: an agent file with empty "hooks": {} and "mcpServers": {} comes back byte for byte', async () => {
    const dir = tempDir('dir');
    const home = tempDir('home');
    const file = write(dir, '.amazonq/cli-agents/q_cli_default.json', Q_CREATED);

    await installAgent(options('q', dir, home));
    const installed = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, object>;
    expect(Object.keys(installed.hooks!)).toEqual(['agentSpawn', 'userPromptSubmit', 'preToolUse']);
    expect(Object.keys(installed.mcpServers!)).toEqual(['qlock']);
    // Filled in the file's layout, not on one line.
    expect(fs.readFileSync(file, 'utf8')).toContain('  "mcpServers": {\n    "qlock": {\n');
    // Installing again changes nothing, and keeps what the first install recorded.
    expect((await installAgent(options('q', dir, home))).files[0]!.change).toBe('unchanged');

    await uninstallAgent(options('q', dir, home));
    expect(fs.readFileSync(file, 'utf8')).toBe(Q_CREATED);
    // Nothing of it is left in the records.
    expect(readInstallRecords(env(home))).toEqual({});
  });

  it('claude: an existing {} settings file and {"mcpServers": {}} .mcp.json stay, as they were', async () => {
    const dir = tempDir('dir');
    const home = tempDir('home');
    const settings = write(dir, '.claude/settings.local.json', '{}\n');
    const mcp = write(dir, '.mcp.json', '{\n  "mcpServers": {}\n}\n');

    await installAgent(options('claude', dir, home));
    expect(fs.readFileSync(settings, 'utf8')).toContain('"hooks"');
    expect(fs.readFileSync(mcp, 'utf8')).toContain('"qlock"');

    await uninstallAgent(options('claude', dir, home));
    expect(fs.readFileSync(settings, 'utf8')).toBe('{}\n');
    expect(fs.readFileSync(mcp, 'utf8')).toBe('{\n  "mcpServers": {}\n}\n');
  });

  it('gemini: a blank settings file stays blank', async () => {
    const dir = tempDir('dir');
    const home = tempDir('home');
    const file = write(dir, '.gemini/settings.json', '\n');
    await installAgent(options('gemini', dir, home));
    expect(fs.readFileSync(file, 'utf8')).toContain('"hooks"');
    await uninstallAgent(options('gemini', dir, home));
    expect(fs.readFileSync(file, 'utf8')).toBe('\n');
  });

  it('without the records (another machine), uninstall still takes out all of qlock’s entries', async () => {
    const dir = tempDir('dir');
    const home = tempDir('home');
    const file = write(dir, '.amazonq/cli-agents/q_cli_default.json', Q_CREATED);
    await installAgent(options('q', dir, home));
    fs.rmSync(recordsFile(env(home)));

    await uninstallAgent(options('q', dir, home));
    const left = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(JSON.stringify(left)).not.toContain('qlock');
    expect(left).toMatchObject({ name: 'q_cli_default', tools: ['*'], toolAliases: {} });
  });

  it('a file qlock created is still deleted, and a damaged records file changes nothing', async () => {
    const dir = tempDir('dir');
    const home = tempDir('home');
    write(home, '.local/state/qlock/agent-installs.json', '{ not json');
    await installAgent(options('claude', dir, home));
    await uninstallAgent(options('claude', dir, home));
    expect(fs.existsSync(path.join(dir, '.claude'))).toBe(false);
    expect(fs.existsSync(path.join(dir, '.mcp.json'))).toBe(false);
  });

  it('q: a new project agent file starts from the user’s own default agent, and goes on uninstall', async () => {
    const dir = tempDir('dir');
    const home = tempDir('home');
    const mine = {
      name: 'q_cli_default',
      description: 'my default',
      mcpServers: { git: { command: 'uvx', args: ['mcp-server-git'] } },
      tools: ['@git', 'fs_read', 'fs_write'],
      allowedTools: ['fs_read', '@git'],
      resources: ['file://~/notes/style.md'],
      hooks: {},
    };
    const userFile = write(
      home,
      '.aws/amazonq/cli-agents/q_cli_default.json',
      JSON.stringify(mine),
    );

    const report = await installAgent(options('q', dir, home));
    // In the worktree this file replaces the user's default agent: it keeps everything of it.
    const file = path.join(dir, '.amazonq/cli-agents/q_cli_default.json');
    const agent = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof mine;
    expect(agent).toMatchObject({
      description: 'my default',
      tools: mine.tools,
      allowedTools: mine.allowedTools,
      resources: mine.resources,
    });
    expect(Object.keys(agent.mcpServers)).toEqual(['git', 'qlock']);
    expect(Object.keys(agent.hooks)).toEqual(['agentSpawn', 'userPromptSubmit', 'preToolUse']);
    expect(report.notes.join('\n')).toContain(`a copy of your default agent ${userFile}`);

    // The user's default agent changes meanwhile; the copy qlock made still goes with its hooks.
    fs.writeFileSync(userFile, JSON.stringify({ ...mine, resources: [] }));
    await uninstallAgent(options('q', dir, home));
    expect(fs.existsSync(path.join(dir, '.amazonq'))).toBe(false);
  });
});

describe('install records under concurrency', () => {
  it('eight installs at once, in eight processes and projects, each keep their record', async () => {
    const home = tempDir('qlock-home');
    const dirs = Array.from({ length: 8 }, (_, i) => {
      const dir = path.join(home, `project-${i}`);
      fs.mkdirSync(path.join(dir, '.claude'), { recursive: true });
      // A file the user already had, `{}`: only its record says to give it back, not delete it.
      fs.writeFileSync(path.join(dir, '.claude', 'settings.local.json'), '{}\n');
      return dir;
    });
    // Separate processes (the built modules): in one process the read-modify-write cannot race.
    const script = `const { installAgent } = await import(${JSON.stringify(
      path.join(REPO_ROOT, 'dist/agents/installAgent.js'),
    )}); await installAgent({ agent: 'claude', scope: 'project', dir: process.argv[1], env: process.env });`;
    const run = (dir: string) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script, dir], {
          env: env(home),
          stdio: 'ignore',
        });
        child.on('close', resolve);
      });
    expect(await Promise.all(dirs.map(run))).toEqual(dirs.map(() => 0));
    const records = readInstallRecords(env(home));
    for (const dir of dirs) {
      const key = fs.realpathSync(path.join(dir, '.claude', 'settings.local.json'));
      expect(records[key], key).toMatchObject({ existed: true });
    }
    for (const dir of dirs) await uninstallAgent(options('claude', dir, home));
    for (const dir of dirs)
      expect(fs.readFileSync(path.join(dir, '.claude', 'settings.local.json'), 'utf8')).toBe(
        '{}\n',
      );
    expect(fs.existsSync(path.dirname(recordsFile(env(home))))).toBe(false);
  });
});
