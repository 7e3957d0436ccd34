import type { ChildProcess } from 'node:child_process';

import { GitError } from '../errors.js';
import { createDebug } from '../ui/debug.js';
import { decodePathBytes } from './pathBytes.js';

const debug = createDebug('git');

/**
 * node:child_process, loaded on the first git call rather than when this module loads: it pulls
 * in node:net and the stream machinery (~5 ms), which a hook that decides without git (most agent
 * pre-write checks) would otherwise pay on every run.
 */
const childProcess = () => process.getBuiltinModule('node:child_process');

/** The git processes running now. */
const RUNNING = new Set<ChildProcess>();

/**
 * Stops every git this process started that is still running (SIGTERM: git removes its lock files).
 * For a process that gives up on its work and leaves (an agent hook out of time): a hung git must
 * not outlive it, one more each time the hook runs.
 */
export function stopRunningGit(): void {
  for (const child of RUNNING) {
    child.kill('SIGTERM');
    // A git stuck in the kernel (a hung network mount) outlives even the signal: let the process
    // leave without it rather than wait on its pipes.
    child.stdin?.destroy();
    child.stdout?.destroy();
    child.stderr?.destroy();
    child.unref();
  }
}

/**
 * Every git call goes through here, with an explicit cwd and a clean environment.
 *
 * We spawn git directly rather than through simple-git, and simple-git is no longer a dependency:
 * it resolves a non-zero exit with an empty stderr as success (merge-tree reports conflicts that
 * way), filters or rejects environments (see reference/libs-and-git.md §1.3), and its import
 * alone cost +112 ms median over `node -e ''` on this 2-core VM under load 7.7 (1.42 ×, vs 1.31 ×
 * for commander; bench/RESULTS.md, 2026-12-04), more than a whole lock command's budget. The
 * porcelain steps of sync and worktree management are a handful of calls each, named in src/git/.
 */

/**
 * Variables git sets for a hook (`git rev-parse --local-env-vars`). A git call aimed at another
 * worktree with these set silently reads the hook's repository, index and branch instead.
 */
export const LOCAL_GIT_ENV_VARS = [
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_CONFIG',
  'GIT_CONFIG_PARAMETERS',
  'GIT_CONFIG_COUNT',
  'GIT_OBJECT_DIRECTORY',
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_IMPLICIT_WORK_TREE',
  'GIT_GRAFT_FILE',
  'GIT_INDEX_FILE',
  'GIT_NO_REPLACE_OBJECTS',
  'GIT_REPLACE_REF_BASE',
  'GIT_PREFIX',
  'GIT_INTERNAL_SUPER_PREFIX',
  'GIT_SHALLOW_FILE',
  'GIT_COMMON_DIR',
  'GIT_LITERAL_PATHSPECS',
  'GIT_GLOB_PATHSPECS',
  'GIT_NOGLOB_PATHSPECS',
  'GIT_ICASE_PATHSPECS',
];

/** The process environment without git's per-repository variables, for calls about any worktree. */
export function cleanGitEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const key of LOCAL_GIT_ENV_VARS) delete env[key];
  // Machine-readable messages; never take optional locks (index refresh) in someone else's tree.
  env.LC_ALL = 'C';
  env.GIT_OPTIONAL_LOCKS = '0';
  env.GIT_TERMINAL_PROMPT = '0';
  return env;
}

/** Flags that must not vary with the user's configuration. */
const FIXED_FLAGS = [
  '-c',
  'submodule.recurse=false',
  '-c',
  'core.quotePath=false',
  '-c',
  'color.ui=false',
];

export interface GitOptions {
  cwd: string;
  /** Environment to use; defaults to cleanGitEnv(). Pass the hook's env only on purpose. */
  env?: NodeJS.ProcessEnv;
  /** Exit codes that are answers rather than failures (merge-tree: 1 = conflicts). */
  okCodes?: readonly number[];
  input?: string | Buffer;
  /**
   * Network calls (fetch/push to a remote that may be unreachable): after this many ms git is
   * killed (SIGTERM, so it removes its lock files) and the call fails with a GitError whose
   * `code` is null and whose stderr says it timed out.
   */
  timeoutMs?: number;
}

export interface GitResult {
  stdout: string;
  stderr: string;
  code: number;
}

export function git(args: readonly string[], options: GitOptions): Promise<GitResult> {
  return gitBuffer(args, options).then((r) => ({
    // Paths that are not valid UTF-8 keep their bytes (pathBytes.ts).
    stdout: decodePathBytes(r.stdout),
    stderr: r.stderr,
    code: r.code,
  }));
}

/** Like git(), but stdout stays bytes: blob contents (cat-file --batch) are not always UTF-8. */
export function gitBuffer(
  args: readonly string[],
  options: GitOptions,
): Promise<{ stdout: Buffer; stderr: string; code: number }> {
  const started = Date.now();
  const okCodes = options.okCodes ?? [0];
  const fullArgs = [...FIXED_FLAGS, ...args];
  return new Promise((resolve, reject) => {
    const child = childProcess().spawn('git', fullArgs, {
      cwd: options.cwd,
      env: options.env ?? cleanGitEnv(),
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    RUNNING.add(child);
    child.on('exit', () => RUNNING.delete(child));
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    child.on('error', (error) => {
      RUNNING.delete(child);
      reject(new GitError(args, null, error.message, options.cwd));
    });
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            // Reject at once: a transport helper (ssh) may keep our pipes open a while longer.
            timedOut = true;
            child.kill('SIGTERM');
            reject(
              new GitError(
                args,
                null,
                `timed out after ${options.timeoutMs} ms\n${Buffer.concat(err).toString('utf8')}`,
                options.cwd,
              ),
            );
          }, options.timeoutMs);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      if (timedOut) return;
      const result = {
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString('utf8'),
        code: code ?? -1,
      };
      debug(
        `${args.slice(0, 3).join(' ')} (${options.cwd}) → ${result.code} ${Math.round(Date.now() - started)}ms`,
      );
      if (okCodes.includes(result.code)) resolve(result);
      else reject(new GitError(args, result.code, result.stderr, options.cwd));
    });
    if (options.input !== undefined && child.stdin) child.stdin.end(options.input);
  });
}

/** Synchronous variant for the few places that must not be async (exit handlers, tiny hot paths). */
export function gitSync(args: readonly string[], options: GitOptions): GitResult {
  const okCodes = options.okCodes ?? [0];
  const result = childProcess().spawnSync('git', [...FIXED_FLAGS, ...args], {
    cwd: options.cwd,
    env: options.env ?? cleanGitEnv(),
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw new GitError(args, null, result.error.message, options.cwd);
  const out = { stdout: result.stdout, stderr: result.stderr, code: result.status ?? -1 };
  if (!okCodes.includes(out.code)) throw new GitError(args, out.code, out.stderr, options.cwd);
  return out;
}

/** Trimmed stdout of a git call that must succeed. */
export async function gitOut(args: readonly string[], options: GitOptions): Promise<string> {
  return (await git(args, options)).stdout.trim();
}

/** Splits NUL-separated output (-z), dropping the empty tail. */
export function splitZ(output: string): string[] {
  const parts = output.split('\0');
  if (parts.length && parts[parts.length - 1] === '') parts.pop();
  return parts;
}
