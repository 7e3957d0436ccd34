import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { runAgentHook } from '../../src/agents/runAgentHook.js';
import { init } from '../../src/commands/init.js';
import { newSession } from '../../src/commands/new.js';
import { acquireLocks } from '../../src/locks/acquireLocks.js';
import type { AgentName } from '../../src/project/agentNames.js';
import { findProject } from '../../src/project/findProject.js';
import { READ_FORMS, WRITE_FORMS } from '../fixtures/shellCorpus.js';
import { gitSyncIn, makeRepo, testContext } from '../helpers/repo.js';

/**
 * The write guard against shell commands as models emit them (issue 19): every write form of a
 * file another session holds is refused, in every agent's shell payload shape, and every form
 * that only reads it passes. Each call is `runAgentHook`, the handler `qlock agent-hook` runs, in
 * a real repository with two sessions.
 */

const CART = 'export const total = 1;\n';
const DIFF = [
  'diff --git a/src/cart.ts b/src/cart.ts',
  '--- a/src/cart.ts',
  '+++ b/src/cart.ts',
  '@@ -1 +1 @@',
  '-export const total = 1;',
  '+export const total = 2;',
  '',
].join('\n');

interface World {
  fa: string;
  fb: string;
  stateDir: string;
}

async function world(options: { dirty: boolean }): Promise<World> {
  const repo = makeRepo({
    files: {
      'README.md': '# shop\n',
      'src/cart.ts': CART,
      'src/util.ts': 'export const a = 1;\n',
      'src/other/cart.ts': 'export const other = 1;\n',
      'package.json': '{}\n',
    },
  });
  await init({ hooks: false }, testContext(repo.root));
  const fa = (await newSession({ name: 'fa' }, testContext(repo.root))).session.path;
  const fb = (await newSession({ name: 'fb' }, testContext(repo.root))).session.path;
  const stateDir = findProject(repo.root)!.stateDir;
  fs.writeFileSync(path.join(fa, 'fix.diff'), DIFF);
  fs.writeFileSync(path.join(fa, 'names.txt'), 'src/cart.ts\n');
  if (options.dirty) {
    // A stash holding a change of the file, and the file modified again.
    fs.writeFileSync(path.join(fa, 'src/cart.ts'), 'export const total = 5;\n');
    gitSyncIn(fa, ['stash', 'push', '-q', '--', 'src/cart.ts']);
    fs.writeFileSync(path.join(fa, 'src/cart.ts'), 'export const total = 7;\n');
  }
  await acquireLocks(stateDir, {
    session: 'fb',
    paths: ['src/cart.ts'],
    reason: 'reworking the cart totals',
    now: new Date(),
  });
  return { fa, fb, stateDir };
}

/** Codex joins an argv for its hooks as shlex does. */
const shlexJoin = (argv: string[]) =>
  argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'"'"'`)}'`)).join(' ');

interface Shape {
  name: string;
  agent: AgentName;
  payload(command: string, cwd: string): Record<string, unknown>;
}

/** Each agent's shell tool, as its PreToolUse payload carries it (reference/agent-hooks.md). */
const SHAPES: Shape[] = [
  {
    name: 'Claude Bash',
    agent: 'claude',
    payload: (command, cwd) => ({
      session_id: 's',
      cwd,
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_input: { command, description: 'run it' },
    }),
  },
  {
    name: 'Codex exec_command (Bash)',
    agent: 'codex',
    payload: (command, cwd) => ({ cwd, tool_name: 'Bash', tool_input: { command } }),
  },
  {
    name: 'Codex shell argv ["bash","-lc",…] (joined)',
    agent: 'codex',
    payload: (command, cwd) => ({
      cwd,
      tool_name: 'Bash',
      tool_input: { command: shlexJoin(['bash', '-lc', command]) },
    }),
  },
  {
    name: 'Codex shell argv (array)',
    agent: 'codex',
    payload: (command, cwd) => ({
      cwd,
      tool_name: 'shell',
      tool_input: { command: ['bash', '-lc', command], workdir: cwd },
    }),
  },
  {
    name: 'Gemini run_shell_command',
    agent: 'gemini',
    payload: (command, cwd) => ({
      cwd,
      hook_event_name: 'BeforeTool',
      tool_name: 'run_shell_command',
      tool_input: { command, description: 'run it' },
    }),
  },
  {
    name: 'Amazon Q execute_bash',
    agent: 'q',
    payload: (command, cwd) => ({
      hook_event_name: 'preToolUse',
      cwd,
      tool_name: 'execute_bash',
      tool_input: { command, summary: 'run it' },
    }),
  },
  {
    name: 'Kiro shell',
    agent: 'kiro',
    payload: (command, cwd) => ({
      hook_event_name: 'preToolUse',
      cwd,
      tool_name: 'shell',
      tool_input: { command },
    }),
  },
];

