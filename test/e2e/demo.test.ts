import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { runQlock, tempDir } from '../helpers/repo.js';

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

async function demo(...args: string[]) {
  const tmp = tempDir('qlock-demo-tmp');
  const cwd = tempDir('qlock-demo-cwd');
  const r = await runQlock(['demo', ...args], {
    cwd,
    env: { TMPDIR: tmp },
    timeoutMs: 120_000,
  });
  return { ...r, tmp, cwd };
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
    expect(r.stdout).toContain('"permissionDecision":"deny"');
    expect(r.stdout).toContain('src/util.js is locked by session carol');
    expect(r.stdout).toContain('now removed');
    // Nothing escapes the demo: its temporary directory is gone, the cwd untouched.
    expect(fs.readdirSync(r.tmp)).toEqual([]);
    expect(fs.readdirSync(r.cwd)).toEqual([]);
  });

  it('--keep keeps the repository and says where; --json gives the steps', async () => {
    const r = await demo('--keep', '--json');
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
  });
});
