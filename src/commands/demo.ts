import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Context } from '../context.js';
import {
  DemoInterrupted,
  DemoRunner,
  QLOCK_BIN,
  qlockCommand,
  type StepResult,
} from '../demo/demoRunner.js';
import { QlockError } from '../errors.js';
import { c } from '../ui/color.js';
import { messages } from '../ui/messages.js';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

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
  const home = path.join(top, 'home');
  fs.mkdirSync(home);
  const run = new DemoRunner(print, home);
  // Ctrl-C stops the running step; the finally below still removes the directory.
  const onSignal = (signal: NodeJS.Signals) => run.interrupt(signal);
  for (const signal of SIGNALS) process.on(signal, onSignal);
  try {
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
    await run.git(['init', '-q', '-b', 'main'], repo, { quiet: true });
    await run.git(['add', '-A'], repo, { quiet: true });
    await run.git(['commit', '-q', '-m', 'initial'], repo, { quiet: true });
    run.say(`A repository with src/app.js and src/util.js at ${repo}.`);
    expect('init', (await run.qlock(['init'], repo)).code === 0);
    const sessions: Record<string, string> = {};
    for (const name of ['alice', 'bob', 'carol']) {
      const created = await run.qlock(['new', name, '--json'], repo, { quiet: true });
      expect(`new ${name}`, created.code === 0, created);
      sessions[name] = (JSON.parse(created.stdout) as { session: { path: string } }).session.path;
    }
    run.say('Three worktrees, one per AI session (qlock new alice / bob / carol):');
    await run.qlock(['list'], repo);
    const { alice, bob, carol } = sessions as { alice: string; bob: string; carol: string };

    run.section('2. Two sessions edit the same file: an overlap');
    run.edit(alice, 'src/app.js', APP.replace("'Hello, '", "'Hi, '"), 'changes greet()');
    run.edit(
      bob,
      'src/app.js',
      APP.replace('text.toUpperCase()', "text.toUpperCase() + '!'"),
      'changes shout()',
    );
    const overlap = await run.qlock(['who', 'src/app.js'], repo);
    expect(
      'overlap seen',
      overlap.code === 0 && /alice/.test(overlap.stdout) && /bob/.test(overlap.stdout),
      overlap,
    );
    const clean = await run.qlock(['conflicts', 'alice', 'bob'], repo);
    expect('disjoint edits merge cleanly', clean.code === 0, clean);
    run.say('Both changed src/app.js, in different functions: an overlap that will merge cleanly.');

    run.section('3. A lock, and a commit from another session blocked by the pre-commit hook');
    expect(
      'lock',
      (await run.qlock(['lock', 'src/util.js', '--reason', 'rewriting the helpers'], carol))
        .code === 0,
    );
    run.edit(bob, 'src/util.js', UTIL.replace('Math.min', 'Math.min /* bob */'));
    await run.git(['add', 'src/util.js'], bob, { quiet: true });
    const blocked = await run.git(['commit', '-m', 'tweak clamp'], bob);
    expect(
      'commit blocked',
      blocked.code !== 0 && /carol/.test(blocked.stderr + blocked.stdout),
      blocked,
    );
    await run.git(['reset', '-q', 'HEAD', 'src/util.js'], bob, { quiet: true });
    await run.git(['checkout', '--', 'src/util.js'], bob, { quiet: true });

    run.section('4. A conflict predicted from uncommitted work');
    run.edit(alice, 'src/app.js', APP.replace("'Goodbye, '", "'See you, '"), 'rewrites farewell()');
    run.edit(
      bob,
      'src/app.js',
      APP.replace("'Goodbye, '", "'Bye bye, '"),
      'rewrites the same line',
    );
    const predicted = await run.qlock(['conflicts', 'alice', 'bob', '--check'], repo);
    expect(
      'conflict predicted',
      predicted.code === 3 && /src\/app\.js/.test(predicted.stdout),
      predicted,
    );
    run.say('Nothing is committed yet, and qlock already knows these two will conflict.');

    run.section('5. Main moves under a session, and its inbox says so');
    fs.writeFileSync(path.join(repo, 'src/app.js'), APP.replace("'Hello, '", "'Welcome, '"));
    await run.git(['commit', '-q', '-am', 'main: new greeting'], repo, { quiet: true });
    run.say(c.dim('  (someone commits a change to src/app.js on main)'));
    const inbox = await run.qlock(['inbox'], alice);
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
    run.say(c.dim(`  (its JSON on the hook's stdin: ${payload})`));
    const denied = await run.qlock(['agent-hook', 'claude', 'PreToolUse'], bob, { input: payload });
    expect(
      'agent write blocked',
      denied.code === 2 && /carol/.test(denied.stderr + denied.stdout),
      denied,
    );

    run.section('Done');
    const qlock = qlockCommand(ctx.env);
    run.say(
      options.keep ? messages.demoKept(repo, qlock.command) : messages.demoDone(qlock.command),
    );
    if (!qlock.onPath) run.say(messages.demoNotOnPath(path.dirname(path.dirname(QLOCK_BIN))));
    return { dir: options.keep ? top : '', kept: options.keep === true, steps };
  } catch (error) {
    if (error instanceof DemoInterrupted)
      throw new QlockError(messages.demoInterrupted(error.signal, options.keep ? top : undefined));
    throw error;
  } finally {
    for (const signal of SIGNALS) process.off(signal, onSignal);
    if (!options.keep) fs.rmSync(top, { recursive: true, force: true });
  }
}
