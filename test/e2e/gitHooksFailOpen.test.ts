import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { renderRunner, runnerPath } from '../../src/hooks/runner.js';
import { makeRepo, type Repo, REPO_ROOT, runQlock, tempDir } from '../helpers/repo.js';
import { gitRun } from './gitHooksHelpers.js';

/**
 * What a commit does when qlock cannot answer: qlock missing, qlock crashing before its handler
 * runs, a failure inside the handler; fail open with one line by default, blocked with
 * failClosed. A deliberate block is never mistaken for a crash, and the runner finds qlock
 * through paths with spaces, quotes and unicode.
 */

interface Setup {
  repo: Repo;
  fa: string;
  fb: string;
  stateDir: string;
}

async function setup(name?: string): Promise<Setup> {
  const repo = makeRepo(name ? { name } : {});
  for (const args of [['init'], ['new', 'fa'], ['new', 'fb']]) {
    const r = await runQlock(args, { cwd: repo.root });
    expect(r.code, r.stderr).toBe(0);
  }
  const list = JSON.parse((await runQlock(['list', '--json'], { cwd: repo.root })).stdout) as {
    sessions: { name: string; path: string }[];
  };
  const dir = (n: string) => list.sessions.find((s) => s.name === n)!.path;
  return { repo, fa: dir('fa'), fb: dir('fb'), stateDir: path.join(repo.root, '.git', 'qlock') };
}

/** Points the installed runner at another node / bin, keeping the rest as installed. */
function rewriteRunner(
  stateDir: string,
  target: { node?: string; bin?: string },
  failClosed = false,
) {
  fs.writeFileSync(
    runnerPath(stateDir),
    renderRunner({
      node: target.node ?? process.execPath,
      bin: target.bin ?? path.join(REPO_ROOT, 'bin/qlock.js'),
      failClosed,
    }),
  );
}

/** PATH without any `qlock` on it (the test's PATH may carry node_modules/.bin). */
function pathWithoutQlock(): string {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((d) => !fs.existsSync(path.join(d, 'qlock')))
    .join(path.delimiter);
}

function setConfig(repo: Repo, config: Record<string, unknown>) {
  fs.writeFileSync(path.join(repo.root, '.qsessionrc.json'), JSON.stringify(config));
}

async function commitEdit(dir: string, file: string, env: NodeJS.ProcessEnv = {}) {
  fs.appendFileSync(path.join(dir, file), `edit ${Date.now()}\n`);
  return gitRun(dir, ['commit', '-qam', `edit ${file}`], env);
}

