import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { gitSyncIn, makeRepo, type Repo, runQlock } from '../helpers/repo.js';
import { gitRun } from './gitHooksHelpers.js';

/**
 * The hook managers' rows of the signal matrix (issue 21, point 2): whatever manages the hooks
 * (plain .git/hooks with a hook of the user's, an absolute or a relative core.hooksPath, lefthook,
 * the pre-commit framework, simple-git-hooks; husky is in gitHooksHusky.test.ts), a session made by
 * `qlock new` really runs qlock's hooks: a commit of a path another session holds is blocked, a
 * free one goes through silently, the manager's own hook still runs and keeps its exit status.
 * Re-running the manager's own install afterwards: where it drops qlock, `qlock doctor` says so
 * and `doctor --fix` brings it back.
 *
 * The managers are the real ones: lefthook and simple-git-hooks from the npm registry (installed
 * once into a cache dir under the system temp dir), pre-commit from the Debian package
 * `pre-commit` (CI needs `apt-get install -y pre-commit`).
 */

const LOCKED = 'src/locked.txt';
const FREE = 'src/free.txt';
const TOOLS = path.join(os.tmpdir(), 'qlock-test-hook-managers');

/** An npm package's bin, installed once into TOOLS with the ordinary npm client. */
function npmBin(pkg: string, bin: string): string {
  const file = path.join(TOOLS, 'node_modules', '.bin', bin);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(TOOLS, { recursive: true });
    // --ignore-scripts, from TOOLS: lefthook's postinstall would run `lefthook install` in the
    // directory npm was started from (this checkout). Its binary comes in a package of its own.
    const r = spawnSync(
      'npm',
      ['install', '--prefix', TOOLS, '--no-audit', '--no-fund', '--ignore-scripts', pkg],
      { cwd: TOOLS, encoding: 'utf8', timeout: 240_000 },
    );
    if (r.status !== 0) throw new Error(`npm install ${pkg} failed: ${r.stderr}`);
  }
  return file;
}

function preCommitBin(): string {
  const r = spawnSync('sh', ['-c', 'command -v pre-commit'], { encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error('the pre-commit framework is missing: `apt-get install -y pre-commit`');
  return r.stdout.trim();
}

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, QLOCK: '0' } });
  expect(r.status, `${cmd} ${args.join(' ')}: ${r.stderr}${r.stdout}`).toBe(0);
  return r.stdout + r.stderr;
}

async function qlock(args: string[], cwd: string) {
  return runQlock(args, { cwd });
}

interface Manager {
  name: string;
  /** Sets the manager up in the main worktree (committed), with a pre-commit hook that prints
   * `<name> ran` and exits with $MGR_EXIT. */
  setup(repo: Repo): void;
  /** The manager's own install again (what a teammate's `npm install` does). */
  reinstall?(repo: Repo): void;
  /** Whether that reinstall drops qlock's block from a hook file. */
  drops: boolean;
}

const mgrHook = (name: string) => `echo "${name} ran" >&2; exit \${MGR_EXIT:-0}`;

const managers: Manager[] = [
  {
    name: 'plain .git/hooks',
    setup: (repo) => {
      const file = path.join(repo.root, '.git/hooks/pre-commit');
      fs.writeFileSync(file, `#!/bin/sh\n${mgrHook('plain')}\n`, { mode: 0o755 });
    },
    drops: false,
  },
  {
    name: 'absolute core.hooksPath',
    setup: (repo) => {
      const dir = path.join(repo.parent, 'shared-hooks');
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'pre-commit'), `#!/bin/sh\n${mgrHook('absolute')}\n`, {
        mode: 0o755,
      });
      repo.git(['config', 'core.hooksPath', dir]);
    },
    drops: false,
  },
  {
    name: 'relative core.hooksPath (untracked)',
    setup: (repo) => {
      fs.mkdirSync(path.join(repo.root, '.githooks'));
      fs.writeFileSync(
        path.join(repo.root, '.githooks/pre-commit'),
        `#!/bin/sh\n${mgrHook('relative')}\n`,
        { mode: 0o755 },
      );
      fs.appendFileSync(path.join(repo.root, '.git/info/exclude'), '.githooks/\n');
      repo.git(['config', 'core.hooksPath', '.githooks']);
    },
    drops: false,
  },
  {
    name: 'lefthook',
    setup: (repo) => {
      fs.writeFileSync(
        path.join(repo.root, 'lefthook.yml'),
        `pre-commit:\n  commands:\n    mine:\n      run: ${JSON.stringify(mgrHook('lefthook'))}\n`,
      );
      repo.commitAll('lefthook');
      run(npmBin('lefthook', 'lefthook'), ['install'], repo.root);
    },
    reinstall: (repo) => void run(npmBin('lefthook', 'lefthook'), ['install', '-f'], repo.root),
    drops: true,
  },
  {
    name: 'pre-commit framework',
    setup: (repo) => {
      fs.writeFileSync(
        path.join(repo.root, '.pre-commit-config.yaml'),
        [
          'repos:',
          '  - repo: local',
          '    hooks:',
          '      - id: mine',
          '        name: mine',
          `        entry: sh -c ${JSON.stringify(mgrHook('pre-commit'))}`,
          '        language: system',
          '        pass_filenames: false',
          '        always_run: true',
          '',
        ].join('\n'),
      );
      repo.commitAll('pre-commit config');
      run(preCommitBin(), ['install'], repo.root);
    },
    reinstall: (repo) => void run(preCommitBin(), ['install', '--overwrite'], repo.root),
    drops: true,
  },
  {
    name: 'simple-git-hooks',
    setup: (repo) => {
      fs.writeFileSync(
        path.join(repo.root, 'package.json'),
        JSON.stringify({
          name: 'app',
          private: true,
          'simple-git-hooks': { 'pre-commit': mgrHook('simple-git-hooks') },
        }),
      );
      repo.commitAll('simple-git-hooks');
      run(npmBin('simple-git-hooks', 'simple-git-hooks'), [], repo.root);
    },
    reinstall: (repo) => void run(npmBin('simple-git-hooks', 'simple-git-hooks'), [], repo.root),
    drops: true,
  },
];

