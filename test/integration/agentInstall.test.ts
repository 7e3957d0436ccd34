import fs from 'node:fs';
import path from 'node:path';

import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';

import { Q_DEFAULT_AGENT } from '../../src/agents/agentTargets.js';
import { codexHookHash } from '../../src/agents/codexTrust.js';
import { hookCommand, qlockMcpServer } from '../../src/agents/hookCommand.js';
import {
  type AgentInstallOptions,
  installAgent,
  registerMcpServer,
  uninstallAgent,
  unregisterMcpServer,
} from '../../src/agents/installAgent.js';
import { QlockError } from '../../src/errors.js';
import { type AgentName, AGENTS } from '../../src/project/agentNames.js';
import { makeRepo, tempDir } from '../helpers/repo.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/agents/configs');

/** Every file below `dir` with its bytes (directories too, as ''), skipping .git. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      if (entry.name === '.git') continue;
      const full = path.join(d, entry.name);
      const rel = path.relative(dir, full);
      if (entry.isDirectory()) {
        out.set(`${rel}/`, '');
        walk(full);
      } else out.set(rel, fs.readFileSync(full, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

function copyFixture(name: string, dest: string): void {
  fs.cpSync(path.join(FIXTURES, name), dest, { recursive: true });
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

function options(
  agent: AgentName,
  dir: string,
  home: string,
  extra: Partial<AgentInstallOptions> = {},
) {
  return { agent, scope: 'project' as const, dir, env: { ...process.env, HOME: home }, ...extra };
}

describe('qlock agent install / uninstall, project level', () => {
  it.each(['q', 'claude', 'gemini', 'codex'] as const)(
    '%s: merges into the user’s existing config and uninstall restores it byte for byte',
    async (agent) => {
      const repo = makeRepo();
      const home = tempDir('home');
      copyFixture(agent, repo.root);
      if (agent === 'gemini') {
        // A 4-space layout (prettier keeps the fixture itself at 2 spaces).
        const file = path.join(repo.root, '.gemini/settings.json');
        fs.writeFileSync(file, JSON.stringify(readJson(file), null, 4) + '\n');
      }
      const exclude = path.join(repo.root, '.git', 'info', 'exclude');
      const excludeBefore = fs.existsSync(exclude) ? fs.readFileSync(exclude, 'utf8') : undefined;
      const before = snapshot(repo.root);

      const installed = await installAgent(options(agent, repo.root, home));
      expect(installed.files.length).toBeGreaterThan(0);
      const after = snapshot(repo.root);
      // The user's own settings are all still there.
      for (const [file, text] of before) {
        if (!text) continue;
        const now = after.get(file)!;
        if (file.endsWith('.json')) {
          const mine = JSON.stringify(readJson(path.join(repo.root, file)));
          for (const [key, value] of Object.entries(JSON.parse(text) as Record<string, unknown>)) {
            if (key === 'hooks' || key === 'mcpServers' || key === 'enabledMcpjsonServers')
              continue;
            expect(mine, `${file} keeps ${key}`).toContain(JSON.stringify(value).slice(1, -1));
          }
        } else expect(now.startsWith(text), `${file} keeps its text`).toBe(true);
      }

      const again = await installAgent(options(agent, repo.root, home));
      expect(again.files.every((f) => f.change === 'unchanged')).toBe(true);
      expect(snapshot(repo.root)).toEqual(after);

      const removed = await uninstallAgent(options(agent, repo.root, home));
      expect(removed.files.some((f) => f.change === 'updated' || f.change === 'deleted')).toBe(
        true,
      );
      expect(snapshot(repo.root)).toEqual(before);
      const excludeAfter = fs.existsSync(exclude) ? fs.readFileSync(exclude, 'utf8') : undefined;
      expect(excludeAfter).toBe(excludeBefore);
    },
  );

  it.each(AGENTS)(
    '%s: creates its files from nothing, keeps git status clean, then removes them',
    async (agent) => {
      const repo = makeRepo();
      const home = tempDir('home');
      const before = snapshot(repo.root);
      const status = () => repo.git(['status', '--porcelain', '--untracked-files=all']);
      const report = await installAgent(options(agent, repo.root, home));
      expect(report.files.every((f) => f.change === 'created')).toBe(true);
      expect(report.excluded.length).toBe(report.files.length);
      expect(status()).toBe('');
      await uninstallAgent(options(agent, repo.root, home));
      expect(snapshot(repo.root)).toEqual(before);
      expect(status()).toBe('');
      expect(fs.readFileSync(path.join(repo.root, '.git/info/exclude'), 'utf8')).not.toContain(
        'qlock',
      );
    },
  );

  it('q: a new q_cli_default.json keeps the built-in default agent’s tools and resources', async () => {
    const dir = tempDir('dir');
    await installAgent(options('q', dir, tempDir('home')));
    const agent = readJson(path.join(dir, '.amazonq/cli-agents/q_cli_default.json'));
    expect(agent).toMatchObject({
      tools: ['*'],
      allowedTools: ['fs_read'],
      resources: Q_DEFAULT_AGENT.resources,
      useLegacyMcpJson: true,
      mcpServers: { qlock: qlockMcpServer() },
    });
    const hooks = agent.hooks as Record<string, { matcher?: string; command: string }[]>;
    expect(hooks.preToolUse!.map((h) => h.matcher)).toEqual(['fs_write', 'execute_bash']);
    expect(hooks.agentSpawn![0]!.command).toBe(hookCommand('q', 'session-start'));
    expect(JSON.stringify(agent)).not.toContain('cache_ttl_seconds');
  });

  it('claude: hooks go to settings.local.json and approve the .mcp.json server', async () => {
    const dir = tempDir('dir');
    await installAgent(options('claude', dir, tempDir('home')));
    const settings = readJson(path.join(dir, '.claude/settings.local.json'));
    expect(settings.enabledMcpjsonServers).toEqual(['qlock']);
    const hooks = settings.hooks as Record<string, { matcher?: string }[]>;
    expect(Object.keys(hooks)).toEqual(['SessionStart', 'UserPromptSubmit', 'PreToolUse']);
    expect(hooks.PreToolUse![0]!.matcher).toBe('Write|Edit|MultiEdit|NotebookEdit|Bash');
    expect(fs.existsSync(path.join(dir, '.claude/settings.json'))).toBe(false);
    expect(readJson(path.join(dir, '.mcp.json'))).toEqual({
      mcpServers: { qlock: qlockMcpServer() },
    });
  });

  it('refuses a config that is not plain JSON and changes nothing anywhere', async () => {
    // Claude Code itself ignores a settings file with a comment in it, hooks and all.
    const dir = tempDir('dir');
    const file = path.join(dir, '.claude/settings.local.json');
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, '{\n  // my settings\n  "model": "opus"\n}\n');
    const before = snapshot(dir);
    await expect(installAgent(options('claude', dir, tempDir('home')))).rejects.toThrow(QlockError);
    await expect(installAgent(options('claude', dir, tempDir('home')))).rejects.toThrow(
      /not plain JSON/,
    );
    expect(snapshot(dir)).toEqual(before);
    // Gemini CLI reads comments, but not a syntax error.
    const gemini = path.join(dir, '.gemini/settings.json');
    fs.mkdirSync(path.dirname(gemini));
    fs.writeFileSync(gemini, '{\n  // my settings\n  "theme": "dark",\n}\n');
    const broken = snapshot(dir);
    await expect(installAgent(options('gemini', dir, tempDir('home')))).rejects.toThrow(
      /not valid JSON with comments/,
    );
    expect(snapshot(dir)).toEqual(broken);
  });

  it('gemini: keeps the comments of settings.json (Gemini CLI reads them) and restores it byte for byte', async () => {
    const dir = tempDir('dir');
    const file = path.join(dir, '.gemini/settings.json');
    fs.mkdirSync(path.dirname(file));
    const text = [
      '// my Gemini settings',
      '{',
      '  "general": {',
      '    "vimMode": true // always',
      '  },',
      '  /* hooks of the team */',
      '  "hooks": {',
      '    "BeforeTool": [',
      '      {',
      '        "matcher": "write_file",',
      '        "hooks": [{ "type": "command", "command": "./check.sh" }]',
      '      }',
      '    ]',
      '  },',
      '  "theme": "dark" // the best',
      '}',
      '',
    ].join('\n');
    fs.writeFileSync(file, text);
    const home = tempDir('home');

    await installAgent(options('gemini', dir, home));
    const added = fs.readFileSync(file, 'utf8');
    for (const comment of [
      '// my Gemini settings',
      '// always',
      '/* hooks of the team */',
      '// the best',
    ])
      expect(added).toContain(comment);
    const value = JSON.parse(added.replace(/\/\/.*$|\/\*.*?\*\//gm, '')) as {
      hooks: Record<string, { matcher?: string }[]>;
      mcpServers: Record<string, unknown>;
    };
    expect(value.hooks.BeforeTool!.map((g) => g.matcher)).toEqual([
      'write_file',
      'write_file|replace|run_shell_command',
    ]);
    expect(Object.keys(value.mcpServers)).toEqual(['qlock']);
    expect(added).toContain('  "theme": "dark", // the best\n');
    expect((await installAgent(options('gemini', dir, home))).files[0]!.change).toBe('unchanged');

    await uninstallAgent(options('gemini', dir, home));
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
  });

  it('gemini: refuses, changing nothing, when qlock would lose a comment', async () => {
    const dir = tempDir('dir');
    const file = path.join(dir, '.gemini/settings.json');
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, '{ "mcpServers": { /* none yet */ } }\n');
    const before = snapshot(dir);
    await expect(installAgent(options('gemini', dir, tempDir('home')))).rejects.toThrow(
      /has comments where qlock's entries go/,
    );
    expect(snapshot(dir)).toEqual(before);
  });

  it('writes through a symlinked config and keeps its permissions', async () => {
    const dir = tempDir('dir');
    const dotfiles = tempDir('dotfiles');
    const real = path.join(dotfiles, 'claude-local.json');
    fs.writeFileSync(real, '{\n  "model": "opus"\n}\n', { mode: 0o600 });
    fs.mkdirSync(path.join(dir, '.claude'));
    const link = path.join(dir, '.claude/settings.local.json');
    fs.symlinkSync(real, link);
    await installAgent(options('claude', dir, tempDir('home')));
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readJson(real).hooks).toBeDefined();
    expect(fs.statSync(real).mode & 0o777).toBe(0o600);
    await uninstallAgent(options('claude', dir, tempDir('home')));
    expect(fs.readFileSync(real, 'utf8')).toBe('{\n  "model": "opus"\n}\n');
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('leaves a user’s own MCP server named qlock alone', async () => {
    const dir = tempDir('dir');
    const mine = { mcpServers: { qlock: { command: 'python', args: ['my-qlock.py'] } } };
    fs.writeFileSync(path.join(dir, '.mcp.json'), JSON.stringify(mine, null, 2) + '\n');
    const report = await installAgent(options('claude', dir, tempDir('home')));
    expect(report.notes.join('\n')).toMatch(/not write/);
    expect(readJson(path.join(dir, '.mcp.json'))).toEqual(mine);
    await uninstallAgent(options('claude', dir, tempDir('home')));
    expect(readJson(path.join(dir, '.mcp.json'))).toEqual(mine);
  });

  it('registerMcpServer / unregisterMcpServer touch only the MCP entry', async () => {
    const dir = tempDir('dir');
    const home = tempDir('home');
    await registerMcpServer(options('gemini', dir, home));
    expect(readJson(path.join(dir, '.gemini/settings.json'))).toEqual({
      mcpServers: { qlock: qlockMcpServer() },
    });
    await registerMcpServer(options('codex', dir, home));
    expect(parse(fs.readFileSync(path.join(dir, '.codex/config.toml'), 'utf8'))).toEqual({
      mcp_servers: { qlock: qlockMcpServer() },
    });
    expect(fs.existsSync(path.join(dir, '.codex/hooks.json'))).toBe(false);
    await installAgent(options('gemini', dir, home));
    await unregisterMcpServer(options('gemini', dir, home));
    const left = readJson(path.join(dir, '.gemini/settings.json'));
    expect(left.mcpServers).toBeUndefined();
    expect(left.hooks).toBeDefined();
    await unregisterMcpServer(options('codex', dir, home));
    expect(fs.existsSync(path.join(dir, '.codex'))).toBe(false);
  });
});

