import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { makeRepo, type Repo, runQlock, tempDir } from '../helpers/repo.js';

/**
 * A new user's mistakes, as a table: every usage error exits 2 with one or two lines on stderr
 * (what happened, then the next step or the nearest spelling), nothing on stdout, no stack trace,
 * and nothing changed. The light parser of the hot commands hands all of them to commander, so
 * the answer is the same either way. Then the other exit codes of the contract (1 and 3).
 */

interface World {
  repo: Repo;
  a: string;
  b: string;
  registry: () => string;
}

async function world(): Promise<World> {
  const repo = makeRepo();
  const q = async (cwd: string, ...args: string[]) => {
    const r = await runQlock(args, { cwd });
    expect(r.code, r.stderr).toBe(0);
    return r;
  };
  await q(repo.root, 'init');
  const a = JSON.parse((await q(repo.root, 'new', 'a', '--json')).stdout).session.path as string;
  const b = JSON.parse((await q(repo.root, 'new', 'b', '--json')).stdout).session.path as string;
  await q(b, 'lock', 'src/b.txt', '--reason', 'held by b');
  const file = path.join(repo.root, '.git/qlock/registry.json');
  return { repo, a, b, registry: () => fs.readFileSync(file, 'utf8') };
}

/** [args, stderr pattern]; run in session a. */
const USAGE: [string[], RegExp][] = [
  [['stauts'], /^qlock: unknown command 'stauts'\n\(Did you mean status\?\)$/],
  [['help', 'lokc'], /^qlock: unknown command 'lokc'\n\(Did you mean lock\?\)$/],
  [['frobnicate'], /^qlock: unknown command 'frobnicate'\nSee `qlock --help`/],
  [['version'], /^qlock: unknown command 'version'\n\(Did you mean --version\?\)$/],
  [['-v'], /^qlock: unknown option '-v'\n\(Did you mean --version\?\)$/],
  [['status', '--verbos'], /unknown option '--verbos'\n\(Did you mean --verbose\?\)$/],
  [['--jsno', 'list'], /unknown option '--jsno'\n\(Did you mean --json\?\)$/],
  [['watch', '--foo'], /unknown option '--foo'\nSee `qlock help watch`/],
  // The light parser (lock, unlock, prompt, hook, agent-hook, status) hands these to commander.
  [['lock', 'src/a.txt', '--tll', '1h'], /unknown option '--tll'\n\(Did you mean --ttl\?\)$/],
  [
    ['lock', 'src/a.txt', '--ttl'],
    /option '--ttl <duration>' argument missing\nSee `qlock help lock`/,
  ],
  [['lock', 'src/a.txt', '--ttl', '5x'], /^qlock: Invalid --ttl "5x": use a number with a unit/],
  [['lock', 'src/a.txt', '--ttl', '0s'], /^qlock: Invalid --ttl/],
  [['lock', 'src/a.txt', '--wait', 'soon'], /^qlock: Invalid --wait "soon"/],
  [['lock'], /^qlock: missing required argument 'path'\nSee `qlock help lock` for its arguments/],
  [['lock', '../outside.txt'], /leads outside the project/],
  [
    ['lock', '-C', '/nonexistent/dir', 'src/a.txt'],
    /^qlock: -C \/nonexistent\/dir: no such directory\./,
  ],
  [['unlock', '--al'], /unknown option '--al'\n\(Did you mean --all\?\)$/],
  [['prompt', '--sesion', 'a'], /unknown option '--sesion'\n\(Did you mean --session\?\)$/],
  [['prompt', 'extra'], /too many arguments for 'prompt'/],
  [['hook'], /missing required argument 'name'/],
  [['hook', 'pre-comit'], /Unknown git hook "pre-comit"/],
  [['agent-hook', 'claude'], /missing required argument 'event'/],
  [['agent-hook', 'claud', 'PreToolUse'], /Unknown agent "claud"/],
  [['agent-hook', 'claude', 'PreTool'], /Unknown agent hook event "PreTool"/],
  // Arguments and choices.
  [['new'], /missing required argument 'name'\nSee `qlock help new`/],
  [['new', '../x'], /^qlock: Invalid session name "\.\.\/x"/],
  [['new', 'x'.repeat(65)], /^qlock: Invalid session name/],
  [['join', 'a b'], /^qlock: Invalid session name "a b"/],
  [['note'], /missing required argument 'text'/],
  [['who'], /missing required argument 'path'/],
  [['hooks'], /missing required argument 'action'/],
  [
    ['hooks', 'instal'],
    /Allowed choices are install, uninstall, status\.\n\(Did you mean install\?\)$/,
  ],
  [['agent', 'install', 'clade'], /\(Did you mean claude\?\)$/],
  [['agent', 'install', 'claude', '--trust'], /--trust/],
  [['completion', 'fish'], /Allowed choices are bash, zsh\.$/],
  [['sync', '--rebase', '--merge'], /option '--rebase' cannot be used with option '--merge'/],
  [['conflicts', 'a', 'b', 'c'], /too many arguments for 'conflicts'/],
  [['conflicts', 'a', 'a'], /.+/],
  // Names that are not sessions.
  [['rm', 'nosuch'], /^qlock: No session named "nosuch" \(sessions: a, b\)\.\nSee `qlock list`\.$/],
  [['status', 'nosuch'], /No session named "nosuch"/],
  [['conflicts', 'nosuch'], /"nosuch"/],
  [['--session', 'nosuch', 'inbox'], /No session named "nosuch"/],
  [['lock', 'src/a.txt', '--session', 'bad/name'], /No session named "bad\/name"/],
  [
    ['-C', '/nonexistent/dir', 'status'],
    /^qlock: -C \/nonexistent\/dir: no such directory\.\nGive -C a directory/,
  ],
];

