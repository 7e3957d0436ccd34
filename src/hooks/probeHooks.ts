import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { cleanGitEnv } from '../git/exec.js';

/**
 * Does git really run qlock's hook in a worktree? Asked by running the hook file git would run
 * (`<hooks dir>/<hook>`, through husky's stub and runner, lefthook's or pre-commit's script...)
 * in that worktree with QLOCK_PROBE set: qlock's block reaches the runner, which records the
 * hook's name in the probe file if the qlock it would start exists, and then stops the hook file,
 * so the project's own hooks are not run. Reading the files cannot tell a hook that git skips
 * (husky turned off in ~/.config/husky/init.sh, an early `exit` before qlock's block, ...). Only
 * called where the file holds qlock's block, so nothing but qlock's code is reached first.
 * Whether that qlock runs is probeRunner's question: the same for every hook and worktree (what a
 * hook manager's own environment does to node, NODE_OPTIONS set in husky's init.sh for one hook,
 * is not seen).
 */
export async function probeHook(
  worktree: string,
  gitHooksDir: string,
  hook: string,
  args: string[] = [],
  input = '',
): Promise<boolean> {
  const file = path.join(gitHooksDir, hook);
  if (!fs.existsSync(file)) return false;
  return probed(file, args, worktree, input, hook);
}

/**
 * Does the node and qlock the runner starts (recorded in it at install) run qlock's hook code?
 * `<node> <bin> hook pre-commit` with QLOCK_PROBE set: qlock records the name and does nothing
 * else (src/hooks/runGitHook.ts). A node that cannot start it (a broken build, a node of another
 * version, NODE_OPTIONS) fails every hook, which the hook files' probes cannot see.
 */
export function probeRunner(worktree: string, node: string, bin: string): Promise<boolean> {
  return probed(node, [bin, 'hook', 'pre-commit'], worktree, '', 'pre-commit');
}

/** Runs `command` with QLOCK_PROBE set; whether `name` was recorded in the probe file. */
async function probed(
  command: string,
  args: string[],
  cwd: string,
  input: string,
  name: string,
  timeoutMs = 20_000,
): Promise<boolean> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qlock-probe-'));
  const probe = path.join(dir, 'ran');
  try {
    await new Promise<void>((resolve) => {
      const child = spawn(command, args, {
        cwd,
        env: { ...cleanGitEnv(), QLOCK_PROBE: probe },
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
      child.on('error', () => resolve());
      child.on('close', () => {
        clearTimeout(timer);
        resolve();
      });
      child.stdin.on('error', () => {}); // a hook that exits without reading its input
      child.stdin.end(input);
    });
    return fs.existsSync(probe) && fs.readFileSync(probe, 'utf8').split('\n').includes(name);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * How doctor runs each hook qlock installs so that qlock's block hands it to the runner: the
 * arguments and input git would give, and for reference-transaction a `prepared` update of a base
 * ref (`baseRef`; without one that block never calls qlock, so it is not probed: undefined).
 */
export function probeCall(
  hook: string,
  baseRef: string | undefined,
): { args: string[]; input: string } | undefined {
  const zero = '0'.repeat(40);
  switch (hook) {
    case 'reference-transaction':
      return baseRef ? { args: ['prepared'], input: `${zero} ${zero} ${baseRef}\n` } : undefined;
    case 'post-checkout':
      return { args: [zero, zero, '1'], input: '' };
    case 'post-merge':
      return { args: ['0'], input: '' };
    case 'post-rewrite':
      return { args: ['amend'], input: '' };
    case 'pre-push':
      return { args: ['origin', 'origin'], input: '' };
    default:
      return { args: [], input: '' };
  }
}
