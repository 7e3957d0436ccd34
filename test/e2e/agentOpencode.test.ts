import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { describe, expect, it } from 'vitest';

import { init } from '../../src/commands/init.js';
import { newSession } from '../../src/commands/new.js';
import { acquireLocks } from '../../src/locks/acquireLocks.js';
import { findProject } from '../../src/project/findProject.js';
import { lines, makeRepo, runQlock, testContext } from '../helpers/repo.js';

/**
 * OpenCode (reference/agent-hooks.md §8): `qlock agent install opencode` writes qlock's hook
 * commands (.opencode/qlock-hooks.json), a plugin that only runs them (.opencode/plugin/qlock.js)
 * and qlock's MCP server in opencode.json; uninstall takes exactly that out. The plugin is plain
 * JavaScript, so here Node runs it as OpenCode's Bun would, with OpenCode's hook arguments
 * (tool.execute.before's `{tool, sessionID, callID}` / `{args}`, chat.message's `{sessionID}` /
 * `{message, parts}`); the real client runs it in realAgents/opencode.test.ts.
 */

async function world() {
  const repo = makeRepo({
    files: { 'README.md': '# test\n', 'src/a.txt': lines('a', 20), 'src/b.txt': 'b1\n' },
  });
  await init({ hooks: false }, testContext(repo.root));
  const fa = (await newSession({ name: 'fa' }, testContext(repo.root))).session.path;
  const fb = (await newSession({ name: 'fb' }, testContext(repo.root))).session.path;
  const qlock = (args: string[], cwd = fa) =>
    runQlock(args, { cwd, env: { HOME: repo.parent, XDG_CONFIG_HOME: '' } });
  return { repo, fa, fb, qlock };
}

const USER_CONFIG = `{
  // my provider
  "$schema": "https://opencode.ai/config.json",
  "mcp": {
    "mine": { "type": "remote", "url": "https://example.com/mcp" }
  }
}
`;

const snapshot = (dir: string) => {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === '.git') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
};

interface Plugin {
  'chat.message'(input: unknown, output: { message: { id: string }; parts: Part[] }): Promise<void>;
  'tool.execute.before'(input: unknown, output: { args: unknown }): Promise<void>;
  'tool.execute.after'(input: unknown, output: { output: string }): Promise<void>;
}
interface Part {
  id: string;
  type: string;
  text: string;
  synthetic?: boolean;
}

async function loadPlugin(fa: string): Promise<Plugin> {
  const file = path.join(fa, '.opencode', 'plugin', 'qlock.js');
  const mod = (await import(pathToFileURL(file).href)) as {
    QlockPlugin(ctx: { directory: string }): Promise<Plugin>;
  };
  return mod.QlockPlugin({ directory: fa });
}

