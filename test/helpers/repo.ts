import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { onTestFinished } from 'vitest';

import { type Context, defaultContext } from '../../src/context.js';

/**
 * The real-git test harness (STYLE.md §12): temporary repositories and linked worktrees, the git
 * environment cleaned by test/helpers/setupEnv.ts, cleanup when the test finishes.
 */

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(REPO_ROOT, 'bin/qlock.js');

/** A fresh directory under the system temp dir, named with a random UUID; removed after the test. */
export function tempDir(
  label = 'qlock',
  cleanup: (fn: () => void) => void = onTestFinished,
): string {
  const dir = fs.realpathSync(
    fs.mkdtempSync(path.join(os.tmpdir(), `${label}-${crypto.randomUUID()}-`)),
  );
  if (path.resolve(dir) === process.cwd())
    throw new Error('refusing to use the cwd as a test directory');
  cleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function gitSyncIn(
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): string {
  const result = spawnSync('git', args, { cwd, env, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`git ${args.join(' ')} failed in ${cwd} (${result.status}): ${result.stderr}`);
  }
  return result.stdout.trim();
}

export interface Repo {
  /** Root of the main worktree. */
  root: string;
  /** The directory holding the repository and its sibling worktrees (deleted after the test). */
  parent: string;
  git(args: string[], cwd?: string): string;
  write(rel: string, content: string, cwd?: string): string;
  read(rel: string, cwd?: string): string;
  commitAll(message: string, cwd?: string): string;
  /** `git worktree add -b <branch> <parent>/<name> main`, returns its path. */
  worktree(name: string, branch?: string): string;
}

export interface RepoOptions {
  /** Directory name of the main worktree (use spaces or unicode to test paths). */
  name?: string;
  files?: Record<string, string>;
  /** When to delete it (default: when the test finishes; `afterAll` for a repo shared by tests). */
  cleanup?: (fn: () => void) => void;
}

export function makeRepo(options: RepoOptions = {}): Repo {
  const parent = tempDir('qlock-repo', options.cleanup);
  const root = path.join(parent, options.name ?? 'repo');
  fs.mkdirSync(root, { recursive: true });
  const repo: Repo = {
    root,
    parent,
    git: (args, cwd = root) => gitSyncIn(cwd, args),
    write: (rel, content, cwd = root) => {
      const file = path.join(cwd, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
      return file;
    },
    read: (rel, cwd = root) => fs.readFileSync(path.join(cwd, rel), 'utf8'),
    commitAll: (message, cwd = root) => {
      gitSyncIn(cwd, ['add', '-A']);
      gitSyncIn(cwd, ['commit', '-q', '--no-verify', '-m', message]);
      return gitSyncIn(cwd, ['rev-parse', 'HEAD']);
    },
    worktree: (name, branch = name) => {
      const dir = path.join(parent, name);
      gitSyncIn(root, ['worktree', 'add', '-q', '-b', branch, dir, 'main']);
      return fs.realpathSync(dir);
    },
  };
  const files = options.files ?? {
    'README.md': '# test\n',
    'src/a.txt': lines('a', 20),
    'src/b.txt': lines('b', 20),
  };
  fs.cpSync(initialCommit(files), root, { recursive: true });
  // The copied index holds the template's inodes and times: refreshed, it is the index a fresh
  // commit leaves (plumbing such as diff-files does not refresh it itself).
  repo.git(['update-index', '-q', '--refresh']);
  return repo;
}

/** Built initial commits of this test file, by what they depend on (see initialCommit). */
const initialCommits = new Map<string, string>();

/**
 * A directory holding `git init` plus one commit "initial" of `files`, built once per test file
 * and copied by makeRepo (four git processes per repository were a tenth of the integration
 * tests' git work; a copy and one `update-index --refresh` replace them). The copy is the same
 * repository a fresh build gives: the identity and dates are fixed (setupEnv.ts), and the key
 * holds everything else git reads for it (the global config, the GIT_* variables).
 */
function initialCommit(files: Record<string, string>): string {
  const gitEnv = Object.entries(process.env)
    .filter(([k]) => k.startsWith('GIT_'))
    .sort(([a], [b]) => a.localeCompare(b));
  const globalConfig = process.env.GIT_CONFIG_GLOBAL;
  const key = JSON.stringify([
    files,
    gitEnv,
    globalConfig && fs.existsSync(globalConfig) ? fs.readFileSync(globalConfig, 'utf8') : null,
  ]);
  const known = initialCommits.get(key);
  if (known && fs.existsSync(known)) return known;
  const templates = process.env.QLOCK_TEST_TEMPLATES;
  const dir = templates ? fs.mkdtempSync(path.join(templates, 'repo-')) : tempDir('qlock-template');
  gitSyncIn(dir, ['init', '-q', '-b', 'main']);
  writeFiles(dir, files);
  gitSyncIn(dir, ['add', '-A']);
  gitSyncIn(dir, ['commit', '-q', '--no-verify', '-m', 'initial']);
  if (templates) initialCommits.set(key, dir);
  return dir;
}

/** `n` numbered lines: "a1\na2\n…". */
export function lines(prefix: string, n: number): string {
  return Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`).join('\n') + '\n';
}

/** A plain (non-git) directory with some files. */
export function makePlainDir(
  files: Record<string, string> = { 'notes.txt': lines('n', 10) },
  name = 'plain',
): string {
  const root = path.join(tempDir('qlock-dir'), name);
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return root;
}

/** A Context for calling command functions in-process; output is captured. */
export function testContext(
  cwd: string,
  overrides: Partial<Context> = {},
): Context & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const ctx = defaultContext({
    cwd,
    env: { ...process.env },
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    ...overrides,
  });
  return Object.assign(ctx, { stdout, stderr });
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (bin/qlock.js) as a child process. */
export function runQlock(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`qlock ${args.join(' ')} timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Synchronous variant, for places where ordering matters more than speed. */
export function runQlockSync(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string },
): RunResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    input: options.input ?? '',
    encoding: 'utf8',
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Waits until `predicate` holds, polling every `intervalMs`, failing after `timeoutMs`. */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  timeoutMs = 10_000,
  intervalMs = 25,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface BareRepo {
  /** The bare repository (`<parent>/<name>.git`). */
  bare: string;
  parent: string;
  git(args: string[], cwd?: string): string;
  /** `git worktree add -b <branch> <parent>/<name> main` from the bare repository. */
  worktree(name: string, branch?: string): string;
}

/** A bare repository (cloned from a fresh makeRepo()) whose sessions are linked worktrees. */
export function makeBareRepo(options: RepoOptions & { bareName?: string } = {}): BareRepo {
  const source = makeRepo(options);
  const bare = path.join(source.parent, options.bareName ?? 'project.git');
  gitSyncIn(source.parent, ['clone', '-q', '--bare', source.root, bare]);
  return {
    bare: fs.realpathSync(bare),
    parent: source.parent,
    git: (args, cwd = bare) => gitSyncIn(cwd, args),
    worktree: (name, branch = name) => {
      const dir = path.join(source.parent, name);
      gitSyncIn(bare, ['worktree', 'add', '-q', '-b', branch, dir, 'main']);
      return fs.realpathSync(dir);
    },
  };
}

/** Writes files (relative path → content) below `root`, creating directories. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

/** Every branch of a repository (short names), sorted. */
export function branches(repoDir: string): string[] {
  return gitSyncIn(repoDir, ['for-each-ref', '--format=%(refname:short)', 'refs/heads/'])
    .split('\n')
    .filter(Boolean)
    .sort();
}

/** The worktree paths git knows about (`git worktree list --porcelain`). */
export function worktreePaths(repoDir: string): string[] {
  return gitSyncIn(repoDir, ['worktree', 'list', '--porcelain'])
    .split('\n')
    .filter((l) => l.startsWith('worktree '))
    .map((l) => l.slice('worktree '.length));
}