describe('codex in linked worktrees', () => {
  it('hooks go to the main checkout (where Codex reads them), shared until the last worktree leaves', async () => {
    const repo = makeRepo();
    const home = tempDir('home');
    const wa = repo.worktree('wa');
    const wb = repo.worktree('wb');
    const before = snapshot(repo.parent);
    const exclude = path.join(repo.root, '.git/info/exclude');
    const excludeBefore = fs.readFileSync(exclude, 'utf8');
    const mainHooks = path.join(repo.root, '.codex/hooks.json');

    const a = await installAgent(options('codex', wa, home, { trust: true }));
    expect(a.files.map((f) => [f.file, f.change])).toEqual([
      [mainHooks, 'created'],
      [path.join(wa, '.codex/config.toml'), 'created'],
      [path.join(home, '.codex/config.toml'), 'created'],
    ]);
    expect(a.codexTrust?.entries[0]?.key.startsWith(`${mainHooks}:`)).toBe(true);
    const b = await installAgent(options('codex', wb, home, { trust: true }));
    expect(b.files.find((f) => f.file === mainHooks)?.change).toBe('unchanged');
    for (const dir of [repo.root, wa, wb])
      expect(repo.git(['status', '--porcelain', '--untracked-files=all'], dir)).toBe('');

    const leaveA = await uninstallAgent(options('codex', wa, home));
    expect(leaveA.notes.join(' ')).toContain('still use');
    expect(fs.existsSync(mainHooks)).toBe(true);
    expect(fs.existsSync(path.join(wa, '.codex'))).toBe(false);
    await uninstallAgent(options('codex', wb, home));
    expect(snapshot(repo.parent)).toEqual(before);
    expect(fs.readFileSync(exclude, 'utf8')).toBe(excludeBefore);
  });
});