describe('qlock agent install opencode', () => {
  it("merges into the user's opencode.json, is idempotent, and uninstall restores every byte", async () => {
    const { repo, fa, qlock } = await world();
    fs.writeFileSync(path.join(fa, 'opencode.json'), USER_CONFIG);
    const exclude = path.join(repo.root, '.git', 'info', 'exclude');
    const before = { tree: snapshot(fa), exclude: fs.readFileSync(exclude, 'utf8') };

    const install = await qlock(['agent', 'install', 'opencode']);
    expect(install.code, install.stderr).toBe(0);
    const plugin = fs.readFileSync(path.join(fa, '.opencode', 'plugin', 'qlock.js'), 'utf8');
    expect(plugin).toMatch(/^\/\/ qlock: written by `qlock agent install opencode`/);
    // The plugin decides nothing: it knows no lock, worktree or tool argument.
    expect(plugin).not.toMatch(/\block(s|ed)?\b|worktree|filePath|command:/i);
    const hooks = JSON.parse(
      fs.readFileSync(path.join(fa, '.opencode', 'qlock-hooks.json'), 'utf8'),
    );
    expect(Object.keys(hooks.hooks)).toEqual([
      'session.created',
      'chat.message',
      'tool.execute.before',
      'tool.execute.after',
    ]);
    expect(hooks.hooks['tool.execute.before'][0].command).toMatch(/agent-hook opencode pre-tool$/);
    const config = fs.readFileSync(path.join(fa, 'opencode.json'), 'utf8');
    expect(config).toContain('// my provider');
    const parsed = JSON.parse(config.replace(/^\s*\/\/.*$/m, ''));
    expect(parsed.mcp.mine).toEqual({ type: 'remote', url: 'https://example.com/mcp' });
    expect(parsed.mcp.qlock).toMatchObject({ type: 'local', enabled: true });
    expect(parsed.mcp.qlock.command.slice(-1)).toEqual(['mcp']);
    expect(fs.readFileSync(exclude, 'utf8')).toContain('/.opencode/plugin/qlock.js');

    const again = await qlock(['agent', 'install', 'opencode', '--json']);
    expect(again.code).toBe(0);
    const files = (JSON.parse(again.stdout) as { files: { change: string }[] }).files;
    expect(files.map((f) => f.change)).toEqual(['unchanged', 'unchanged', 'unchanged']);

    const uninstall = await qlock(['agent', 'uninstall', 'opencode']);
    expect(uninstall.code, uninstall.stderr).toBe(0);
    expect(snapshot(fa)).toEqual(before.tree);
    expect(fs.existsSync(path.join(fa, '.opencode'))).toBe(false);
    expect(fs.readFileSync(exclude, 'utf8')).toBe(before.exclude);
  });

  it("leaves the user's own plugins, and an opencode.jsonc they have, in place", async () => {
    const { fa, qlock } = await world();
    fs.mkdirSync(path.join(fa, '.opencode', 'plugin'), { recursive: true });
    fs.writeFileSync(path.join(fa, '.opencode', 'plugin', 'mine.js'), 'export const Mine = 1;\n');
    fs.writeFileSync(path.join(fa, 'opencode.jsonc'), USER_CONFIG);
    const before = snapshot(fa);

    expect((await qlock(['agent', 'install', 'opencode'])).code).toBe(0);
    expect(fs.existsSync(path.join(fa, 'opencode.json'))).toBe(false);
    expect(fs.readFileSync(path.join(fa, 'opencode.jsonc'), 'utf8')).toContain('"qlock"');
    expect((await qlock(['agent', 'uninstall', 'opencode'])).code).toBe(0);
    expect(snapshot(fa)).toEqual(before);
  });

  it('refuses, changing nothing, when .opencode/plugin/qlock.js is not qlock’s', async () => {
    const { fa, qlock } = await world();
    const theirs = path.join(fa, '.opencode', 'plugin', 'qlock.js');
    fs.mkdirSync(path.dirname(theirs), { recursive: true });
    fs.writeFileSync(theirs, 'export const Theirs = 1;\n');
    fs.writeFileSync(path.join(fa, 'opencode.json'), USER_CONFIG);
    const before = snapshot(fa);

    const install = await qlock(['agent', 'install', 'opencode']);
    expect(install.code).not.toBe(0);
    expect(install.stderr).toContain(`${theirs} exists and is not qlock's; nothing was changed.`);
    expect(snapshot(fa)).toEqual(before);
    // Uninstall leaves it too.
    expect((await qlock(['agent', 'uninstall', 'opencode'])).code).toBe(0);
    expect(snapshot(fa)).toEqual(before);
  });
});

describe('qlock agent install opencode --global', () => {
  /** The directories under `home` (the repository and its worktrees left out). */
  const dirsIn = (home: string) => {
    const out: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true }))
        if (e.isDirectory() && !e.name.startsWith('repo')) {
          out.push(path.relative(home, path.join(d, e.name)));
          walk(path.join(d, e.name));
        }
    };
    walk(home);
    return out.sort();
  };

  it('uninstall removes the directories install created once they are empty again, and only those', async () => {
    const { repo, qlock } = await world();
    const home = repo.parent;
    const config = path.join(home, '.config', 'opencode');
    const before = dirsIn(home);
    expect(before).not.toContain('.config');

    expect((await qlock(['agent', 'install', 'opencode', '--global'])).code).toBe(0);
    expect(fs.existsSync(path.join(config, 'plugin', 'qlock.js'))).toBe(true);
    expect((await qlock(['agent', 'uninstall', 'opencode', '--global'])).code).toBe(0);
    // ~/.config, ~/.config/opencode and its plugin/ were install's: gone with its files. (qlock's
    // own install records live under ~/.local/state, outside the agent's directories.)
    expect(dirsIn(home).filter((d) => !d.startsWith('.local'))).toEqual(before);

    // Again, and the user puts a plugin of theirs beside qlock's: that directory stays, with it.
    expect((await qlock(['agent', 'install', 'opencode', '--global'])).code).toBe(0);
    fs.writeFileSync(path.join(config, 'plugin', 'mine.js'), 'export default {}\n');
    expect((await qlock(['agent', 'uninstall', 'opencode', '--global'])).code).toBe(0);
    expect(fs.readdirSync(path.join(config, 'plugin'))).toEqual(['mine.js']);
  });

  it('never removes a directory that was there before install, empty or not', async () => {
    const { repo, qlock } = await world();
    const config = path.join(repo.parent, '.config', 'opencode');
    fs.mkdirSync(path.join(config, 'plugin'), { recursive: true });

    expect((await qlock(['agent', 'install', 'opencode', '--global'])).code).toBe(0);
    expect((await qlock(['agent', 'uninstall', 'opencode', '--global'])).code).toBe(0);
    expect(fs.readdirSync(config)).toEqual(['plugin']);
    expect(fs.readdirSync(path.join(config, 'plugin'))).toEqual([]);
  });

  it('in a worktree too: an empty .opencode/plugin/ of the user stays, one install made goes', async () => {
    const { fa, qlock } = await world();
    fs.mkdirSync(path.join(fa, '.opencode', 'plugin'), { recursive: true });
    expect((await qlock(['agent', 'install', 'opencode'])).code).toBe(0);
    expect((await qlock(['agent', 'uninstall', 'opencode'])).code).toBe(0);
    expect(fs.readdirSync(path.join(fa, '.opencode'))).toEqual(['plugin']);

    fs.rmSync(path.join(fa, '.opencode'), { recursive: true });
    expect((await qlock(['agent', 'install', 'opencode'])).code).toBe(0);
    expect((await qlock(['agent', 'uninstall', 'opencode'])).code).toBe(0);
    expect(fs.existsSync(path.join(fa, '.opencode'))).toBe(false);
  });
});

