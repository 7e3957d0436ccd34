import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { BEGIN, MOVED_SUFFIX } from '../../src/hooks/hookBlock.js';
import { GIT_HOOKS } from '../../src/hooks/hookTable.js';
import { installHooks, uninstallHooks } from '../../src/hooks/installHooks.js';
import { manifestPath } from '../../src/hooks/manifest.js';
import { readRunner, runnerPath } from '../../src/hooks/runner.js';
import { findProject, type Project } from '../../src/project/findProject.js';
import { makeRepo, REPO_ROOT, tempDir } from '../helpers/repo.js';

/**
 * `qlock hooks install` / `uninstall` on real repositories: where the hooks go (plain .git/hooks,
 * husky set up by husky's own init, a custom core.hooksPath), chaining what is there, and
 * uninstall restoring every file byte for byte, mode and symlinks included.
 */

const HOOKS = Object.keys(GIT_HOOKS);

interface Entry {
  kind: 'file' | 'link' | 'dir';
  mode?: number;
  bytes?: string;
  target?: string;
}

/** Every entry below `dir`: kind, permission bits, bytes, symlink target. */
function snapshot(dir: string): Record<string, Entry> {
  const out: Record<string, Entry> = {};
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const r = path.join(rel, name);
      const full = path.join(dir, r);
      const st = fs.lstatSync(full);
      if (st.isSymbolicLink()) out[r] = { kind: 'link', target: fs.readlinkSync(full) };
      else if (st.isDirectory()) {
        out[r] = { kind: 'dir', mode: st.mode & 0o7777 };
        walk(r);
      } else
        out[r] = {
          kind: 'file',
          mode: st.mode & 0o7777,
          bytes: fs.readFileSync(full).toString('base64'),
        };
    }
  };
  walk('');
  return out;
}

function projectOf(dir: string): Project {
  return findProject(dir)!;
}

function writeHook(dir: string, name: string, content: string | Buffer, mode = 0o755): string {
  const file = path.join(dir, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, content);
  fs.chmodSync(file, mode);
  return file;
}