async function hook(agent: AgentName, payload: Record<string, unknown>, cwd: string) {
  const { outcome } = await runAgentHook({
    agent,
    event: 'pre-tool',
    readInput: () => Promise.resolve(JSON.stringify(payload)),
    cwd,
    env: {},
    now: () => new Date(),
    timeoutMs: 60_000,
  });
  return outcome;
}

const forms = (list: string[], root: string) => list.map((f) => f.replaceAll('ROOT', root));

describe('the agents’ write guard against shell commands', () => {
  it(`refuses each of the ${new Set(WRITE_FORMS).size} shell write forms of a locked file, in each of ${SHAPES.length} payload shapes (${WRITE_FORMS.length * SHAPES.length} calls)`, async () => {
    expect(new Set(WRITE_FORMS).size).toBe(WRITE_FORMS.length);
    expect(WRITE_FORMS.length).toBeGreaterThanOrEqual(150);
    const w = await world({ dirty: true });
    const before = fs.readFileSync(path.join(w.fa, 'src/cart.ts'), 'utf8');
    const missed: string[] = [];
    for (const command of forms(WRITE_FORMS, w.fa)) {
      for (const shape of SHAPES) {
        const outcome = await hook(shape.agent, shape.payload(command, w.fa), w.fa);
        if (outcome.exitCode !== 2 || !outcome.stderr.includes('locked by session fb'))
          missed.push(`${shape.name}: ${JSON.stringify(command)} → exit ${outcome.exitCode}`);
      }
    }
    expect(missed).toEqual([]);
    expect(fs.readFileSync(path.join(w.fa, 'src/cart.ts'), 'utf8')).toBe(before);
  }, 120_000);

  it(`allows each of the ${new Set(READ_FORMS).size} read-only forms naming the same file, in each of ${SHAPES.length} payload shapes (${READ_FORMS.length * SHAPES.length} calls)`, async () => {
    expect(new Set(READ_FORMS).size).toBe(READ_FORMS.length);
    expect(READ_FORMS.length).toBeGreaterThanOrEqual(80);
    const w = await world({ dirty: false });
    const refused: string[] = [];
    for (const command of forms(READ_FORMS, w.fa)) {
      for (const shape of SHAPES) {
        const outcome = await hook(shape.agent, shape.payload(command, w.fa), w.fa);
        if (outcome.exitCode !== 0 || outcome.stderr)
          refused.push(`${shape.name}: ${JSON.stringify(command)} → ${outcome.stderr.trim()}`);
      }
    }
    expect(refused).toEqual([]);
  }, 120_000);
});