describe('usage errors: exit 2, one or two lines, the next step, nothing changed', () => {
  it('the whole table', async () => {
    const w = await world();
    const before = w.registry();
    const failures: string[] = [];
    for (const [args, pattern] of USAGE) {
      const r = await runQlock(args, { cwd: w.a });
      const label = `qlock ${args.join(' ')}`;
      const lines = r.stderr.trimEnd().split('\n');
      if (r.code !== 2) failures.push(`${label}: exit ${r.code} (${r.stderr.trim()})`);
      else if (!pattern.test(r.stderr.trimEnd()))
        failures.push(`${label}: stderr ${JSON.stringify(r.stderr)}`);
      else if (lines.length > 2 || !lines[0]!.startsWith('qlock: '))
        failures.push(`${label}: not one or two "qlock: " lines: ${JSON.stringify(r.stderr)}`);
      else if (r.stdout !== '') failures.push(`${label}: stdout ${JSON.stringify(r.stdout)}`);
      else if (/\n\s+at /.test(r.stderr)) failures.push(`${label}: stack trace`);
    }
    expect(failures).toEqual([]);
    // Nothing changed: no session, lock or event from any of them. lastSeen may advance: a
    // command run in session a is its activity, and under load the table takes over the 30 s
    // between two records of it (it failed so on the base commit too).
    const steady = (text: string) => text.replace(/"lastSeen": "[^"]+"/g, '"lastSeen"');
    expect(steady(w.registry())).toBe(steady(before));
  });

  it('a bare `qlock` prints the help on stderr and exits 2', async () => {
    const r = await runQlock([], { cwd: tempDir() });
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toMatch(/^Usage: qlock/);
  });

  it('--debug adds the stack trace; without it there is none', async () => {
    const dir = tempDir();
    const plain = await runQlock(['status'], { cwd: dir });
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const debug = await runQlock(['status', '--debug'], { cwd: dir });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});

describe('the other exit codes', () => {
  it('1: failures, with the next step; 3: refused because of another session', async () => {
    const w = await world();
    const table: [string, string[], number, RegExp][] = [
      [tempDir(), ['status'], 1, /^qlock: No qlock project here .*\nRun `qlock init`/],
      [
        w.repo.root,
        ['inbox'],
        1,
        /is not inside a registered session .*\nRun this from a session's directory, pass --session NAME, or register this directory with `qlock join`\.$/,
      ],
      [
        w.a,
        ['lock', 'src/b.txt'],
        3,
        /^qlock: Not locked: src\/b\.txt is locked by b \(reason: held by b, .*\)\.\nNothing was taken\. See `qlock who src\/b\.txt`/,
      ],
      [w.a, ['unlock', 'src/b.txt'], 1, /You do not hold a lock on src\/b\.txt: it is locked by b/],
    ];
    for (const [cwd, args, code, pattern] of table) {
      const r = await runQlock(args, { cwd });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(code);
      expect(r.stderr.trimEnd()).toMatch(pattern);
      expect(r.stderr.trimEnd().split('\n').length).toBeLessThanOrEqual(2);
    }
    // A predicted conflict with --check: 3; without: 0.
    fs.writeFileSync(path.join(w.b, 'src/a.txt'), 'b version\n');
    fs.writeFileSync(path.join(w.repo.parent, 'repo-a/src/a.txt'), 'a version\n');
    expect((await runQlock(['conflicts'], { cwd: w.a })).code).toBe(0);
    const check = await runQlock(['conflicts', '--check'], { cwd: w.a });
    expect(check.code).toBe(3);
    expect(check.stdout).toContain('conflict in src/a.txt');
  });
});

describe('a first session, as the README tells it', () => {
  it('`qlock new` without `qlock init` works, and says that no git hook checks the commits', async () => {
    const repo = makeRepo();
    const r = await runQlock(['new', 'early'], { cwd: repo.root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('no git hook checks commits against locks. Run `qlock init`');
    expect((await runQlock(['init'], { cwd: repo.root })).code).toBe(0);
    const later = await runQlock(['new', 'later'], { cwd: repo.root });
    expect(later.stdout).not.toContain('qlock init');
  });

  it('looking around before init leaves nothing behind, and doctor stays content', async () => {
    const repo = makeRepo();
    const stateDir = path.join(repo.root, '.git/qlock');
    for (const args of [
      ['status'],
      ['status', '--json'],
      ['list'],
      ['conflicts'],
      ['conflicts', '--check'],
      ['who', 'src/a.txt'],
      ['locks'],
      ['prompt'],
      ['hooks', 'status'],
      ['gc', '--dry-run'],
      ['doctor'],
    ]) {
      const r = await runQlock(args, { cwd: repo.root });
      expect(r.code, `qlock ${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(fs.existsSync(stateDir), `qlock ${args.join(' ')} created ${stateDir}`).toBe(false);
    }
    const doctor = await runQlock(['doctor'], { cwd: repo.root });
    expect(doctor.stdout).toContain('Everything looks right.');
  });

  it('status before init explains, init says what next, and each next step works', async () => {
    const repo = makeRepo();
    const first = await runQlock(['status'], { cwd: repo.root });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('No sessions yet. Create one with `qlock new NAME`');

    const init = await runQlock(['init'], { cwd: repo.root });
    expect(init.code).toBe(0);
    const steps = init.stdout
      .split('\n')
      .filter((l) => l.startsWith('  qlock '))
      .map((l) => l.replace(/#.*$/, '').trim().split(/\s+/).slice(1));
    expect(steps.map((s) => s[0])).toEqual(['new', 'join', 'status', 'lock']);
    const again = await runQlock(['init'], { cwd: repo.root });
    expect(again.code).toBe(0); // idempotent
    for (const step of steps) {
      const cwd = step[0] === 'lock' ? path.join(repo.parent, 'repo-feature-a') : repo.root;
      const r = await runQlock(step, { cwd });
      expect(r.code, `qlock ${step.join(' ')}: ${r.stderr}`).toBe(0);
    }
    const made = fs.readFileSync(path.join(repo.parent, 'repo-feature-a', 'src/a.txt'), 'utf8');
    expect(made).toBe(repo.read('src/a.txt'));

    // `qlock new` names the command that starts an agent in the session.
    const created = await runQlock(['new', 'feature-b'], { cwd: repo.root });
    expect(created.stdout).toMatch(
      /Start an agent there, for example:\n\s+cd \S*\/repo-feature-b && claude/,
    );
  });
});
