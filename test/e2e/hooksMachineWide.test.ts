import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { makeRepo, runQlock, tempDir } from '../helpers/repo.js';

/**
 * Issue 16: a core.hooksPath in the user's global git config names one directory that every
 * repository on the machine runs its hooks from. `qlock init` / `hooks install` do not write there
 * without --force (and say so), and `hooks uninstall` in one project leaves the blocks other
 * projects run. A real global config: GIT_CONFIG_GLOBAL in a temp dir.
 */

const USER_HOOK = '#!/bin/sh\necho "the user\'s own global pre-commit" >&2\n';

function machine() {
  const home = tempDir('home');
  const shared = path.join(home, 'global-hooks');
  fs.mkdirSync(shared);
  fs.writeFileSync(path.join(shared, 'pre-commit'), USER_HOOK, { mode: 0o755 });
  const gitconfig = path.join(home, '.gitconfig');
  fs.writeFileSync(
    gitconfig,
    fs.readFileSync(process.env.GIT_CONFIG_GLOBAL!, 'utf8') + `[core]\n\thooksPath = ${shared}\n`,
  );
  return { shared, env: { GIT_CONFIG_GLOBAL: gitconfig } };
}

/** Tries a commit in `root` with QLOCK_PROBE set: the file says whether git reached qlock's runner. */
function probeCommit(root: string, env: NodeJS.ProcessEnv) {
  const probe = path.join(tempDir('probe'), 'ran');
  fs.appendFileSync(path.join(root, 'README.md'), 'more\n');
  const r = spawnSync('git', ['commit', '-qam', 'probe'], {
    cwd: root,
    env: { ...process.env, ...env, QLOCK_PROBE: probe },
    encoding: 'utf8',
  });
  // With QLOCK_PROBE the runner answers and stops the hook (so the commit fails): doctor's probe.
  spawnSync('git', ['checkout', '--', 'README.md'], { cwd: root });
  return {
    ran: fs.existsSync(probe) && fs.readFileSync(probe, 'utf8').includes('pre-commit'),
    stderr: r.stderr,
  };
}

describe('a machine-wide core.hooksPath', () => {
  it('init and hooks install do not write there without --force; uninstall in one project keeps the others', async () => {
    const { shared, env } = machine();
    const hook = path.join(shared, 'pre-commit');
    const a = makeRepo();
    const b = makeRepo();

    // init: done, but no hooks in the shared dir, and it says why and what to do.
    const init = await runQlock(['init'], { cwd: a.root, env });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr).toContain(`Git runs hooks from ${shared}`);
    expect(init.stderr).toContain('global git config');
    expect(init.stderr).toContain('`qlock hooks install --force`');
    expect(init.stdout).toContain('Git hooks NOT installed');
    expect(fs.readdirSync(shared)).toEqual(['pre-commit']);
    expect(fs.readFileSync(hook, 'utf8')).toBe(USER_HOOK);
    // hooks install: refused, nothing written.
    const refused = await runQlock(['hooks', 'install'], { cwd: a.root, env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('`qlock hooks install --force`');
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(fs.readFileSync(hook, 'utf8')).toBe(USER_HOOK);

    // Forced, in both projects: one block, the user's hook kept; both run qlock.
    for (const repo of [a, b]) {
      if (repo === b)
        expect((await runQlock(['init', '--no-hooks'], { cwd: b.root, env })).code).toBe(0);
      const forced = await runQlock(['hooks', 'install', '--force'], { cwd: repo.root, env });
      expect(forced.code, forced.stderr).toBe(0);
      expect(forced.stdout).toContain('used by every repository on this machine');
      // Installed once: the second install does not need --force.
      expect((await runQlock(['hooks', 'install'], { cwd: repo.root, env })).code).toBe(0);
    }
    const installed = fs.readFileSync(hook, 'utf8');
    expect(installed.split('# >>> qlock >>>').length - 1).toBe(1);
    expect(installed).toContain("the user's own global pre-commit");
    expect(probeCommit(a.root, env).ran).toBe(true);
    expect(probeCommit(b.root, env).ran).toBe(true);

    // Uninstall in a: the shared blocks stay for b, a's hooks do nothing any more.
    const un = await runQlock(['hooks', 'uninstall'], { cwd: a.root, env });
    expect(un.code, un.stderr).toBe(0);
    expect(un.stdout).toContain(`qlock's blocks stay in ${shared}`);
    expect(un.stdout).toContain('`qlock hooks uninstall --force`');
    expect(fs.readFileSync(hook, 'utf8')).toBe(installed);
    expect(probeCommit(b.root, env).ran).toBe(true);
    const quietA = probeCommit(a.root, env);
    expect(quietA.ran).toBe(false);
    expect(quietA.stderr).toContain("the user's own global pre-commit");
    // Uninstalled is uninstalled here: no "runner missing" for doctor --fix to put back.
    const status = await runQlock(['hooks', 'status'], { cwd: a.root, env });
    expect(status.stdout).not.toContain('runner');
    const doctor = await runQlock(['doctor', '--json'], { cwd: a.root, env });
    expect(doctor.stdout).not.toContain('run.sh');

    // Forced uninstall (from b): the user's hook back byte for byte.
    const all = await runQlock(['hooks', 'uninstall', '--force'], { cwd: b.root, env });
    expect(all.code, all.stderr).toBe(0);
    expect(fs.readFileSync(hook, 'utf8')).toBe(USER_HOOK);
    expect(probeCommit(b.root, env).ran).toBe(false);
  });

  it("a core.hooksPath in the repository config is this repository's own: installed without a word", async () => {
    const repo = makeRepo();
    const own = path.join(tempDir('own-hooks'), 'hooks');
    repo.git(['config', 'core.hooksPath', own]);
    const init = await runQlock(['init'], { cwd: repo.root });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr).toBe('');
    expect(init.stdout).toContain('Git hooks installed');
    expect(fs.readFileSync(path.join(own, 'pre-commit'), 'utf8')).toContain('# >>> qlock >>>');
    const un = await runQlock(['hooks', 'uninstall'], { cwd: repo.root });
    expect(un.stdout).not.toContain('stay in');
    expect(fs.existsSync(path.join(own, 'pre-commit'))).toBe(false);
  });
});
