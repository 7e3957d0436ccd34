import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { BIN, runQlock, tempDir, waitFor } from '../helpers/repo.js';

/**
 * `qlock demo`: the README's "main job" command. It runs offline in seconds, walks through every
 * section with real git and the real CLI, and leaves nothing behind unless --keep. Each run gets
 * a private TMPDIR, so "nothing behind" is checked exactly.
 */

const SECTIONS = [
  '== 1. A repository and three AI sessions',
  '== 2. Two sessions edit the same file: an overlap',
  '== 3. A lock, and a commit from another session blocked by the pre-commit hook',
  '== 4. A conflict predicted from uncommitted work',
  '== 5. Main moves under a session, and its inbox says so',
  "== 6. An AI agent's write blocked by its pre-write hook",
];

/** PATH without any `qlock` on it (as for someone who ran `npx qlock demo` in a checkout). */
const PATH_WITHOUT_QLOCK = (process.env.PATH ?? '')
  .split(path.delimiter)
  .filter((dir) => dir && !fs.existsSync(path.join(dir, 'qlock')))
  .join(path.delimiter);

async function demo(args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const tmp = tempDir('qlock-demo-tmp');
  const cwd = tempDir('qlock-demo-cwd');
  const r = await runQlock(['demo', ...args], {
    cwd,
    env: { TMPDIR: tmp, PATH: PATH_WITHOUT_QLOCK, ...env },
    timeoutMs: 120_000,
  });
  return { ...r, tmp, cwd };
}

/** The command inside the last `…` of the text, run by a shell as the user would paste it. */
function runSuggested(text: string, env: NodeJS.ProcessEnv) {
  const command = [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
  const r = spawnSync('sh', ['-c', command.at(-1)!], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { command: command.at(-1)!, code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('qlock demo', () => {
  it('walks through all six sections, each step checked, and removes its directory', async () => {
    const r = await demo();
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stderr).toBe('');
    let at = -1;
    for (const section of SECTIONS) {
      const next = r.stdout.indexOf(section);
      expect(next, section).toBeGreaterThan(at);
      at = next;
    }
    // The key lines of each section.
    expect(r.stdout).toMatch(/qlock list\n\s+alice\s+active/);
    expect(r.stdout).toMatch(/qlock who src\/app\.js\n[\s\S]*changed by:\n\s+alice\n\s+bob/);
    expect(r.stdout).toContain('alice ↔ bob: merges cleanly');
    expect(r.stdout).toContain('qlock: commit blocked: 1 path(s) locked by another session:');
    expect(r.stdout).toContain('src/util.js: locked by carol (reason: rewriting the helpers');
    expect(r.stdout).toContain('alice ↔ bob: conflict in src/app.js');
    expect(r.stdout).toMatch(
      /main-moved: main moved \(1 commit\): src\/app\.js changed under your work/,
    );
    // The payload is shown as the agent feeds it on the hook's stdin.
    expect(r.stdout).toMatch(/stdin: \{"session_id":"demo",.*"tool_name":"Write"/);
    expect(r.stdout).toContain('"permissionDecision":"deny"');
    expect(r.stdout).toContain('src/util.js is locked by session carol');
    expect(r.stdout).toContain('now removed');
    // qlock is not on this PATH: the next step names a command that exists, and how to get `qlock`.
    expect(r.stdout).toContain(`Next: \`node ${BIN} init\``);
    expect(r.stdout).toContain(`\`npm link\` in ${path.dirname(path.dirname(BIN))}`);
    // Nothing escapes the demo: its temporary directory is gone, the cwd untouched.
    expect(fs.readdirSync(r.tmp)).toEqual([]);
    expect(fs.readdirSync(r.cwd)).toEqual([]);
  });

  it('--keep keeps the repository and says where; --json gives the steps', async () => {
    const r = await demo(['--keep', '--json']);
    expect(r.code, r.stderr).toBe(0);
    // With --json the walkthrough goes to stderr; stdout is the result alone.
    expect(r.stderr).toContain(SECTIONS[0]);
    const result = JSON.parse(r.stdout) as {
      dir: string;
      kept: boolean;
      steps: { name: string; ok: boolean }[];
    };
    expect(result.kept).toBe(true);
    expect(result.steps.length).toBeGreaterThanOrEqual(8);
    expect(result.steps.every((s) => s.ok)).toBe(true);
    expect(path.dirname(result.dir)).toBe(fs.realpathSync(r.tmp));
    expect(fs.readdirSync(r.tmp)).toEqual([path.basename(result.dir)]);
    const repo = path.join(result.dir, 'shop');
    expect(r.stderr).toContain(`The demo repository is kept at ${repo}`);
    // The kept repository is a working qlock project.
    const status = await runQlock(['status', '--json'], { cwd: repo });
    expect(status.code, status.stderr).toBe(0);
    const names = (JSON.parse(status.stdout) as { sessions: { name: string }[] }).sessions.map(
      (s) => s.name,
    );
    expect(names).toEqual(['alice', 'bob', 'carol']);
    // The command it suggests works as pasted into a shell.
    const line = r.stderr.split('\n').find((l) => l.includes('is kept at'))!;
    const tried = runSuggested(line, { PATH: PATH_WITHOUT_QLOCK });
    // Shell-quoted only where needed: this temp path has nothing a shell would expand.
    expect(tried.command).toBe(`cd ${repo} && node ${BIN} status`);
    expect(tried.code, tried.stderr).toBe(0);
    expect(tried.stdout).toContain('carol');
  });

  it('with qlock on the PATH, the next step says plain `qlock`, and that works', async () => {
    const bin = tempDir('qlock-demo-bin');
    fs.symlinkSync(BIN, path.join(bin, 'qlock'));
    const PATH = `${bin}${path.delimiter}${PATH_WITHOUT_QLOCK}`;
    const r = await demo(['--keep'], { PATH });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('npm link');
    const line = r.stdout.split('\n').find((l) => l.includes('is kept at'))!;
    const tried = runSuggested(line, { PATH });
    expect(tried.command).toMatch(/&& qlock status$/);
    expect(tried.code, tried.stderr).toBe(0);
    expect(tried.stdout).toContain('alice');
  });

  it('Ctrl-C in the middle stops it, says so, and still removes its directory', async () => {
    const tmp = tempDir('qlock-demo-tmp');
    const child = spawn(process.execPath, [BIN, 'demo'], {
      cwd: tempDir('qlock-demo-cwd'),
      env: { ...process.env, TMPDIR: tmp },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await waitFor(() => stdout.includes(SECTIONS[2]!), 60_000);
    expect(fs.readdirSync(tmp)).toHaveLength(1); // the demo's directory, while it runs
    child.kill('SIGINT');
    const code = await closed;
    expect(code, stdout + stderr).toBe(1);
    expect(stderr).toBe(
      'qlock: The demo was stopped (SIGINT); its temporary directory is removed.\n',
    );
    expect(stdout).not.toContain(SECTIONS[5]);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});