describe('the shell guard says when it refused on a guess, and only then', () => {
  const claude = (command: string, cwd: string) => SHAPES[0]!.payload(command, cwd);
  const codex = (command: string, cwd: string) => SHAPES[1]!.payload(command, cwd);

  it('a certain write names the holder and makes no excuse; a guessed one says why and what to do', async () => {
    const w = await world({ dirty: false });
    const certain = await hook('claude', claude("sed -i 's/1/2/' src/cart.ts", w.fa), w.fa);
    expect(certain.exitCode).toBe(2);
    expect(certain.stderr).toContain('src/cart.ts is locked by session fb');
    expect(certain.stderr).not.toContain('could not be sure');

    const guessed = await hook(
      'claude',
      claude("grep -rl total src | xargs sed -i 's/1/2/'", w.fa),
      w.fa,
    );
    expect(guessed.exitCode).toBe(2);
    expect(guessed.stderr).toContain('src/cart.ts is locked by session fb');
    expect(guessed.stderr).toContain('qlock could not be sure');
    expect(guessed.stderr).toContain('xargs sed writes files whose names it reads at run time');
    expect(guessed.stderr).toContain('file-editing tool');

    const script = await hook(
      'q',
      SHAPES[5]!.payload("python3 -c \"open('src/cart.ts', 'w').write('x')\"", w.fa),
      w.fa,
    );
    expect(script.stderr).toContain('the python3 script writes files and names this one');
  });

  it('a guess about files nobody holds lets the command run', async () => {
    const w = await world({ dirty: false });
    for (const command of [
      "grep -rl a src/other | xargs sed -i 's/1/2/'",
      "find src/other -name '*.ts' -exec sed -i 's/1/2/' {} +",
      "python3 -c \"open('src/util.ts', 'w').write('x')\"",
      'git checkout -- src/other',
    ]) {
      const outcome = await hook('claude', claude(command, w.fa), w.fa);
      expect(outcome, command).toMatchObject({ exitCode: 0, stderr: '' });
    }
  });

  it('git reset --hard, git stash: refused only while the locked file is modified here', async () => {
    const clean = await world({ dirty: false });
    for (const command of ['git reset --hard', 'git stash', 'git checkout main'])
      expect((await hook('claude', claude(command, clean.fa), clean.fa)).exitCode, command).toBe(0);
    const dirty = await world({ dirty: true });
    for (const command of ['git reset --hard', 'git stash', 'git stash pop']) {
      const outcome = await hook('claude', claude(command, dirty.fa), dirty.fa);
      expect(outcome.exitCode, command).toBe(2);
      expect(outcome.stderr, command).toContain('src/cart.ts is locked by session fb');
    }
  });

  it('a revision that reads as an option (after --) is never passed to git: refused as any file, nothing written', async () => {
    const w = await world({ dirty: false });
    const target = path.join(path.dirname(w.fa), 'victim.txt');
    for (const command of [
      `git reset --hard -- --output=${target}`,
      `git stash pop -- --output=${target}`,
    ]) {
      fs.writeFileSync(target, 'keep\n');
      const outcome = await hook('claude', claude(command, w.fa), w.fa);
      // qlock's own listing would have been `git diff --output=<file>`: the file stays as it was.
      expect(fs.readFileSync(target, 'utf8'), command).toBe('keep\n');
      expect(outcome.exitCode, command).toBe(2);
      expect(outcome.stderr, command).toContain('src/cart.ts is locked by session fb');
      expect(outcome.stderr, command).toContain('which qlock does not pass to git');
    }
    // The same command with a revision git reads as one: listed, nothing changed here, allowed.
    const named = await hook('claude', claude('git reset --hard -- HEAD', w.fa), w.fa);
    expect(named).toMatchObject({ exitCode: 0, stderr: '' });
  });

  it('Codex: a relative path may be under the workdir its hook never sees; the other agents know their directory', async () => {
    const w = await world({ dirty: false });
    const command = "sed -i 's/total = 1/total = 2/' cart.ts";
    const refused = await hook('codex', codex(command, w.fa), w.fa);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('src/cart.ts is locked by session fb');
    expect(refused.stderr).toContain('Codex does not tell its hooks the `workdir`');
    // An exact path Codex cannot move, and the same command from Claude (whose cwd is the cwd).
    expect((await hook('codex', codex(`echo x > ${w.fa}/cart.ts`, w.fa), w.fa)).exitCode).toBe(0);
    expect((await hook('claude', claude(command, w.fa), w.fa)).exitCode).toBe(0);
    // apply_patch through Codex's shell tool, with a path relative to that unseen workdir.
    const patch = `apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: cart.ts\n@@\n-a\n+b\n*** End Patch\nEOF`;
    expect((await hook('codex', codex(patch, w.fa), w.fa)).exitCode).toBe(2);
  });

  it('Amazon Q and Kiro: fs_write to ~/… is the file under HOME, as Q expands it', async () => {
    const w = await world({ dirty: false });
    const home = path.dirname(w.fa);
    const rel = `~/${path.basename(w.fa)}/src/cart.ts`;
    const saved = process.env.HOME;
    process.env.HOME = home;
    try {
      for (const [agent, tool] of [
        ['q', 'fs_write'],
        ['kiro', 'write'],
      ] as const) {
        const outcome = await hook(
          agent,
          {
            cwd: w.fa,
            tool_name: tool,
            tool_input: { command: 'create', path: rel, file_text: 'x' },
          },
          w.fa,
        );
        expect(outcome.exitCode, agent).toBe(2);
        expect(outcome.stderr).toContain('src/cart.ts is locked by session fb');
      }
      const free = await hook(
        'q',
        {
          cwd: w.fa,
          tool_name: 'fs_write',
          tool_input: {
            command: 'create',
            path: `~/${path.basename(w.fa)}/src/util.ts`,
            file_text: 'x',
          },
        },
        w.fa,
      );
      expect(free.exitCode).toBe(0);
    } finally {
      process.env.HOME = saved;
    }
  });
});
