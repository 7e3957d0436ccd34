import { spawn } from 'node:child_process';

/** Helpers of the gitHooks*.test.ts files (no tests here). */

export interface GitRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** git as a child process (async: the vitest worker stays responsive while hooks run). */
export function gitRun(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
