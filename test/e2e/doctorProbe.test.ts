import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { makeRepo, runQlock } from '../helpers/repo.js';

/**
 * `qlock doctor` verifies the hooks by running them (issue 21, point 2): it runs the pre-commit
 * file git would run in each worktree with QLOCK_PROBE set; qlock answers there without side
 * effects and stops the file, so the project's own hook does not run. A file that holds qlock's
 * block but never reaches it (here an early `exit 0` before the block) looks right on disk and is
 * reported only because doctor ran it.
 */
describe('doctor probes the hooks by running them', () => {
  it('reports a hook that never reaches qlock, is silent on a working one, runs nothing else', async () => {
    const repo = makeRepo();
    const hook = path.join(repo.root, '.git/hooks/pre-commit');
    const marker = path.join(repo.parent, 'project-hook-ran');
    fs.writeFileSync(hook, `#!/bin/sh\ntouch ${JSON.stringify(marker)}\n`, { mode: 0o755 });
    expect((await runQlock(['init'], { cwd: repo.root })).code).toBe(0);
    expect((await runQlock(['new', 'alpha'], { cwd: repo.root })).code).toBe(0);

    const ok = await runQlock(['doctor'], { cwd: repo.root });
    expect(ok.stdout).toMatch(/ok {4}hooks: git hooks installed in .*all 2 worktree\(s\) run them/);
    expect(ok.stdout).not.toContain('did not reach qlock');
    // The probe stopped the hook after qlock's block: the project's own line never ran.
    expect(fs.existsSync(marker)).toBe(false);

    // An early exit before qlock's block: every file still "has the block".
    const text = fs.readFileSync(hook, 'utf8');
    fs.writeFileSync(hook, text.replace('#!/bin/sh\n', '#!/bin/sh\nexit 0\n'));
    const broken = await runQlock(['doctor'], { cwd: repo.root });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`${repo.root}: git's ${hook} did not reach qlock`);
    expect((await runQlock(['hooks', 'status', '--json'], { cwd: repo.root })).stdout).toContain(
      '"ok": true',
    );
    fs.writeFileSync(hook, text);
    expect((await runQlock(['doctor'], { cwd: repo.root })).stdout).not.toContain(
      'did not reach qlock',
    );
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('probes every hook qlock relies on, and names exactly the one that does not fire', async () => {
    const repo = makeRepo();
    expect((await runQlock(['init'], { cwd: repo.root })).code).toBe(0);
    expect((await runQlock(['new', 'alpha'], { cwd: repo.root })).code).toBe(0);
    const hooks = path.join(repo.root, '.git/hooks');
    const ok = await runQlock(['doctor'], { cwd: repo.root });
    expect(ok.stdout, ok.stdout).not.toContain('did not reach qlock');

    for (const name of ['post-merge', 'reference-transaction', 'post-checkout']) {
      const hook = path.join(hooks, name);
      const text = fs.readFileSync(hook, 'utf8');
      fs.writeFileSync(hook, text.replace('#!/bin/sh\n', '#!/bin/sh\nexit 0\n'));
      const broken = await runQlock(['doctor'], { cwd: repo.root });
      expect(broken.code, name).toBe(1);
      const reported = broken.stdout.split('\n').filter((l) => l.includes('did not reach qlock'));
      // Both worktrees share .git/hooks: one line, naming this hook's file and no other.
      expect(reported.length, broken.stdout).toBe(1);
      for (const line of reported) expect(line).toContain(`git's ${hook} did not reach qlock`);
      fs.writeFileSync(hook, text);
    }
    expect((await runQlock(['doctor'], { cwd: repo.root })).stdout).not.toContain(
      'did not reach qlock',
    );
  });

  it('starts node once per run, not per hook, and names a node that does not run qlock as such', async () => {
    const repo = makeRepo();
    expect((await runQlock(['init'], { cwd: repo.root })).code).toBe(0);
    expect((await runQlock(['new', 'alpha'], { cwd: repo.root })).code).toBe(0);
    expect((await runQlock(['new', 'beta'], { cwd: repo.root })).code).toBe(0);
    const runner = path.join(repo.root, '.git/qlock/hooks/run.sh');
    const original = fs.readFileSync(runner, 'utf8');
    const nodeLine = /^qlock_node=.*$/m.exec(original)![0];
    // A node that logs each start and then runs qlock as the real one would.
    const log = path.join(repo.parent, 'node-starts');
    const wrapper = path.join(repo.parent, 'node-wrapper');
    fs.writeFileSync(
      wrapper,
      `#!/bin/sh\nprintf '%s\\n' "$3" >>${JSON.stringify(log)}\nexec ${JSON.stringify(process.execPath)} "$@"\n`,
      { mode: 0o755 },
    );
    fs.writeFileSync(runner, original.replace(nodeLine, `qlock_node='${wrapper}'`));
    const ok = await runQlock(['doctor'], { cwd: repo.root });
    expect(ok.stdout, ok.stdout).not.toContain('did not reach qlock');
    expect(ok.code, ok.stdout).toBe(0);
    // Eleven hooks probed in three worktrees: node started once, by doctor, as the runner would.
    expect(fs.readFileSync(log, 'utf8')).toBe('pre-commit\n');

    // That one start is a real question: a node that does not run qlock is named as the node
    // (every hook fails with it), not as a hook file that does not reach qlock.
    fs.writeFileSync(wrapper, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const silent = await runQlock(['doctor'], { cwd: repo.root });
    expect(silent.code).toBe(1);
    expect(silent.stdout).not.toContain('did not reach qlock');
    expect(silent.stdout).toContain(`the hooks run \`${wrapper} `);
    expect(silent.stdout).toContain('which did not run qlock when doctor started it');
    expect(silent.stdout.match(/^fail {2}hooks:/gm), silent.stdout).toHaveLength(1);
  });
});
