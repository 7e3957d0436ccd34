import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { lines, makeRepo, type Repo, runQlock } from '../helpers/repo.js';

/**
 * Issue 21 point 5: liveness was judged by qlock activity alone, so a session whose agent edits
 * without calling qlock became `stale`, and pre-commit stopped warning about a same-lines conflict
 * with it although `status` predicted it. Quiet is not gone: its work still counts; and its own
 * activity (index, HEAD) keeps it live.
 */

const HOURS_AGO = (h: number) => new Date(Date.now() - h * 3600_000);

async function must(args: string[], cwd: string) {
  const r = await runQlock(args, { cwd });
  expect(r.code, `qlock ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}

/** Makes a session look untouched for `hours`: its lastSeen and its working copy's own stamps. */
function quieten(repo: Repo, name: string, dir: string, hours: number): void {
  const file = path.join(repo.root, '.git/qlock/registry.json');
  const registry = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    sessions: Record<string, { lastSeen: string }>;
  };
  registry.sessions[name]!.lastSeen = HOURS_AGO(hours).toISOString();
  fs.writeFileSync(file, JSON.stringify(registry));
  const gitDir = repo.git(['rev-parse', '--absolute-git-dir'], dir);
  const then = HOURS_AGO(hours);
  for (const p of [dir, path.join(gitDir, 'index'), path.join(gitDir, 'HEAD')])
    fs.utimesSync(p, then, then);
  if (fs.existsSync(path.join(gitDir, 'logs/HEAD')))
    fs.utimesSync(path.join(gitDir, 'logs/HEAD'), then, then);
}

async function states(cwd: string): Promise<Record<string, string>> {
  const list = JSON.parse((await must(['list', '--json'], cwd)).stdout) as {
    sessions: { name: string; state: string }[];
  };
  return Object.fromEntries(list.sessions.map((s) => [s.name, s.state]));
}

describe('a quiet session is not a gone session', () => {
  it('pre-commit still warns about a same-lines conflict with a stale session that has uncommitted work; silent where it has none', async () => {
    const repo = makeRepo({ files: { 'src/a.txt': lines('a', 20), 'src/b.txt': lines('b', 20) } });
    await must(['init'], repo.root);
    const dirs: Record<string, string> = {};
    for (const name of ['alpha', 'beta', 'gamma']) {
      const made = await must(['new', name, '--json'], repo.root);
      dirs[name] = (JSON.parse(made.stdout) as { session: { path: string } }).session.path;
    }
    // beta's agent edits line 3 of a.txt and never calls qlock; then everything goes quiet.
    fs.writeFileSync(path.join(dirs.beta!, 'src/a.txt'), lines('a', 20).replace('a3\n', 'BETA\n'));
    quieten(repo, 'beta', dirs.beta!, 3);
    quieten(repo, 'gamma', dirs.gamma!, 3);
    expect(await states(repo.root)).toMatchObject({ beta: 'stale', gamma: 'stale' });

    // alpha changes the same line: status predicts the conflict...
    fs.writeFileSync(
      path.join(dirs.alpha!, 'src/a.txt'),
      lines('a', 20).replace('a3\n', 'ALPHA\n'),
    );
    const status = JSON.parse((await must(['status', '--json'], repo.root)).stdout) as {
      conflicts: { a: string; b: string; paths: string[] }[];
    };
    expect(status.conflicts).toEqual([{ a: 'alpha', b: 'beta', paths: ['src/a.txt'] }]);
    // qlock looking at beta's work is not beta's activity.
    expect((await states(repo.root)).beta).toBe('stale');
    // ...and so does pre-commit when alpha commits the same lines.
    const commit = spawnSync('git', ['commit', '-qam', 'alpha edits a3'], {
      cwd: dirs.alpha!,
      encoding: 'utf8',
    });
    expect(commit.status, commit.stderr).toBe(0);
    expect(commit.stderr).toContain('session beta is also changing src/a.txt');
    expect(commit.stderr).toMatch(/would conflict with session beta in src\/a\.txt/);
    expect(commit.stderr).not.toContain('gamma');

    // A file nobody else changed: not a word, stale sessions or not.
    fs.appendFileSync(path.join(dirs.alpha!, 'src/b.txt'), 'alpha was here\n');
    const quiet = spawnSync('git', ['commit', '-qam', 'alpha edits b'], {
      cwd: dirs.alpha!,
      encoding: 'utf8',
    });
    expect(quiet.status, quiet.stderr).toBe(0);
    expect(quiet.stderr).toBe('');
  });

  it('the session’s own activity (git in its worktree) keeps it live without any qlock command', async () => {
    const repo = makeRepo();
    await must(['init', '--no-hooks'], repo.root);
    const made = await must(['new', 'beta', '--json'], repo.root);
    const beta = (JSON.parse(made.stdout) as { session: { path: string } }).session.path;
    quieten(repo, 'beta', beta, 3);
    expect((await states(repo.root)).beta).toBe('stale');
    // The agent stages its work with plain git: the index changes, the session is active again.
    fs.appendFileSync(path.join(beta, 'src/a.txt'), 'more\n');
    repo.git(['add', 'src/a.txt'], beta);
    expect((await states(repo.root)).beta).toBe('active');
  });
});
