import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { cleanGitEnv } from '../git/exec.js';

/**
 * Does git really run qlock's hook in a worktree? Asked by running the hook file git would run
 * (`<hooks dir>/<hook>`, through husky's stub and runner, lefthook's or pre-commit's script...)
 * in that worktree with QLOCK_PROBE set: qlock's block reaches the runner, which records the
 * hook's name in the probe file if the qlock it would start exists (with `askNode`, it asks
 * `qlock hook` to record it: node starts and runs qlock's code), and then stops the hook file, so
 * the project's own hooks are not run. Reading the files cannot tell a hook that git skips (husky
 * turned off in ~/.config/husky/init.sh, a runner that cannot start node, ...). Only called where
 * the file holds qlock's block, so nothing but qlock's code is reached first.
 */
export async function probeHook(
  worktree: string,
  gitHooksDir: string,
  hook: string,
  {
    args = [],
    input = '',
    askNode = false,
  }: { args?: string[]; input?: string; askNode?: boolean },
  timeoutMs = 20_000,
): Promise<boolean> {
  const file = path.join(gitHooksDir, hook);
  if (!fs.existsSync(file)) return false;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qlock-probe-'));
  const probe = path.join(dir, 'ran');
  try {
    await new Promise<void>((resolve) => {
      const child = spawn(file, args, {
        cwd: worktree,
        env: {
          ...cleanGitEnv(),
          QLOCK_PROBE: probe,
          ...(askNode ? { QLOCK_PROBE_NODE: '1' } : {}),
        },
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
    return fs.existsSync(probe) && fs.readFileSync(probe, 'utf8').split('\n').includes(hook);
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