describe('git hooks when qlock cannot answer', () => {
  it('qlock missing: the commit goes ahead with one line, or is blocked with failClosed', async () => {
    const { repo, fb, stateDir } = await setup();
    rewriteRunner(stateDir, { bin: path.join(tempDir('gone'), 'qlock.js') });
    const env = { PATH: pathWithoutQlock() };
    const head = repo.git(['rev-parse', 'HEAD'], fb);

    const open = await commitEdit(fb, 'src/a.txt', env);
    expect(open.code).toBe(0);
    expect(open.stderr.trim().split('\n')).toHaveLength(1);
    expect(open.stderr).toMatch(
      /^qlock: pre-commit hook skipped: qlock was not found at .*qlock\.js nor on PATH;/,
    );
    expect(repo.git(['rev-list', '--count', `${head}..HEAD`], fb)).toBe('1');

    const off = await commitEdit(fb, 'src/a.txt', { ...env, QLOCK: '0' });
    expect(off.code).toBe(0);
    expect(off.stderr).toBe('');

    rewriteRunner(stateDir, { bin: path.join(tempDir('gone'), 'qlock.js') }, true);
    const closed = await commitEdit(fb, 'src/a.txt', env);
    expect(closed.code).toBe(1);
    expect(closed.stderr).toContain('pre-commit hook blocked: qlock was not found');
    expect(closed.stderr).toContain('failClosed is set');
    expect(repo.git(['rev-list', '--count', `${head}..HEAD`], fb)).toBe('2');
    // post-* hooks never fail, failClosed or not.
    const merged = await gitRun(repo.root, ['merge', '-q', '--ff-only', 'qlock/fb'], env);
    expect(merged.code).toBe(0);
  });

  it('qlock crashing before its handler runs: one line and go ahead; blocked with failClosed', async () => {
    const { repo, fb, stateDir } = await setup();
    const crash = path.join(tempDir('crash'), 'qlock.js');
    fs.writeFileSync(crash, "throw new Error('boom: a broken install');\n");
    rewriteRunner(stateDir, { bin: crash });

    const open = await commitEdit(fb, 'src/a.txt');
    expect(open.code).toBe(0);
    expect(open.stderr.trim()).toBe(
      'qlock: pre-commit hook failed (exit 1); continuing without its checks. Run again with QLOCK_DEBUG=1 to see why.',
    );
    const debug = await commitEdit(fb, 'src/a.txt', { QLOCK_DEBUG: '1' });
    expect(debug.code).toBe(0);
    expect(debug.stderr).toContain('boom: a broken install');

    rewriteRunner(stateDir, { bin: crash }, true);
    const head = repo.git(['rev-parse', 'HEAD'], fb);
    const closed = await commitEdit(fb, 'src/a.txt');
    expect(closed.code).toBe(1);
    expect(closed.stderr).toContain('pre-commit hook failed (exit 1) and failClosed is set');
    expect(repo.git(['rev-parse', 'HEAD'], fb)).toBe(head);
  });

  it('a failure inside the handler fails open with its reason, or closed with failClosed', async () => {
    const { repo, fb, stateDir } = await setup();
    fs.writeFileSync(path.join(stateDir, 'registry.json'), '{ "version": 1, "sessions": ');

    const open = await commitEdit(fb, 'src/a.txt');
    expect(open.code).toBe(0);
    expect(open.stderr.trim().split('\n')).toHaveLength(1);
    expect(open.stderr).toMatch(
      /^qlock: pre-commit hook failed \(The qlock state file .*registry\.json is corrupt .*\); continuing without its checks/,
    );

    setConfig(repo, { failClosed: true });
    const head = repo.git(['rev-parse', 'HEAD'], fb);
    const closed = await commitEdit(fb, 'src/a.txt');
    expect(closed.code).toBe(1);
    expect(closed.stderr).toContain('failClosed is set, so this is blocked');
    expect(closed.stderr).toContain('`git commit --no-verify`');
    expect(repo.git(['rev-parse', 'HEAD'], fb)).toBe(head);
    // qlock noticed that the runner recorded failClosed: off, and rewrote it.
    expect(fs.readFileSync(runnerPath(stateDir), 'utf8')).toContain('qlock_fail_closed=1');
  });

  it('a deliberate block is not a crash: it blocks even when failing open, and only then', async () => {
    const { repo, fa, fb } = await setup();
    const lock = await runQlock(['lock', 'src/a.txt', '--reason', 'mine'], { cwd: fa });
    expect(lock.code, lock.stderr).toBe(0);
    const head = repo.git(['rev-parse', 'HEAD'], fb);
    const blocked = await commitEdit(fb, 'src/a.txt');
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('commit blocked');
    expect(blocked.stderr).not.toContain('hook failed');
    expect(repo.git(['rev-parse', 'HEAD'], fb)).toBe(head);
    // Run by hand (no runner), a block exits 1 as DESIGN.md says.
    repo.git(['add', 'src/a.txt'], fb);
    const direct = await runQlock(['hook', 'pre-commit'], { cwd: fb });
    expect(direct.code).toBe(1);
    expect(direct.stderr).toContain('commit blocked');
  });

  it('finds node and qlock through paths with spaces, quotes and unicode', async () => {
    const { repo, fa, fb, stateDir } = await setup("my repo é's");
    const tools = tempDir("tools dir ü 'q'");
    const bin = path.join(tools, 'the qlock.js');
    const node = path.join(tools, 'node bin');
    fs.symlinkSync(path.join(REPO_ROOT, 'bin/qlock.js'), bin);
    fs.symlinkSync(process.execPath, node);
    rewriteRunner(stateDir, { node, bin });
    expect((await runQlock(['lock', 'src/b.txt'], { cwd: fa })).code).toBe(0);
    const blocked = await commitEdit(fb, 'src/b.txt', { PATH: pathWithoutQlock() });
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('src/b.txt: locked by fa');
    expect(repo.root).toContain("my repo é's");
  });

  it('unknown hook names from another qlock version never stop git', async () => {
    const { fb } = await setup();
    const viaRunner = await runQlock(['hook', 'pre-rebase', 'main'], {
      cwd: fb,
      env: { QLOCK_HOOK_RUNNER: '1' },
    });
    expect(viaRunner.code).toBe(0);
    const byHand = await runQlock(['hook', 'pre-rebase'], { cwd: fb });
    expect(byHand.code).toBe(2);
    expect(byHand.stderr).toContain('Unknown git hook "pre-rebase"');
  });
});
