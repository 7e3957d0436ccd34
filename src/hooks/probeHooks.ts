import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { cleanGitEnv } from '../git/exec.js';

/**
 * Does git really run qlock's hook in a worktree? Asked by running the hook file git would run
 * (`<hooks dir>/<hook>`, through husky's stub and runner, lefthook's or pre-commit's script...)
 * in that worktree with QLOCK_PROBE set: qlock's block reaches the runner, which asks `qlock hook`
 * (it records the hook's name in the probe file and does nothing else) and then stops the hook
 * file, so the project's own hooks are not run. Reading the files cannot tell a hook that git
 * skips (husky turned off in ~/.config/husky/init.sh, a runner that cannot start node, ...).
 * Only called where the file holds qlock's block, so nothing but qlock's code is reached first.
 */
export async function probeHook(
  worktree: string,
  gitHooksDir: string,
  hook: string,
  args: string[] = [],
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
        env: { ...cleanGitEnv(), QLOCK_PROBE: probe },
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
      child.on('error', () => resolve());
      child.on('close', () => {
        clearTimeout(timer);
        resolve();
      });
      child.stdin.end();
    });
    return fs.existsSync(probe) && fs.readFileSync(probe, 'utf8').split('\n').includes(hook);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
