import fs from 'node:fs';
import path from 'node:path';

import type { Command } from 'commander';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';

import { buildProgram } from '../../src/cli.js';
import { gitSyncIn, makeRepo, runQlock, tempDir } from '../helpers/repo.js';

/**
 * Help for every command: `qlock help <command>` and `qlock <command> --help` agree, show
 * examples, and every example is accurate: it parses with the real option table, and (for all
 * but the long-running ones) runs successfully in a prepared project.
 */

/** Commands for qlock's own hooks: marked as such; their examples show what the hooks run. */
const INTERNAL = new Set(['hook', 'agent-hook']);

const program = buildProgram();
const commands = program.commands.map((c) => c.name()).filter((n) => n !== 'help');

/** The `$ …` lines of a help text, reduced to the qlock arguments (shell wrappers removed). */
function examplesOf(help: string): string[][] {
  return help
    .split('\n')
    .filter((l) => l.startsWith('  $ '))
    .map((l) => {
      let line = l.slice(4);
      const sub = /\$\((qlock[^)]*)\)/.exec(line); // PS1='$(qlock prompt) '$PS1
      if (sub) line = sub[1]!;
      line = line.replace(/\s+(?:>>?|<)\s.*$/, ''); // redirections
      return shellWords(line);
    })
    .map((words) => {
      expect(words[0]).toBe('qlock');
      return words.slice(1);
    });
}

function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}

/** Parses argv with the real program, every action replaced by a recorder. */
async function parses(argv: string[]): Promise<string> {
  const p = buildProgram();
  let ran = '';
  const stub = (c: Command) =>
    c.action(() => {
      ran = c.name();
    });
  p.commands.forEach(stub);
  await p.parseAsync(argv, { from: 'user' });
  return ran;
}