describe('qlock agent install --global', () => {
  it('says so when qlock’s hooks end up in both the user and the project config', async () => {
    const repo = makeRepo();
    const home = tempDir('home');
    const global = { ...options('claude', repo.root, home), scope: 'global' as const };
    expect((await installAgent(global)).notes).toEqual([]);
    const project = await installAgent(options('claude', repo.root, home));
    expect(project.notes.join('\n')).toContain(
      `also in ${path.join(home, '.claude/settings.json')}, and Claude Code runs both`,
    );
    expect(project.notes.join('\n')).toContain('qlock agent uninstall claude --global');
    // And the other way round, from inside the project.
    await uninstallAgent(global);
    const again = await installAgent({ ...global, dir: path.join(repo.root, 'src') });
    expect(again.notes.join('\n')).toContain(
      `also in ${path.join(repo.root, '.claude/settings.local.json')}`,
    );
    // Q's project agent file replaces the user's: no such note.
    await installAgent({ ...options('q', repo.root, home), scope: 'global' });
    expect((await installAgent(options('q', repo.root, home))).notes.join('\n')).not.toContain(
      'runs both',
    );
  });

  it('claude: user settings and ~/.claude.json, restored byte for byte', async () => {
    const home = tempDir('home');
    copyFixture('home', home);
    const before = snapshot(home);
    const opts = { ...options('claude', home, home), scope: 'global' as const };
    await installAgent(opts);
    expect(readJson(path.join(home, '.claude.json')).mcpServers as object).toHaveProperty('qlock');
    expect(readJson(path.join(home, '.claude/settings.json')).hooks).toBeDefined();
    expect(readJson(path.join(home, '.claude.json')).numStartups).toBe(42);
    await uninstallAgent(opts);
    expect(snapshot(home)).toEqual(before);
  });

  it('codex --trust: records the hooks’ trust in the user config, uninstall takes exactly it out', async () => {
    const repo = makeRepo();
    const home = tempDir('home');
    copyFixture('home', home);
    copyFixture('codex', repo.root);
    const userConfig = path.join(home, '.codex/config.toml');
    const userBefore = fs.readFileSync(userConfig, 'utf8');

    const untrusted = await installAgent(options('codex', repo.root, home));
    expect(untrusted.codexTrust?.trusted).toBe(false);
    expect(fs.readFileSync(userConfig, 'utf8')).toBe(userBefore);

    const trusted = await installAgent(options('codex', repo.root, home, { trust: true }));
    expect(trusted.codexTrust?.trusted).toBe(true);
    const source = path.join(repo.root, '.codex/hooks.json');
    const state = (
      parse(fs.readFileSync(userConfig, 'utf8')) as {
        hooks: { state: Record<string, { trusted_hash: string }> };
      }
    ).hooks.state;
    // The user's group comes first in PreToolUse, so qlock's is group 1 there.
    expect(state[`${source}:pre_tool_use:1:0`]?.trusted_hash).toBe(
      codexHookHash('pre_tool_use', 'apply_patch|Bash', {
        command: hookCommand('codex', 'pre-tool'),
      }),
    );
    expect(state[`${source}:session_start:0:0`]?.trusted_hash).toBe(
      codexHookHash('session_start', undefined, { command: hookCommand('codex', 'session-start') }),
    );
    expect(state[`${source}:user_prompt_submit:0:0`]).toBeDefined();
    expect(state['/home/me/repo/.codex/hooks.json:pre_tool_use:0:0']?.trusted_hash).toBe(
      'sha256:0000',
    );

    const again = await installAgent(options('codex', repo.root, home, { trust: true }));
    expect(again.files.every((f) => f.change === 'unchanged')).toBe(true);

    await uninstallAgent(options('codex', repo.root, home));
    expect(fs.readFileSync(userConfig, 'utf8')).toBe(userBefore);
  });
});
