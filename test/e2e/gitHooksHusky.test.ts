import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { makeRepo, REPO_ROOT, runQlock } from '../helpers/repo.js';
import { gitRun } from './gitHooksHelpers.js';

/**
 * A husky 9 repository set up with husky's own `husky init`: qlock's block goes into the tracked
 * `.husky/<hook>` files, runs before the project's own hook, blocks through husky's runner, and
 * runs in every session that `qlock new` makes (which copies husky's untracked `.husky/_` there);
 * a worktree made by hand without it is reported by `qlock hooks status` and `qlock doctor` (and
 * `doctor --fix` repairs it).
 */

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const r = path.join(rel, name);
      const st = fs.statSync(path.join(dir, r));
      if (st.isDirectory()) walk(r);
      else
        out[r] = `${(st.mode & 0o777).toString(8)} ${fs.readFileSync(path.join(dir, r), 'utf8')}`;
    }
  };
  walk('');
  return out;
}

interface StatusJson {
  ok: boolean;
  mode: string;
  worktrees: { path: string; session?: string; runs: boolean; problems: { kind: string }[] }[];
}

describe('git hooks in a husky 9 repository', () => {
  it('runs through husky, is reported where husky is missing, and uninstalls byte for byte', async () => {
    const repo = makeRepo();
    fs.writeFileSync(
      path.join(repo.root, 'package.json'),
      '{\n  "name": "app",\n  "private": true\n}\n',
    );
    const init = spawnSync(
      process.execPath,
      [path.join(REPO_ROOT, 'node_modules/husky/bin.js'), 'init'],
      {
        cwd: repo.root,
        encoding: 'utf8',
      },
    );
    expect(init.status, init.stderr).toBe(0);
    expect(fs.readFileSync(path.join(repo.root, '.husky/pre-commit'), 'utf8')).toBe('npm test\n');
    // The project's own hook (husky init's `npm test` would fail in this bare package).
    fs.writeFileSync(path.join(repo.root, '.husky/pre-commit'), 'echo "project hook ran" >&2\n');
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '--no-verify', '-m', 'husky']);
    const beforeQlock = tree(path.join(repo.root, '.husky'));

    const q = await runQlock(['init'], { cwd: repo.root });
    expect(q.code, q.stderr).toBe(0);
    const preCommit = fs.readFileSync(path.join(repo.root, '.husky/pre-commit'), 'utf8');
    expect(preCommit.startsWith('# >>> qlock >>>\n')).toBe(true);
    expect(preCommit.endsWith('# <<< qlock <<<\necho "project hook ran" >&2\n')).toBe(true);
    expect(
      fs.readdirSync(path.join(repo.root, '.git/hooks')).every((f) => f.endsWith('.sample')),
    ).toBe(true);

    // Commit qlock's block, as `qlock hooks install` tells husky users to: the hooks run in main.
    repo.git(['add', '.husky']);
    const commit = await gitRun(repo.root, ['commit', '-qm', 'qlock hooks']);
    expect(commit.code, commit.stderr).toBe(0);
    expect(commit.stderr).toContain('project hook ran');

    const sessions: Record<string, string> = {};
    for (const name of ['fa', 'fb']) {
      const r = await runQlock(['new', name, '--json'], { cwd: repo.root });
      expect(r.code, r.stderr).toBe(0);
      sessions[name] = JSON.parse(r.stdout).session.path;
    }
    const fb = sessions.fb!;
    expect(fs.existsSync(path.join(fb, '.husky/pre-commit'))).toBe(true);
    // `qlock new` copied husky's untracked stubs (and qlock's reference-transaction beside them)
    // into the new worktrees: git runs the hooks there from the start.
    expect(tree(path.join(fb, '.husky/_'))).toEqual(tree(path.join(repo.root, '.husky/_')));
    const status = JSON.parse(
      (await runQlock(['hooks', 'status', '--json'], { cwd: repo.root })).stdout,
    ) as StatusJson;
    expect(status.mode).toBe('husky');
    expect(status.ok).toBe(true);
    expect(
      status.worktrees.map((w) => [w.session ?? 'main', w.runs, w.problems.map((p) => p.kind)]),
    ).toEqual([
      ['main', true, []],
      ['fa', true, []],
      ['fb', true, []],
    ]);

    // A worktree made by hand with autoJoin off lacks husky's stubs: git runs no hook there, and
    // qlock says so (doctor), and `doctor --fix` repairs it.
    fs.writeFileSync(path.join(repo.root, '.qsessionrc.json'), '{"autoJoin": false}\n');
    const fc = path.join(repo.parent, 'fc');
    repo.git(['worktree', 'add', '-q', '-b', 'fc', fc, 'main']);
    expect(fs.existsSync(path.join(fc, '.husky/_'))).toBe(false);
    const broken = JSON.parse(
      (await runQlock(['hooks', 'status', '--json'], { cwd: repo.root })).stdout,
    ) as StatusJson;
    expect(broken.ok).toBe(false);
    expect(broken.worktrees.find((w) => w.path === fc)?.problems.map((p) => p.kind)).toEqual([
      'husky-missing',
    ]);
    const doctor = await runQlock(['doctor'], { cwd: fc });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain(`${fc}: husky's .husky/_ is missing`);
    expect(doctor.stdout).toContain('`npx husky`');
    const fixed = await runQlock(['doctor', '--fix'], { cwd: fc });
    expect(fixed.code, fixed.stdout).toBe(0);
    expect(fixed.stdout).toContain("copied husky's stubs");
    const healthy = JSON.parse(
      (await runQlock(['hooks', 'status', '--json'], { cwd: fb })).stdout,
    ) as StatusJson;
    expect(healthy.ok).toBe(true);
    fs.rmSync(path.join(repo.root, '.qsessionrc.json'));

    expect(
      (await runQlock(['lock', 'src/a.txt', '--reason', 'fa rewrites a'], { cwd: sessions.fa! }))
        .code,
    ).toBe(0);

    // Now husky runs the block first: the locked file is blocked, the project hook never runs.
    const head = repo.git(['rev-parse', 'HEAD'], fb);
    fs.appendFileSync(path.join(fb, 'src/a.txt'), 'checked now\n');
    const blocked = await gitRun(fb, ['commit', '-qam', 'a']);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('qlock: commit blocked: 1 path(s) locked by another session:');
    expect(blocked.stderr).toContain('src/a.txt: locked by fa (reason: fa rewrites a');
    expect(blocked.stderr).toContain('husky - pre-commit script failed (code 1)');
    expect(blocked.stderr).not.toContain('project hook ran');
    expect(repo.git(['rev-parse', 'HEAD'], fb)).toBe(head);

    repo.git(['checkout', '--', 'src/a.txt'], fb);
    fs.appendFileSync(path.join(fb, 'README.md'), 'free\n');
    const free = await gitRun(fb, ['commit', '-qam', 'readme']);
    expect(free.code, free.stderr).toBe(0);
    expect(free.stderr).toContain('project hook ran');

    // HUSKY=0 turns husky off, and qlock's block with it (it lives in husky's files).
    fs.appendFileSync(path.join(fb, 'src/a.txt'), 'husky off\n');
    expect((await gitRun(fb, ['commit', '-qam', 'a'], { HUSKY: '0' })).code).toBe(0);

    // git merge into main through husky's pre-merge-commit and post-merge: fb's work touches
    // src/a.txt, which fa (a third session) holds.
    const main = repo.git(['rev-parse', 'HEAD']);
    const merge = await gitRun(repo.root, ['merge', '--no-ff', '-m', 'merge fb', 'qlock/fb']);
    expect(merge.code).toBe(1);
    expect(merge.stderr).toContain('qlock: merge blocked: 1 path(s) locked by another session:');
    expect(merge.stderr).toContain('src/a.txt: locked by fa (reason: fa rewrites a');
    expect(merge.stderr).toContain('husky - pre-merge-commit script failed (code 1)');
    expect(repo.git(['rev-parse', 'HEAD'])).toBe(main);
    repo.git(['merge', '--abort']);
    expect((await runQlock(['unlock', 'src/a.txt'], { cwd: sessions.fa! })).code).toBe(0);
    const merged = await gitRun(repo.root, ['merge', '--no-ff', '-m', 'merge fb', 'qlock/fb']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr).toContain('qlock: main moved; told fa');
    expect(repo.git(['rev-list', '--count', `${main}..HEAD`])).toBe('3');

    const un = await runQlock(['hooks', 'uninstall'], { cwd: repo.root });
    expect(un.code, un.stderr).toBe(0);
    expect(tree(path.join(repo.root, '.husky'))).toEqual(beforeQlock);
  });
});
