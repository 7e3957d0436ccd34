import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { updateRegistry } from '../../src/store/registry.js';
import { gitSyncIn, makeRepo, type Repo, REPO_ROOT, runQlock, tempDir } from '../helpers/repo.js';

/**
 * `qlock doctor` on broken setups, through the built CLI: each problem is detected with its fix,
 * and `--fix` repairs only the safe ones, after which doctor checks again (exit 0 when healthy).
 */

interface Finding {
  check: string;
  ok: boolean;
  message: string;
  fix?: string;
  fixed?: string;
  canFix?: boolean;
}
interface DoctorJson {
  ok: boolean;
  exitCode: number;
  findings: Finding[];
}

async function doctor(cwd: string, ...args: string[]) {
  const r = await runQlock(['doctor', '--json', ...args], { cwd });
  expect(r.stderr).toBe('');
  const json = JSON.parse(r.stdout) as DoctorJson;
  expect(r.code).toBe(json.ok ? 0 : 1);
  return json;
}

const failures = (d: DoctorJson) => d.findings.filter((f) => !f.ok && !f.fixed);

async function q(cwd: string, ...args: string[]) {
  const r = await runQlock(args, { cwd });
  expect(r.code, `qlock ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}

async function project(...sessions: string[]): Promise<{ repo: Repo; paths: string[] }> {
  const repo = makeRepo();
  await q(repo.root, 'init');
  const paths: string[] = [];
  for (const name of sessions) {
    const r = await q(repo.root, 'new', name, '--json');
    paths.push((JSON.parse(r.stdout) as { session: { path: string } }).session.path);
  }
  return { repo, paths };
}

describe('qlock doctor', () => {
  it('a healthy project: every check ok, exit 0, each area reported', async () => {
    const { repo } = await project('a', 'b');
    const d = await doctor(repo.root);
    expect(failures(d)).toEqual([]);
    expect(d.ok).toBe(true);
    const checks = new Set(d.findings.map((f) => f.check));
    for (const check of [
      'config',
      'git',
      'state',
      'sessions',
      'locks',
      'watch',
      'hooks',
      'conflicts',
    ])
      expect(checks, check).toContain(check);
    const git = d.findings.find((f) => f.check === 'git')!;
    expect(git.message).toMatch(/^git \d+\.\d+/);
    // inotify limits against the repository's size (Linux): the count of watches is named.
    const watch = d.findings.find((f) => f.check === 'watch' && /inotify/.test(f.message));
    if (fs.existsSync('/proc/sys/fs/inotify/max_user_watches'))
      expect(watch?.message).toMatch(/needs about \d+ inotify watches for 2 sessions/);
    const text = await runQlock(['doctor'], { cwd: repo.root });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Everything looks right.');
  });

  it('a corrupt registry: named, and --fix restores the last good version keeping a backup', async () => {
    // registry.json.prev is the version before the last write: it has "a", not "b".
    const { repo } = await project('a', 'b');
    const stateDir = path.join(repo.root, '.git/qlock');
    const file = path.join(stateDir, 'registry.json');
    fs.writeFileSync(file, '{"version":1,"sess');
    const d = await doctor(repo.root);
    const state = failures(d).find((f) => f.check === 'state')!;
    expect(state.message).toContain(file);
    expect(state).toMatchObject({ canFix: true, fix: expect.stringContaining('--fix') });
    expect(fs.readFileSync(file, 'utf8')).toBe('{"version":1,"sess'); // not touched

    const fixed = await doctor(repo.root, '--fix');
    expect(fixed.ok).toBe(true);
    expect(fixed.findings.find((f) => f.fixed)?.fixed).toContain('restored the last good registry');
    expect(fs.readdirSync(stateDir).some((n) => n.startsWith('registry.json.corrupt-'))).toBe(true);
    const list = JSON.parse((await q(repo.root, 'list', '--json')).stdout) as {
      sessions: { name: string }[];
    };
    expect(list.sessions.map((s) => s.name)).toEqual(['a']);
  });

  it('an orphan session (worktree deleted by hand): detected, its lock still counts, --fix runs gc', async () => {
    const { repo, paths } = await project('gone', 'kept');
    await q(paths[0]!, 'lock', 'src/a.txt', '--reason', 'mine');
    // The user's own worktree (QLOCK=0: not auto-joined), absent for a moment.
    const own = path.join(repo.parent, 'own');
    gitSyncIn(repo.root, ['worktree', 'add', '-q', '-b', 'own', own], {
      ...process.env,
      QLOCK: '0',
    });
    repo.write('wip.txt', 'staged\n', own);
    repo.git(['add', 'wip.txt'], own);
    fs.renameSync(own, `${own}-away`);
    fs.rmSync(paths[0]!, { recursive: true, force: true });
    // Recently active: the absence may be temporary, so nothing is released by --fix.
    const recent = await doctor(repo.root, '--fix');
    const absent = failures(recent).find((f) => f.check === 'sessions')!;
    expect(absent).toMatchObject({ canFix: false, fix: expect.stringContaining('qlock rm gone') });
    expect((await q(repo.root, 'locks', '--json')).stdout).toContain('src/a.txt');
    await updateRegistry(path.join(repo.root, '.git', 'qlock'), ({ registry }) => {
      registry.sessions.gone!.lastSeen = new Date(Date.now() - 3 * 3_600_000).toISOString();
    });

    const d = await doctor(repo.root);
    const orphan = failures(d).find((f) => f.check === 'sessions')!;
    expect(orphan.message).toContain('session gone');
    expect(orphan.message).toContain(paths[0]!);
    expect(orphan).toMatchObject({ canFix: true, fix: expect.stringContaining('qlock gc') });
    const text = await runQlock(['doctor'], { cwd: repo.root });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('fix: qlock gc');
    expect(text.stdout).toMatch(/`qlock doctor --fix` applies the \d safe one\(s\)/);

    const fixed = await doctor(repo.root, '--fix');
    expect(failures(fixed)).toEqual([]);
    expect(fixed.findings.find((f) => f.check === 'sessions' && f.fixed)?.fixed).toContain(
      'unregistered gone',
    );
    const list = JSON.parse((await q(repo.root, 'list', '--json')).stdout) as {
      sessions: { name: string }[];
    };
    expect(list.sessions.map((s) => s.name)).toEqual(['kept']);
    expect((await q(repo.root, 'locks', '--json')).stdout).not.toContain('src/a.txt');
    expect(repo.git(['worktree', 'list'])).not.toContain(paths[0]!);
    fs.renameSync(`${own}-away`, own);
    expect(repo.git(['status', '--porcelain'], own)).toBe('A  wip.txt');
  });

  it('hooks not installed: flagged unless declined; hooks deleted by hand: --fix reinstalls', async () => {
    // A project set up by `qlock new` alone: its commits are not checked.
    const repo = makeRepo();
    await q(repo.root, 'new', 'a');
    const d = await doctor(repo.root);
    const hooks = failures(d).find((f) => f.check === 'hooks')!;
    expect(hooks.message).toContain('not installed');
    expect(hooks).toMatchObject({
      canFix: false,
      fix: expect.stringContaining('qlock hooks install'),
    });
    // Installing hooks is the user's decision: --fix does not do it.
    const after = await doctor(repo.root, '--fix');
    expect(failures(after).map((f) => f.check)).toEqual(['hooks']);
    expect(fs.existsSync(path.join(repo.root, '.git/hooks/pre-commit'))).toBe(false);

    // `qlock init --no-hooks` records the choice: reported, not failed.
    await q(repo.root, 'init', '--no-hooks');
    const declined = await doctor(repo.root);
    expect(declined.ok).toBe(true);
    expect(declined.findings.find((f) => f.check === 'hooks')?.message).toContain('declined');

    // Installed, then one hook deleted by hand: a safe fix reinstalls it.
    await q(repo.root, 'hooks', 'install');
    expect((await doctor(repo.root)).ok).toBe(true);
    fs.rmSync(path.join(repo.root, '.git/hooks/pre-commit'));
    const broken = await doctor(repo.root);
    expect(failures(broken).find((f) => f.check === 'hooks')).toMatchObject({ canFix: true });
    const repaired = await doctor(repo.root, '--fix');
    expect(repaired.ok).toBe(true);
    expect(fs.readFileSync(path.join(repo.root, '.git/hooks/pre-commit'), 'utf8')).toContain(
      'qlock',
    );

    // `qlock hooks uninstall` is a choice too.
    await q(repo.root, 'hooks', 'uninstall');
    expect((await doctor(repo.root)).ok).toBe(true);
  });

  it('husky: a linked worktree lacking .husky/_ runs no hook; named, and --fix copies the stubs', async () => {
    const repo = makeRepo();
    fs.writeFileSync(path.join(repo.root, 'package.json'), '{"name":"app","private":true}\n');
    const husky = spawnSync(
      process.execPath,
      [path.join(REPO_ROOT, 'node_modules/husky/bin.js'), 'init'],
      { cwd: repo.root, encoding: 'utf8' },
    );
    expect(husky.status, husky.stderr).toBe(0);
    fs.writeFileSync(path.join(repo.root, '.husky/pre-commit'), 'true\n');
    await q(repo.root, 'init');
    repo.commitAll('husky and qlock hooks');
    const made = await q(repo.root, 'new', 'wt', '--json');
    const wt = (JSON.parse(made.stdout) as { session: { path: string } }).session.path;
    // `qlock new` copied husky's untracked stubs; `git clean -fdx` there takes them away again.
    expect(fs.existsSync(path.join(wt, '.husky/_/h'))).toBe(true);
    repo.git(['clean', '-fdxq'], wt);
    expect(fs.existsSync(path.join(wt, '.husky/_'))).toBe(false);

    const d = await doctor(wt);
    const missing = failures(d).find((f) => f.check === 'hooks')!;
    expect(missing.message).toContain(wt);
    expect(missing.message).toContain('.husky/_');
    expect(missing.canFix).toBe(true);

    const fixed = await doctor(wt, '--fix');
    expect(fixed.ok).toBe(true);
    expect(fs.existsSync(path.join(wt, '.husky/_/pre-commit'))).toBe(true);
  });

  it('agent hooks gone from a session that had them: named, and --fix installs them again', async () => {
    const { repo } = await project();
    const made = await q(repo.root, 'new', 'ai', '--agent', 'claude', '--json');
    const wt = (JSON.parse(made.stdout) as { session: { path: string } }).session.path;
    const settings = path.join(wt, '.claude/settings.local.json');
    expect(fs.existsSync(settings)).toBe(true);
    expect((await doctor(repo.root)).ok).toBe(true);

    // `git clean -fdx` in the worktree removes the excluded, untracked config qlock wrote.
    repo.git(['clean', '-fdxq'], wt);
    expect(fs.existsSync(settings)).toBe(false);
    const d = await doctor(repo.root);
    const gone = failures(d).find((f) => f.check === 'agents')!;
    expect(gone.message).toContain('session ai');
    expect(gone.message).toContain('claude');
    expect(gone).toMatchObject({
      canFix: true,
      fix: expect.stringContaining('qlock agent install claude'),
    });

    const fixed = await doctor(repo.root, '--fix');
    expect(fixed.ok).toBe(true);
    expect(fs.readFileSync(settings, 'utf8')).toContain('agent-hook claude');

    // Uninstalled on purpose: nothing to report.
    await q(wt, 'agent', 'uninstall', 'claude');
    expect((await doctor(repo.root)).ok).toBe(true);
  });

  it('a stale watch.pid (the watcher was killed): named, and --fix removes it', async () => {
    const { repo } = await project('a');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const pid = Number(dead.stdout);
    const file = path.join(repo.root, '.git/qlock/watch.pid');
    fs.writeFileSync(
      file,
      JSON.stringify({
        pid,
        host: os.hostname(),
        cwd: repo.root,
        startedAt: '2026-01-01T00:00:00Z',
      }),
    );
    const d = await doctor(repo.root);
    const stale = failures(d).find((f) => f.check === 'watch')!;
    expect(stale.message).toContain(String(pid));
    expect(stale.canFix).toBe(true);
    const fixed = await doctor(repo.root, '--fix');
    expect(fixed.ok).toBe(true);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('an old git: the version and the missing merge-tree --write-tree are both named', async () => {
    const { repo } = await project('a');
    // A git that says it is 2.30 but otherwise forwards to the real one.
    const bin = tempDir('qlock-fake-git');
    const real = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
    fs.writeFileSync(
      path.join(bin, 'git'),
      // qlock puts `-c key=value` pairs before the subcommand.
      `#!/bin/sh\nfor a in "$@"; do case "$a" in version|--version) echo "git version 2.30.1"; exit 0;; -c|*=*) ;; *) break;; esac; done\nexec ${real} "$@"\n`,
      { mode: 0o755 },
    );
    const r = await runQlock(['doctor', '--json'], {
      cwd: repo.root,
      env: { PATH: `${bin}:${process.env.PATH}` },
    });
    const d = JSON.parse(r.stdout) as DoctorJson;
    expect(r.code).toBe(1);
    const git = failures(d).find((f) => f.check === 'git')!;
    expect(git.message).toContain('git 2.30.1 is too old');
    expect(git.fix).toContain('2.36');
    const mergeTree = failures(d).find((f) => f.check === 'conflicts')!;
    expect(mergeTree.message).toContain('2.30.1');
    expect(mergeTree.fix).toBeTruthy();
  });

  it('outside a project: one clear line and exit 1; a broken config is a finding, not a crash', async () => {
    const outside = await runQlock(['doctor'], { cwd: tempDir() });
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain('qlock init');
    const { repo } = await project('a');
    fs.writeFileSync(path.join(repo.root, '.qsessionrc.json'), '{"maxSessions": "many"}\n');
    const d = await doctor(repo.root);
    const config = failures(d).find((f) => f.check === 'config')!;
    expect(config.message).toContain('.qsessionrc.json');
    expect(config.message).toContain('maxSessions');
  });
});
