import fs from 'node:fs';

import { stopRunningGit } from '../git/exec.js';
import type { AgentName, HookEvent } from '../project/agentNames.js';
import { writeStderr, writeStdout } from '../ui/stdio.js';
import { runAgentHook } from './runAgentHook.js';

/**
 * The process side of `qlock agent-hook`: stdin in, the outcome out on stdout/stderr, the exit
 * code back to the caller (bin/qlock.js sets it). Shared by the fast path and the full CLI.
 *
 * stdin and stdout are used through their file descriptors, not process.stdin/stdout: for a pipe
 * those are net.Socket streams, whose modules Node compiles on first use (~5 ms of the hook's
 * budget). fs.read runs in libuv's thread pool, so the time limit still fires while the agent
 * keeps stdin open.
 */

function readChunk(fd: number, buffer: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.read(fd, buffer, 0, buffer.length, null, (error, bytes) => {
      if (!error) resolve(bytes);
      else if (error.code === 'EAGAIN') setTimeout(() => resolve(-1), 5).unref();
      else reject(error);
    });
  });
}

/** Whether stdin was read to its end (a read of it is no longer pending in the thread pool). */
let stdinDone = false;

/** All of stdin ('' for a terminal: someone ran the hook by hand). Never rejects. */
export async function readStdin(fd = 0): Promise<string> {
  try {
    return await readAllOf(fd);
  } finally {
    stdinDone = true;
  }
}

async function readAllOf(fd: number): Promise<string> {
  try {
    if (fs.fstatSync(fd).isCharacterDevice()) return '';
  } catch {
    return '';
  }
  const chunks: Buffer[] = [];
  try {
    for (;;) {
      const buffer = Buffer.allocUnsafe(64 * 1024);
      const bytes = await readChunk(fd, buffer);
      if (bytes === 0) break;
      if (bytes > 0) chunks.push(buffer.subarray(0, bytes));
    }
  } catch {
    // a closed or broken stdin: use what arrived
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The fallback cwd (the payload's own cwd comes first). An agent still running in a worktree that
 * was removed has no cwd at all; process.cwd() would throw before the hook could fail open.
 */
function cwdOrPwd(): string {
  try {
    return process.cwd();
  } catch {
    return process.env.PWD ?? '/';
  }
}

export async function runHookProcess(
  agent: AgentName,
  event: HookEvent,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = cwdOrPwd(),
): Promise<number> {
  const { outcome, timedOut } = await runAgentHook({
    agent,
    event,
    readInput: () => readStdin(),
    cwd,
    env,
    now: () => new Date(),
  });
  if (outcome.stdout) writeStdout(outcome.stdout);
  if (outcome.stderr) writeStderr(outcome.stderr);
  // The answer is given: a git still running is one the hook stopped waiting for (a briefing that
  // gave up on a slow tree). Left alone it would keep the process, and the agent, waiting for it.
  stopRunningGit();
  if (timedOut) {
    // Something still runs: leave at once. A read of a stdin the agent never closed blocks a
    // thread-pool thread, and Node's exit waits for those threads: only a signal ends the
    // process then (status 137, which every agent treats as a failed hook that blocks nothing).
    if (stdinDone) process.exit(outcome.exitCode);
    process.kill(process.pid, 'SIGKILL');
  }
  return outcome.exitCode;
}
