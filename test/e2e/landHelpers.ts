import fs from 'node:fs';
import path from 'node:path';

import { expect } from 'vitest';

import { makeRepo, type Repo, runQlock, type RunResult } from '../helpers/repo.js';

/**
 * Fixtures of the `qlock land` tests: a repository set up with `qlock init` (real hooks), sessions
 * made with `qlock new`, and a full picture of the repository (every ref, and every worktree's
 * HEAD, index, status and files) to compare before and after a landing that must change nothing.
 */

export interface LandRepo {
  repo: Repo;
  /** Session name → worktree path. */
  dirs: Record<string, string>;
  qlock(args: string[], cwd?: string, env?: NodeJS.ProcessEnv): Promise<RunResult>;
  /** Replaces line n (1-based) of a file. */
  edit(dir: string, rel: string, n: number, text: string): void;
  commit(dir: string, message: string): string;
}

export async function landRepo(
  sessions: string[],
  config?: Record<string, unknown>,
): Promise<LandRepo> {
  const repo = makeRepo();
  if (config) {
    fs.writeFileSync(path.join(repo.root, '.qsessionrc'), JSON.stringify(config));
    repo.commitAll('config');
  }
  const qlock = (args: string[], cwd = repo.root, env?: NodeJS.ProcessEnv) =>
    runQlock(args, { cwd, ...(env ? { env } : {}) });
  const init = await qlock(['init']);
  expect(init.code, init.stderr).toBe(0);
  const dirs: Record<string, string> = {};
  for (const name of sessions) {
    const made = await qlock(['new', name, '--json']);
    expect(made.code, made.stderr).toBe(0);
    dirs[name] = fs.realpathSync(
      (JSON.parse(made.stdout) as { session: { path: string } }).session.path,
    );
  }
  return {
    repo,
    dirs,
    qlock,
    edit: (dir, rel, n, text) => {
      const file = path.join(dir, rel);
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      lines[n - 1] = text;
      fs.writeFileSync(file, lines.join('\n'));
    },
    commit: (dir, message) => repo.commitAll(message, dir),
  };
}

function filesBelow(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.name === '.git') continue;
    if (entry.isDirectory()) out.push(...filesBelow(root, child));
    else out.push(`${child}: ${fs.readFileSync(path.join(root, child), 'utf8')}`);
  }
  return out.sort();
}

/** Every ref, and each worktree's HEAD, index, status, stash and files. */
export function repoState(repo: Repo, worktrees: string[]): Record<string, unknown> {
  const state: Record<string, unknown> = {
    refs: repo.git(['for-each-ref', '--format=%(refname) %(objectname)']),
    stash: repo.git(['stash', 'list', '--format=%H %gs']),
  };
  for (const dir of [repo.root, ...worktrees]) {
    state[dir] = {
      head:
        repo.git(['symbolic-ref', '-q', 'HEAD'], dir) + ' ' + repo.git(['rev-parse', 'HEAD'], dir),
      index: repo.git(['ls-files', '--stage'], dir),
      status: repo.git(['status', '--porcelain=v1', '--untracked-files=all', '--ignored'], dir),
      files: filesBelow(dir),
    };
  }
  return state;
}

export function inboxMessages(
  stdout: string,
): { kind: string; message: string; paths?: string[] }[] {
  return (JSON.parse(stdout) as { events: { kind: string; message: string; paths?: string[] }[] })
    .events;
}
