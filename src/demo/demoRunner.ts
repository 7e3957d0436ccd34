import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { cleanGitEnv } from '../git/exec.js';
import { c } from '../ui/color.js';
import { shellArg } from '../ui/messages/locks.js';
import { findOnPath } from '../util/findOnPath.js';

/** The built CLI this demo drives, so every step is the real command a user would type. */
export const QLOCK_BIN = fileURLToPath(new URL('../../bin/qlock.js', import.meta.url));

/** A signal stopped the demo between or during its steps. */
export class DemoInterrupted extends Error {
  readonly signal: NodeJS.Signals;
  constructor(signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
    this.name = 'DemoInterrupted';
    this.signal = signal;
  }
}

export interface StepResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the demo's commands and prints them as a user would see them in a terminal. The demo runs
 * with a private git configuration so that the user's global settings (a global core.hooksPath,
 * commit signing) neither change the demo nor get changed by it.
 */
export class DemoRunner {
  readonly env: NodeJS.ProcessEnv;
  private readonly print: (text: string) => void;
  constructor(print: (text: string) => void, home: string) {
    this.print = print;
    this.env = {
      ...cleanGitEnv(),
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      GIT_CONFIG_GLOBAL: path.join(home, '.gitconfig'),
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'qlock demo',
      GIT_AUTHOR_EMAIL: 'demo@qlock.invalid',
      GIT_COMMITTER_NAME: 'qlock demo',
      GIT_COMMITTER_EMAIL: 'demo@qlock.invalid',
      NO_COLOR: '1',
    };
    delete this.env.QLOCK_SESSION;
    delete this.env.QLOCK;
    fs.writeFileSync(
      path.join(home, '.gitconfig'),
      '[init]\n\tdefaultBranch = main\n[commit]\n\tgpgSign = false\n[gc]\n\tauto = 0\n',
    );
  }

  section(title: string): void {
    this.print('');
    this.print(c.bold(`== ${title}`));
  }

  say(text: string): void {
    this.print(text);
  }

  private show(prompt: string, result: StepResult): void {
    this.print(c.cyan(`$ ${prompt}`));
    const output = (result.stdout + result.stderr).trimEnd();
    if (output) this.print(output.replace(/^/gm, '  '));
    if (result.code !== 0) this.print(c.dim(`  (exit ${result.code})`));
  }

  /** Set once a signal asked the demo to stop: no further step starts. */
  interrupted: NodeJS.Signals | undefined;
  private child: ChildProcess | undefined;

  /** Ctrl-C (or SIGTERM, SIGHUP): stop the running step; the demo then cleans up and ends. */
  interrupt(signal: NodeJS.Signals): void {
    this.interrupted ??= signal;
    this.child?.kill('SIGTERM');
  }

  private async exec(
    file: string,
    args: string[],
    cwd: string,
    input?: string,
    extraEnv: NodeJS.ProcessEnv = {},
  ): Promise<StepResult> {
    if (this.interrupted) throw new DemoInterrupted(this.interrupted);
    const child = spawn(file, args, { cwd, env: { ...this.env, ...extraEnv } });
    this.child = child;
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => {}); // a step that exits without reading its input
    child.stdin.end(input ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    try {
      const code = await new Promise<number>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (status) => resolve(status ?? 1));
      });
      if (this.interrupted) throw new DemoInterrupted(this.interrupted);
      return { code, stdout, stderr };
    } finally {
      clearTimeout(timer);
      this.child = undefined;
    }
  }

  /** `qlock …` in `cwd`, printed with a prompt that names the session's directory. */
  async qlock(
    args: string[],
    cwd: string,
    options: { input?: string; quiet?: boolean; label?: string } = {},
  ): Promise<StepResult> {
    const result = await this.exec(process.execPath, [QLOCK_BIN, ...args], cwd, options.input);
    if (!options.quiet)
      this.show(
        `${options.label ?? path.basename(cwd)}> qlock ${args.map(shellArg).join(' ')}`,
        result,
      );
    return result;
  }

  async git(args: string[], cwd: string, options: { quiet?: boolean } = {}): Promise<StepResult> {
    const result = await this.exec('git', args, cwd);
    if (!options.quiet)
      this.show(`${path.basename(cwd)}> git ${args.map(shellArg).join(' ')}`, result);
    return result;
  }

  /** Writes a file as an editor (or an agent) would, and says so. */
  edit(cwd: string, rel: string, content: string, note?: string): void {
    fs.mkdirSync(path.dirname(path.join(cwd, rel)), { recursive: true });
    fs.writeFileSync(path.join(cwd, rel), content);
    this.print(c.dim(`  (${path.basename(cwd)} edits ${rel}${note ? `: ${note}` : ''})`));
  }
}

/**
 * How the user can run qlock after the demo: `qlock` when it is on their PATH, else this very
 * CLI by its path (someone who ran `npx qlock demo` in a checkout has no `qlock` command yet).
 */
export function qlockCommand(env: NodeJS.ProcessEnv = process.env): {
  command: string;
  onPath: boolean;
} {
  if (findOnPath('qlock', env)) return { command: 'qlock', onPath: true };
  return { command: `node ${shellArg(QLOCK_BIN)}`, onPath: false };
}