/** The pair of commits every row makes in a session: locked (blocked), free (silent, ran). */
async function expectEnforced(repo: Repo, alpha: string, label: string): Promise<void> {
  const head = gitSyncIn(alpha, ['rev-parse', 'HEAD']);
  fs.appendFileSync(path.join(alpha, LOCKED), 'edit\n');
  const blocked = await gitRun(alpha, ['commit', '-qam', 'locked']);
  expect(blocked.code, `${label}: ${blocked.stderr}`).not.toBe(0);
  expect(blocked.stderr).toContain(`${LOCKED}: locked by beta`);
  expect(gitSyncIn(alpha, ['rev-parse', 'HEAD'])).toBe(head);
  repo.git(['checkout', '-q', '--', LOCKED], alpha);

  fs.appendFileSync(path.join(alpha, FREE), `${label}\n`);
  repo.git(['add', FREE], alpha);
  // The manager's own hook keeps its exit status...
  const failing = await gitRun(alpha, ['commit', '-qm', 'free'], { MGR_EXIT: '3' });
  expect(failing.code, failing.stderr).not.toBe(0);
  expect(failing.stderr).toMatch(/ ran/);
  expect(failing.stderr).not.toContain('locked by');
  // ...and runs on a free commit, which qlock leaves alone.
  const free = await gitRun(alpha, ['commit', '-qm', 'free']);
  expect(free.code, free.stderr).toBe(0);
  // (the pre-commit framework shows a passing hook's output only as "mine....Passed")
  expect(free.stderr + free.stdout).toMatch(/ ran|mine\.+Passed/);
  expect(free.stderr).not.toMatch(/qlock: (warning|.*blocked)/);
}

describe('signal matrix: hook managers', () => {
  it.each(managers.map((m) => [m.name, m] as const))(
    '%s: a new session runs qlock’s hooks and the manager’s; its reinstall is caught by doctor',
    async (_name, manager) => {
      const repo = makeRepo({ files: { [LOCKED]: 'l\n', [FREE]: 'f\n', 'README.md': 'r\n' } });
      manager.setup(repo);
      expect((await qlock(['init'], repo.root)).code).toBe(0);
      const paths: Record<string, string> = {};
      for (const name of ['alpha', 'beta']) {
        const r = await qlock(['new', name, '--json'], repo.root);
        expect(r.code, r.stderr).toBe(0);
        paths[name] = JSON.parse(r.stdout).session.path as string;
      }
      expect((await qlock(['lock', LOCKED], paths.beta!)).code).toBe(0);
      const doctor = await qlock(['doctor'], paths.alpha!);
      expect(doctor.stdout).toMatch(/ok {4}hooks: /);
      await expectEnforced(repo, paths.alpha!, manager.name);

      if (!manager.reinstall) return;
      manager.reinstall(repo);
      const after = await qlock(['doctor'], paths.alpha!);
      if (manager.drops) {
        expect(after.code).toBe(1);
        expect(after.stdout).toMatch(/fail {2}hooks: .*no qlock block in .*pre-commit/);
        const fixed = await qlock(['doctor', '--fix'], paths.alpha!);
        expect(fixed.code, fixed.stdout).toBe(0);
        expect(fixed.stdout).toContain("reinstalled qlock's hooks");
      } else expect(after.stdout).toMatch(/ok {4}hooks: /);
      await expectEnforced(repo, paths.alpha!, `${manager.name} after reinstall`);
    },
  );
});
