import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Context } from '../context.js';
import { DemoRunner, type StepResult } from '../demo/demoRunner.js';
import { QlockError } from '../errors.js';
import { c } from '../ui/color.js';

export interface DemoOptions {
  keep?: boolean;
}

export interface DemoResult {
  dir: string;
  kept: boolean;
  steps: { name: string; ok: boolean }[];
}

const APP = `export function greet(name) {
  return 'Hello, ' + name;
}

export function farewell(name) {
  return 'Goodbye, ' + name;
}

export function shout(text) {
  return text.toUpperCase();
}
`;

const UTIL = `export function clamp(x, lo, hi) {
  return Math.min(hi, Math.max(lo, x));
}
`;

/**
 * `qlock demo`: a real repository with three sessions in a temporary directory, walked through with
 * the real CLI and real git: an overlap, a lock that blocks another session's commit, a conflict
 * predicted from uncommitted work, main moving and the inbox, and an agent's write blocked by its
 * pre-write hook. Each step checks its own outcome, so the demo fails loudly if qlock misbehaves.
 */
export async function demo(options: DemoOptions, ctx: Context): Promise<DemoResult> {
  const top = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'qlock-demo-')));
  const steps: DemoResult['steps'] = [];
  const print = (text: string) => (ctx.json ? ctx.err(text) : ctx.out(text));
  try {
    const home = path.join(top, 'home');
    fs.mkdirSync(home);
    const run = new DemoRunner(print, home);
    const repo = path.join(top, 'shop');
    const expect = (name: string, ok: boolean, result?: StepResult) => {
      steps.push({ name, ok });
      if (!ok) {
        const detail = result ? `\n${(result.stdout + result.stderr).trim()}` : '';
        throw new QlockError(`The demo step "${name}" did not behave as expected.${detail}`);
      }
    };

    run.section('1. A repository and three AI sessions');
    fs.mkdirSync(path.join(repo, 'src'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'src/app.js'), APP);
    fs.writeFileSync(path.join(repo, 'src/util.js'), UTIL);
    fs.writeFileSync(path.join(repo, 'README.md'), '# shop\n');
    run.git(['init', '-q', '-b', 'main'], repo, { quiet: true });
    run.git(['add', '-A'], repo, { quiet: true });
    run.git(['commit', '-q', '-m', 'initial'], repo, { quiet: true });
    run.say(`A repository with src/app.js and src/util.js at ${repo}.`);
    expect('init', run.qlock(['init'], repo).code === 0);
    const sessions: Record<string, string> = {};
    for (const name of ['alice', 'bob', 'carol']) {
      const created = run.qlock(['new', name, '--json'], repo, { quiet: true });
      expect(`new ${name}`, created.code === 0, created);
      sessions[name] = (JSON.parse(created.stdout) as { session: { path: string } }).session.path;
    }
    run.say('Three worktrees, one per AI session (qlock new alice / bob / carol):');
    run.qlock(['list'], repo);
    const { alice, bob, carol } = sessions as { alice: string; bob: string; carol: string };

    run.section('2. Two sessions edit the same file: an overlap');
    run.edit(alice, 'src/app.js', APP.replace("'Hello, '", "'Hi, '"), 'changes greet()');
    run.edit(
      bob,
      'src/app.js',
      APP.replace('text.toUpperCase()', "text.toUpperCase() + '!'"),
      'changes shout()',
    );
    const overlap = run.qlock(['who', 'src/app.js'], repo);
    expect(
      'overlap seen',
      overlap.code === 0 && /alice/.test(overlap.stdout) && /bob/.test(overlap.stdout),
      overlap,
    );
    const clean = run.qlock(['conflicts', 'alice', 'bob'], repo);
    expect('disjoint edits merge cleanly', clean.code === 0, clean);
    run.say('Both changed src/app.js, in different functions: an overlap that will merge cleanly.');

    run.section('3. A lock, and a commit from another session blocked by the pre-commit hook');
    expect(
      'lock',
      run.qlock(['lock', 'src/util.js', '--reason', 'rewriting the helpers'], carol).code === 0,
    );
    run.edit(bob, 'src/util.js', UTIL.replace('Math.min', 'Math.min /* bob */'));
    run.git(['add', 'src/util.js'], bob, { quiet: true });
    const blocked = run.git(['commit', '-m', 'tweak clamp'], bob);
    expect(
      'commit blocked',
      blocked.code !== 0 && /carol/.test(blocked.stderr + blocked.stdout),
      blocked,
    );
    run.git(['reset', '-q', 'HEAD', 'src/util.js'], bob, { quiet: true });
    run.git(['checkout', '--', 'src/util.js'], bob, { quiet: true });

    run.section('4. A conflict predicted from uncommitted work');
    run.edit(alice, 'src/app.js', APP.replace("'Goodbye, '", "'See you, '"), 'rewrites farewell()');
    run.edit(
      bob,
      'src/app.js',
      APP.replace("'Goodbye, '", "'Bye bye, '"),
      'rewrites the same line',
    );
    const predicted = run.qlock(['conflicts', 'alice', 'bob', '--check'], repo);
    expect(
      'conflict predicted',
      predicted.code === 3 && /src\/app\.js/.test(predicted.stdout),
      predicted,
    );
    run.say('Nothing is committed yet, and qlock already knows these two will conflict.');

    run.section('5. Main moves under a session, and its inbox says so');
    fs.writeFileSync(path.join(repo, 'src/app.js'), APP.replace("'Hello, '", "'Welcome, '"));
    run.git(['commit', '-q', '-am', 'main: new greeting'], repo, { quiet: true });
    run.say(c.dim('  (someone commits a change to src/app.js on main)'));
    const inbox = run.qlock(['inbox'], alice);
    expect(
      'main moved in inbox',
      inbox.code === 0 && /main/i.test(inbox.stdout) && /src\/app\.js/.test(inbox.stdout),
      inbox,
    );

    run.section("6. An AI agent's write blocked by its pre-write hook");
    const payload = JSON.stringify({
      session_id: 'demo',
      cwd: bob,
      hook_event_name: 'PreToolUse',
      tool_name: 'Write',
      tool_input: { file_path: path.join(bob, 'src/util.js'), content: '// rewritten\n' },
    });
    run.say(
      "Claude Code in bob's worktree is about to write src/util.js; its PreToolUse hook asks qlock:",
    );
    const denied = run.qlock(['agent-hook', 'claude', 'PreToolUse'], bob, { input: payload });
    expect(
      'agent write blocked',
      denied.code === 2 && /carol/.test(denied.stderr + denied.stdout),
      denied,
    );

    run.section('Done');
    run.say(
      options.keep
        ? `The demo repository is kept at ${repo}; try \`cd ${JSON.stringify(repo)} && qlock status\`.`
        : 'Everything above ran for real in a temporary directory, now removed. Next: `qlock init` in your own repository.',
    );
    return { dir: options.keep ? top : '', kept: options.keep === true, steps };
  } finally {
    if (!options.keep) fs.rmSync(top, { recursive: true, force: true });
  }
}