describe("qlock's OpenCode plugin, run with OpenCode's hook arguments", () => {
  it('refuses a locked write by the file tools and the shell tool, naming the holder; lets a free one through', async () => {
    const { repo, fa, qlock } = await world();
    await acquireLocks(findProject(repo.root)!.stateDir, {
      session: 'fb',
      paths: ['src/b.txt'],
      reason: 'renaming the b API',
      now: new Date(),
    });
    expect((await qlock(['agent', 'install', 'opencode'])).code).toBe(0);
    const plugin = await loadPlugin(fa);
    const before = (tool: string, args: unknown) =>
      plugin['tool.execute.before']({ tool, sessionID: 'ses_1', callID: 'c1' }, { args });
    const locked = path.join(fa, 'src', 'b.txt');
    for (const [tool, args] of [
      ['write', { filePath: locked, content: 'x\n' }],
      ['edit', { filePath: locked, oldString: 'b1', newString: 'x' }],
      [
        'apply_patch',
        { patchText: '*** Begin Patch\n*** Update File: src/b.txt\n@@\n-b1\n+x\n*** End Patch\n' },
      ],
      ['bash', { command: "printf 'x\\n' > src/b.txt", description: 'run it' }],
      ['bash', { command: "printf 'x\\n' > b.txt", workdir: path.join(fa, 'src') }],
    ] as const)
      await expect(before(tool, args), `${tool} ${JSON.stringify(args)}`).rejects.toThrow(
        /src\/b\.txt is locked by session fb \(reason: renaming the b API/,
      );
    await expect(
      before('write', { filePath: path.join(fa, 'src', 'new.txt'), content: 'x' }),
    ).resolves.toBeUndefined();
    await expect(before('bash', { command: 'echo hi > src/free.txt' })).resolves.toBeUndefined();
    await expect(before('read', { filePath: locked })).resolves.toBeUndefined();
  });

  it('briefs at the first prompt of a session only, and gives the soft warning with the write’s output', async () => {
    const { fa, fb, qlock } = await world();
    expect((await qlock(['agent', 'install', 'opencode'])).code).toBe(0);
    const plugin = await loadPlugin(fa);
    const prompt = async (sessionID: string, text: string) => {
      const output = {
        message: { id: 'msg_1' },
        parts: [{ id: 'prt_0001', type: 'text', text }] as Part[],
      };
      await plugin['chat.message']({ sessionID, messageID: 'msg_1' }, output);
      return output.parts;
    };
    const first = await prompt('ses_1', 'start');
    expect(first[0]).toEqual({ id: 'prt_0001', type: 'text', text: 'start' });
    const added = first.slice(1);
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((p) => p.synthetic && p.id > 'prt_0001')).toBe(true);
    expect(added.map((p) => p.text).join('\n')).toContain('you are working in session "fa"');

    const next = await prompt('ses_1', 'next');
    expect(next.map((p) => p.text).join('\n')).not.toContain('you are working in session');

    // fb changes src/a.txt (uncommitted): fa's write of it goes through, with the warning.
    fs.writeFileSync(path.join(fb, 'src', 'a.txt'), 'a1 changed by fb\n' + lines('a', 20).slice(3));
    const result = { output: 'Wrote file successfully.' };
    const input = {
      tool: 'write',
      sessionID: 'ses_1',
      callID: 'c2',
      args: { filePath: path.join(fa, 'src', 'a.txt'), content: 'x\n' },
    };
    await plugin['tool.execute.before'](input, { args: input.args });
    await plugin['tool.execute.after'](input, result);
    expect(result.output).toMatch(/^Wrote file successfully\.\n\n/);
    expect(result.output).toMatch(/src\/a\.txt is also being changed by session "fb"/);
    // A file nobody else touches: the output stays as it was.
    const free = { output: 'Wrote file successfully.' };
    await plugin['tool.execute.after'](
      { ...input, args: { filePath: path.join(fa, 'src', 'new.txt'), content: 'x\n' } },
      free,
    );
    expect(free.output).toBe('Wrote file successfully.');
  });
});