const helpTexts = new Map<string, string>();
async function helpOf(name: string): Promise<string> {
  if (!helpTexts.has(name)) {
    const r = await runQlock(['help', name], { cwd: tempDir() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    helpTexts.set(name, r.stdout);
  }
  return helpTexts.get(name)!;
}

describe('help for every command', () => {
  it('covers every command of the contract', () => {
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
      'watch',
      'inbox',
      'note',
      'hooks',
      'hook',
      'agent',
      'agent-hook',
      'mcp',
      'doctor',
      'config',
      'prompt',
      'demo',
      'completion',
    ])
      expect(commands).toContain(name);
  });

  it.each(commands)('qlock help %s: usage, description, examples; same as --help', async (name) => {
    const help = await helpOf(name);
    expect(help).toMatch(new RegExp(`^Usage: qlock ${name}\\b`));
    const cmd = program.commands.find((c) => c.name() === name)!;
    expect(help.replace(/\s+/g, ' ')).toContain(cmd.description());
    // `qlock <command> --help` is the same text, internal commands included.
    const viaFlag = await runQlock([name, '--help'], { cwd: tempDir() });
    expect(viaFlag.code, viaFlag.stderr).toBe(0);
    expect(viaFlag.stdout).toBe(help);
    if (INTERNAL.has(name)) expect(cmd.description()).toContain('not for direct use');
    expect(help).toContain('\nExamples:\n');
    const examples = examplesOf(help);
    expect(examples.length).toBeGreaterThan(0);
    // Each example names this command and parses with the real options and arguments.
    for (const argv of examples) {
      expect(argv[0], argv.join(' ')).toBe(name);
      await expect(parses(argv), argv.join(' ')).resolves.toBe(name);
    }
  });

  it('qlock --help lists every command and examples; a typo in `qlock help` suggests', async () => {
    const r = await runQlock(['--help'], { cwd: tempDir() });
    expect(r.code).toBe(0);
    for (const name of commands) expect(r.stdout).toContain(`\n  ${name}`);
    expect(r.stdout).toContain('Examples:');
    for (const argv of examplesOf(r.stdout)) await expect(parses(argv)).resolves.toBe(argv[0]);

    const typo = await runQlock(['help', 'stauts'], { cwd: tempDir() });
    expect(typo.code).toBe(2);
    expect(typo.stdout).toBe('');
    expect(typo.stderr).toBe("qlock: unknown command 'stauts'\n(Did you mean status?)\n");
  });

  it('a bare `qlock` shows the help on stderr and exits 2 (a command is missing)', async () => {
    const r = await runQlock([], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: qlock [options] [command]');
  });
});

describe('every example runs as shown', () => {
  it('in a prepared project, each example (but watch, demo, completion) exits as documented', async () => {
    const repo = makeRepo({
      files: {
        'README.md': '# app\n',
        'src/api.ts': 'export const api = 1;\n',
        'src/db/schema.ts': 'export const schema = 1;\n',
        'a.ts': 'export const a = 1;\n',
      },
    });
    repo.git(['branch', 'develop']);
    // A remote for `qlock shared` (opt-in through the config).
    const bare = path.join(repo.parent, 'origin.git');
    gitSyncIn(repo.parent, ['clone', '-q', '--bare', repo.root, bare]);
    repo.git(['remote', 'add', 'origin', bare]);
    repo.git(['fetch', '-q', 'origin']);
    fs.writeFileSync(
      path.join(repo.root, '.qsessionrc.json'),
      JSON.stringify({ shared: { remote: 'origin', timeout: '10s' } }),
    );
    repo.commitAll('shared config');
    gitSyncIn(repo.root, ['push', '-q', 'origin', 'main']);
    // `agent install --global` and codex's trust write to the user's configuration.
    const home = tempDir('qlock-help-home');
    fs.copyFileSync(path.join(process.env.HOME!, '.gitconfig'), path.join(home, '.gitconfig'));
    const env = {
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      CODEX_HOME: path.join(home, '.codex'),
    };
    const wt = (name: string) => path.join(repo.parent, `repo-${name}`);

    const seen = new Set<string>();
    const run = async (cwd: string, argv: string[], codes = [0], input = '') => {
      const r = await runQlock(argv, { cwd, env, input });
      expect(codes, `qlock ${argv.join(' ')} (exit ${r.code}): ${r.stderr}`).toContain(r.code);
      seen.add(argv.join(' '));
      return r;
    };
    const examples = async (name: string) => examplesOf(await helpOf(name));
    const runAll = async (name: string, cwd: string, codes?: number[], input?: string) => {
      for (const argv of await examples(name)) await run(cwd, argv, codes, input);
    };

    await runAll('init', repo.root);
    for (const argv of await examples('new')) await run(repo.root, argv);
    await run(repo.root, ['new', 'feature-b']);
    await runAll('join', repo.root);
    await runAll('list', repo.root);
    await runAll('status', repo.root);
    // lock/unlock as the session feature-a; one is broken by another session with --force.
    const [lockApi, lockDb, lockWait] = await examples('lock');
    for (const argv of [lockApi!, lockDb!, lockWait!]) await run(wt('feature-a'), argv);
    const [unlockApi, unlockAll, unlockForce] = await examples('unlock');
    await run(wt('feature-a'), unlockApi!);
    await run(wt('feature-a'), unlockAll!);
    await run(wt('feature-a'), lockApi!);
    await run(wt('feature-b'), unlockForce!);
    await runAll('locks', repo.root);
    await runAll('who', repo.root);
    await runAll('conflicts', repo.root);
    await runAll('sync', wt('feature-a'));
    await runAll('inbox', wt('feature-a'));
    await runAll('note', wt('feature-a'));
    await runAll('shared', repo.root);
    await runAll('hooks', repo.root);
    await runAll('agent', wt('feature-a'));
    await runAll('mcp', wt('feature-a'), [0], ''); // stdin closed: the server ends
    await runAll('prompt', wt('feature-a'));
    await runAll('config', repo.root); // a JSON config: nothing to trust
    // doctor: 0, or 1 when it found something to report (never a usage error).
    await runAll('doctor', repo.root, [0, 1]);
    // land: nothing to land in either session here (each exits 0); the last example lands and
    // removes the current session, feature-b.
    await runAll('land', wt('feature-b'));
    expect(fs.existsSync(wt('feature-b'))).toBe(false);
    const [rm, rmKeep] = await examples('rm');
    await run(repo.root, rm!);
    expect(fs.existsSync(wt('feature-a'))).toBe(false);
    // rm keeps the branch (and says so): a new session of that name reuses it explicitly.
    await run(repo.root, ['new', 'feature-a', '--branch', 'qlock/feature-a']);
    await run(repo.root, rmKeep!);
    expect(fs.existsSync(wt('feature-a'))).toBe(true);
    await runAll('gc', repo.root);

    // Every example of every command ran, but the ones tested elsewhere.
    const skipped = new Set(['watch', 'demo', 'completion', ...INTERNAL]);
    for (const name of commands.filter((n) => !skipped.has(n)))
      for (const argv of await examples(name))
        expect(seen, argv.join(' ')).toContain(argv.join(' '));
  }, 300_000); // some forty CLI runs: past the e2e default of 120 s on a loaded 2-core machine
});

describe('the parse check itself', () => {
  it('rejects what the CLI rejects', async () => {
    await expect(parses(['lock', 'a', '--tll', '1h'])).rejects.toBeInstanceOf(CommanderError);
    await expect(parses(['hooks', 'instal'])).rejects.toBeInstanceOf(CommanderError);
  });
});
