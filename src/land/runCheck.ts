import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { cleanGitEnv } from '../git/exec.js';

/**
 * The project's check (`land.check`, `--check CMD`), run by a shell in the session's tree before
 * base moves. Its output is streamed as it comes (to stderr: stdout may be --json) and kept in a
 * log file in the state dir, so that a failing check can be read again after everything was put
 * back. Past the time limit the whole process group is stopped (SIGTERM, then SIGKILL).
 */

export interface CheckResult {
  command: string;
  ok: boolean;
  /** The command's exit status; null when it was killed (time limit) or could not start. */
  exitCode: number | null;
  timedOut: boolean;
  /** Stopped by Ctrl-C (SIGINT/SIGTERM to qlock): the landing then puts everything back. */
  interrupted?: boolean;
  /** Where its output is kept. */
  log: string;
  durationMs: number;
}

export interface CheckInput {
  command: string;
  cwd: string;
  timeoutMs: number;
  log: string;
  /** Where the output goes as it comes (stderr of the CLI). */
  stream: (chunk: string) => void;
  env?: NodeJS.ProcessEnv;
}

const KILL_GRACE_MS = 2000;

export function runCheck(input: CheckInput): Promise<CheckResult> {
  fs.mkdirSync(path.dirname(input.log), { recursive: true });
  const log = fs.openSync(input.log, 'w');
  const started = Date.now();
  return new Promise((resolve) => {
    // The check runs like a command the user typed in that tree: no git variables of ours.
    const child = spawn(input.command, {
      cwd: input.cwd,
      env: { ...cleanGitEnv(input.env ?? process.env), QLOCK_LANDING: '1' },
      shell: true,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let timedOut = false;
    let settled = false;
    const write = (chunk: Buffer) => {
      fs.writeSync(log, chunk);
      input.stream(chunk.toString('utf8'));
    };
    child.stdout.on('data', write);
    child.stderr.on('data', write);
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const stop = () => {
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS).unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, input.timeoutMs);
    // The check runs in its own process group, so Ctrl-C reaches only qlock: qlock stops the
    // check and, instead of dying half-way, puts the session back (the caller sees a failure).
    let interrupted = false;
    const onSignal = () => {
      interrupted = true;
      stop();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const finish = (exitCode: number | null, error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (error) fs.writeSync(log, `\n${error.message}\n`);
      fs.closeSync(log);
      resolve({
        command: input.command,
        ok: !timedOut && !interrupted && exitCode === 0,
        exitCode: timedOut || interrupted ? null : exitCode,
        timedOut,
        ...(interrupted ? { interrupted } : {}),
        log: input.log,
        durationMs: Date.now() - started,
      });
    };
    child.on('error', (error) => finish(null, error));
    child.on('close', (code) => finish(code));
    // A background process the check left behind may hold the pipes open: do not wait for it.
    child.on('exit', (code) => {
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish(code);
      }, 500).unref();
    });
  });
}