describe('hooks install / uninstall', () => {
  it('no hooks yet: creates one shim per hook, idempotently, and uninstall restores the directory', async () => {
    const repo = makeRepo();
    const project = projectOf(repo.root);
    const hooksDir = path.join(repo.root, '.git', 'hooks');
    const before = snapshot(hooksDir);

    const report = await installHooks(project);
    expect(report.mode).toBe('default');
    expect(report.dir).toBe(fs.realpathSync(hooksDir));
    expect(report.files.map((f) => [f.hook, f.change])).toEqual(HOOKS.map((h) => [h, 'created']));
    for (const hook of HOOKS) {
      const file = path.join(hooksDir, hook);
      expect(fs.statSync(file).mode & 0o111).toBe(0o111);
      expect(fs.readFileSync(file, 'utf8').startsWith(`#!/bin/sh\n${BEGIN}\n`)).toBe(true);
    }
    expect(readRunner(project.stateDir)?.bin).toBe(path.join(REPO_ROOT, 'bin', 'qlock.js'));

    const installed = snapshot(hooksDir);
    const again = await installHooks(project);
    expect(new Set(again.files.map((f) => f.change))).toEqual(new Set(['unchanged']));
    expect(snapshot(hooksDir)).toEqual(installed);

    // The hooks' caches (written while commits run) go with them.
    const { mergeBases } = await import('../../src/hooks/gitFacts.js');
    const head = repo.git(['rev-parse', 'HEAD']);
    await mergeBases(project.stateDir, repo.root, [[head, head]]);
    expect(fs.readdirSync(path.join(project.stateDir, 'hooks'))).toContain('merge-bases.json');

    const removed = await uninstallHooks(project);
    expect(new Set(removed.files.map((f) => f.change))).toEqual(new Set(['deleted']));
    expect(snapshot(hooksDir)).toEqual(before);
    expect(fs.existsSync(path.join(project.stateDir, 'hooks'))).toBe(false);
  });

  it('chains existing hooks of every kind and restores each byte for byte, modes and links too', async () => {
    const repo = makeRepo();
    const project = projectOf(repo.root);
    const hooksDir = path.join(repo.root, '.git', 'hooks');
    const elsewhere = writeHook(tempDir('qlock-hook-target'), 'lint.sh', '#!/bin/sh\nexit 0\n');
    writeHook(hooksDir, 'pre-commit', '#!/bin/sh\n# my linter\nnpx lint-staged\nexit 0\n');
    writeHook(hooksDir, 'post-checkout', 'echo "no shebang: git runs me with sh"\n');
    writeHook(hooksDir, 'pre-merge-commit', '#!/usr/bin/env python3\nprint("py")\n');
    writeHook(hooksDir, 'post-commit', '#!/bin/sh\necho disabled on purpose\n', 0o644);
    writeHook(hooksDir, 'post-rewrite', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0xff]));
    fs.symlinkSync(elsewhere, path.join(hooksDir, 'post-merge'));
    const before = snapshot(hooksDir);

    const report = await installHooks(project);
    const change = Object.fromEntries(report.files.map((f) => [f.hook, f.change]));
    expect(change).toMatchObject({
      'pre-commit': 'added',
      'post-checkout': 'added',
      'pre-merge-commit': 'wrapped',
      'post-commit': 'wrapped',
      'post-rewrite': 'wrapped',
      'post-merge': 'wrapped',
    });
    // Inline: the block right after the shebang, before the `exit 0` that would skip it.
    const preCommit = fs.readFileSync(path.join(hooksDir, 'pre-commit'), 'utf8');
    expect(preCommit.startsWith(`#!/bin/sh\n${BEGIN}\n`)).toBe(true);
    expect(preCommit.endsWith('# my linter\nnpx lint-staged\nexit 0\n')).toBe(true);
    // Wrapped: the original moved aside untouched, qlock's file calls it.
    expect(fs.readlinkSync(path.join(hooksDir, `post-merge${MOVED_SUFFIX}`))).toBe(elsewhere);
    expect(fs.statSync(path.join(hooksDir, `post-commit${MOVED_SUFFIX}`)).mode & 0o777).toBe(0o644);
    expect(fs.readFileSync(path.join(hooksDir, 'pre-merge-commit'), 'utf8')).toContain(
      `exec "$0${MOVED_SUFFIX}" "$@"`,
    );
    expect(fs.existsSync(manifestPath(project.stateDir))).toBe(true);

    await installHooks(project); // twice is the same as once
    await uninstallHooks(project);
    expect(snapshot(hooksDir)).toEqual(before);
  });

  it('keeps what the user added after install and takes out only the block', async () => {
    const repo = makeRepo();
    const project = projectOf(repo.root);
    const hooksDir = path.join(repo.root, '.git', 'hooks');
    const original = '#!/bin/bash\nset -euo pipefail\necho mine\n';
    writeHook(hooksDir, 'pre-commit', original);
    await installHooks(project);
    fs.appendFileSync(path.join(hooksDir, 'pre-commit'), 'echo added later\n');
    fs.appendFileSync(path.join(hooksDir, 'post-commit'), 'echo the user kept this one\n');

    const report = await uninstallHooks(project);
    const change = Object.fromEntries(report.files.map((f) => [f.hook, f.change]));
    expect(change['pre-commit']).toBe('removed');
    expect(change['post-commit']).toBe('removed');
    expect(change['post-merge']).toBe('deleted');
    expect(fs.readFileSync(path.join(hooksDir, 'pre-commit'), 'utf8')).toBe(
      `${original}echo added later\n`,
    );
    expect(fs.readFileSync(path.join(hooksDir, 'post-commit'), 'utf8')).toBe(
      '#!/bin/sh\necho the user kept this one\n',
    );
  });

  it('uninstalls from the marked blocks alone when the manifest is gone', async () => {
    const repo = makeRepo();
    const project = projectOf(repo.root);
    const hooksDir = path.join(repo.root, '.git', 'hooks');
    writeHook(hooksDir, 'pre-commit', '#!/bin/sh\necho mine\n');
    writeHook(hooksDir, 'post-commit', '#!/usr/bin/env python3\nprint(1)\n');
    const before = snapshot(hooksDir);
    await installHooks(project);
    fs.rmSync(manifestPath(project.stateDir));
    await uninstallHooks(project);
    expect(snapshot(hooksDir)).toEqual(before);
  });

  it('a reinstall after the manifest was lost still uninstalls to the original bytes', async () => {
    const repo = makeRepo();
    const project = projectOf(repo.root);
    const hooksDir = path.join(repo.root, '.git', 'hooks');
    writeHook(hooksDir, 'pre-commit', '#!/bin/sh\necho mine\n');
    writeHook(hooksDir, 'post-commit', '#!/usr/bin/env python3\nprint(1)\n');
    const before = snapshot(hooksDir);
    await installHooks(project);
    fs.rmSync(manifestPath(project.stateDir));
    // `qlock init` again, or doctor --fix: the blocks are there, the record of them is not.
    const again = await installHooks(project);
    expect(new Set(again.files.map((f) => f.change))).toEqual(new Set(['unchanged']));
    await uninstallHooks(project);
    expect(snapshot(hooksDir)).toEqual(before);
  });

  it('refuses, changing nothing, when a hook would be moved onto an existing .pre-qlock file', async () => {
    const repo = makeRepo();
    const project = projectOf(repo.root);
    const hooksDir = path.join(repo.root, '.git', 'hooks');
    writeHook(hooksDir, 'post-commit', '#!/usr/bin/env python3\n');
    writeHook(hooksDir, `post-commit${MOVED_SUFFIX}`, 'old\n');
    const before = snapshot(hooksDir);
    await expect(installHooks(project)).rejects.toThrow(/pre-qlock already exists/);
    expect(snapshot(hooksDir)).toEqual(before);
    expect(fs.existsSync(runnerPath(project.stateDir))).toBe(false);
  });

  it("husky 9 set up by husky's own init: the block goes into .husky/<hook>, husky's stubs stay untouched", async () => {
    const repo = makeRepo();
    fs.writeFileSync(path.join(repo.root, 'package.json'), '{\n  "name": "x"\n}\n');
    const init = spawnSync(
      process.execPath,
      [path.join(REPO_ROOT, 'node_modules/husky/bin.js'), 'init'],
      {
        cwd: repo.root,
        encoding: 'utf8',
      },
    );
    expect(init.status, init.stderr).toBe(0);
    expect(repo.git(['config', 'core.hooksPath'])).toBe('.husky/_');
    const husky = path.join(repo.root, '.husky');
    const before = snapshot(husky);
    const project = projectOf(repo.root);

    const report = await installHooks(project);
    expect(report.mode).toBe('husky');
    expect(report.dir).toBe(husky);
    const change = Object.fromEntries(report.files.map((f) => [f.hook, f.change]));
    expect(change['pre-commit']).toBe('added');
    expect(change['post-commit']).toBe('created');
    // husky runs .husky/<hook> with `sh -e`: no shebang needed, the user's line still runs.
    const preCommit = fs.readFileSync(path.join(husky, 'pre-commit'), 'utf8');
    expect(preCommit.startsWith(`${BEGIN}\n`)).toBe(true);
    expect(preCommit.endsWith('npm test\n')).toBe(true);
    expect(report.notes.join('\n')).toMatch(/commit them/);
    // Nothing was written into .git/hooks, which git ignores while core.hooksPath is set.
    expect(fs.existsSync(path.join(repo.root, '.git/hooks/pre-commit'))).toBe(false);
    // husky's own stubs stay untouched; reference-transaction, for which husky has no stub, goes
    // straight into .husky/_ (git runs it from there), beside them.
    expect(change['reference-transaction']).toBe('created');
    for (const name of fs.readdirSync(path.join(husky, '_')))
      if (name !== 'reference-transaction')
        expect(snapshot(husky)[path.join('_', name)]).toEqual(before[path.join('_', name)]);
    expect(before[path.join('_', 'reference-transaction')]).toBeUndefined();
    expect(fs.existsSync(path.join(husky, 'reference-transaction'))).toBe(false);

    await uninstallHooks(project);
    expect(snapshot(husky)).toEqual(before);
  });

  it('a custom core.hooksPath: installs there (creating it when needed) and restores it', async () => {
    const repo = makeRepo();
    const custom = path.join(tempDir('qlock-hookspath'), 'my hooks ü');
    writeHook(custom, 'pre-commit', '#!/bin/sh\necho custom\n');
    writeHook(custom, 'README', 'not a hook\n', 0o644);
    repo.git(['config', 'core.hooksPath', custom]);
    const project = projectOf(repo.root);
    const before = snapshot(custom);

    const report = await installHooks(project);
    expect(report.mode).toBe('hooksPath');
    expect(report.dir).toBe(custom);
    expect(fs.readFileSync(path.join(custom, 'pre-commit'), 'utf8')).toContain(BEGIN);
    await uninstallHooks(project);
    expect(snapshot(custom)).toEqual(before);

    const missing = path.join(tempDir('qlock-hookspath'), 'not', 'yet');
    repo.git(['config', 'core.hooksPath', missing]);
    await installHooks(project);
    expect(fs.existsSync(path.join(missing, 'pre-commit'))).toBe(true);
    await uninstallHooks(project);
    expect(fs.existsSync(path.dirname(missing))).toBe(false);
  });

  it('a relative core.hooksPath: each worktree its own copy, installing in one keeps the others', async () => {
    const repo = makeRepo();
    const tracked = path.join(repo.root, 'githooks');
    writeHook(tracked, 'pre-commit', '#!/bin/sh\necho tracked hook\n');
    repo.commitAll('tracked hooks');
    repo.git(['config', 'core.hooksPath', 'githooks']);
    const wt = repo.worktree('wt');
    const before = snapshot(tracked);
    const beforeWt = snapshot(path.join(wt, 'githooks'));

    const main = await installHooks(projectOf(repo.root));
    expect(main.mode).toBe('hooksPath');
    expect(main.dir).toBe(tracked);
    expect(main.notes.join('\n')).toMatch(/relative/);
    const installedMain = snapshot(tracked);

    // The worktree's own copy: installing there must not take the block out of the main one.
    const second = await installHooks(projectOf(wt));
    expect(second.dir).toBe(path.join(wt, 'githooks'));
    expect(second.files.every((f) => f.file.startsWith(path.join(wt, 'githooks')))).toBe(true);
    expect(snapshot(tracked)).toEqual(installedMain);
    expect(fs.readFileSync(path.join(wt, 'githooks/pre-commit'), 'utf8')).toContain(BEGIN);
    await installHooks(projectOf(repo.root)); // and back: still both
    expect(fs.readFileSync(path.join(wt, 'githooks/pre-commit'), 'utf8')).toContain(BEGIN);

    // Uninstall (from either) restores every copy byte for byte.
    await uninstallHooks(projectOf(wt));
    expect(snapshot(tracked)).toEqual(before);
    expect(snapshot(path.join(wt, 'githooks'))).toEqual(beforeWt);
  });

  it('refuses, changing nothing, when core.hooksPath names a file', async () => {
    const repo = makeRepo();
    const project = projectOf(repo.root);
    const hooksDir = path.join(repo.root, '.git', 'hooks');
    await installHooks(project);
    const installed = snapshot(hooksDir);
    const file = path.join(tempDir('qlock-hookspath'), 'not-a-dir');
    fs.writeFileSync(file, 'x\n');
    repo.git(['config', 'core.hooksPath', file]);
    await expect(installHooks(project)).rejects.toThrow(
      `${file} (core.hooksPath), but it is a file, not a directory: point core.hooksPath at a directory`,
    );
    expect(snapshot(hooksDir)).toEqual(installed);
    // Below a file: git itself refuses to resolve it (a plain git error), nothing changes either.
    repo.git(['config', 'core.hooksPath', path.join(file, 'below')]);
    await expect(installHooks(project)).rejects.toThrow(/Not a directory/);
    expect(snapshot(hooksDir)).toEqual(installed);
  });

  it('follows the hooks when their place changes: the old blocks are taken out', async () => {
    const repo = makeRepo();
    const project = projectOf(repo.root);
    const hooksDir = path.join(repo.root, '.git', 'hooks');
    writeHook(hooksDir, 'pre-commit', '#!/bin/sh\necho old place\n');
    const before = snapshot(hooksDir);
    await installHooks(project);
    const custom = tempDir('qlock-moved');
    repo.git(['config', 'core.hooksPath', custom]);
    const report = await installHooks(project);
    expect(report.files.find((f) => f.file === path.join(hooksDir, 'pre-commit'))?.change).toBe(
      'restored',
    );
    expect(snapshot(hooksDir)).toEqual(before);
    expect(fs.readFileSync(path.join(custom, 'pre-commit'), 'utf8')).toContain(BEGIN);
  });

  it('refuses plain directories: git hooks need git', async () => {
    const dir = tempDir('qlock-plain');
    const project: Project = {
      kind: 'dir',
      root: dir,
      stateDir: path.join(dir, '.qlock'),
      worktreeRoot: dir,
    };
    await expect(installHooks(project)).rejects.toThrow(/need git/);
  });
});
