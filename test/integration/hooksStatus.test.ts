import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { hooks, renderHooks } from '../../src/commands/hooks.js';
import { checkHooks } from '../../src/doctor/checkHooks.js';
import { hooksStatus } from '../../src/hooks/hooksStatus.js';
import { installHooks } from '../../src/hooks/installHooks.js';
import { readRunner, renderRunner, runnerPath } from '../../src/hooks/runner.js';
import { DEFAULT_CONFIG } from '../../src/project/defaultConfig.js';
import { findProject } from '../../src/project/findProject.js';
import { makeRepo, testContext } from '../helpers/repo.js';

/**
 * `qlock hooks status` and the doctor's hooks check: whether each worktree will really run the
 * hooks, and which fixes `qlock doctor --fix` may apply by itself.
 */

const ws = (dir: string) => ({ project: findProject(dir)!, config: DEFAULT_CONFIG });

describe('hooks status and doctor', () => {
  it('nothing installed is reported, not failed (`qlock init --no-hooks` is a choice)', async () => {
    const repo = makeRepo();
    const status = await hooksStatus(findProject(repo.root)!);
    expect(status.installed).toBe(false);
    expect(status.worktrees).toEqual([]);
    const findings = await checkHooks(ws(repo.root), testContext(repo.root));
    expect(findings).toEqual([
      { check: 'hooks', ok: true, message: expect.stringContaining('not installed') },
    ]);
    const text = renderHooks({ action: 'status', ...status });
    expect(text).toContain('run `qlock hooks install`');
  });

  it('a relative core.hooksPath: worktrees whose copy lacks the block are named, and not "fixed" behind their back', async () => {
    const repo = makeRepo();
    repo.git(['config', 'core.hooksPath', '.githooks']);
    const wt = repo.worktree('wt');
    await installHooks(findProject(repo.root)!);
    // The main worktree's .githooks got the block; the linked worktree has no .githooks at all.
    const status = await hooksStatus(findProject(repo.root)!);
    expect(status.mode).toBe('hooksPath');
    expect(status.perWorktree).toBe(true);
    const byPath = Object.fromEntries(status.worktrees.map((w) => [w.path, w]));
    expect(byPath[repo.root]!.runs).toBe(true);
    expect(byPath[wt]!.runs).toBe(false);
    expect(byPath[wt]!.problems.map((p) => [p.kind, p.safe])).toEqual([['block-missing', false]]);
    expect(byPath[wt]!.problems[0]!.fix).toContain('commit');

    const findings = await checkHooks(ws(wt), testContext(wt));
    expect(findings.filter((f) => !f.ok)).toHaveLength(1);
    expect(findings[0]!.apply).toBeUndefined();
  });

  it('a hook file that lost its exec bit, and a runner whose node is gone: found and safely fixed', async () => {
    const repo = makeRepo();
    const project = findProject(repo.root)!;
    await installHooks(project);
    const preCommit = path.join(repo.root, '.git/hooks/pre-commit');
    fs.chmodSync(preCommit, 0o644);
    fs.writeFileSync(
      runnerPath(project.stateDir),
      renderRunner({
        node: '/nonexistent/node',
        bin: readRunner(project.stateDir)!.bin,
        failClosed: false,
      }),
    );

    const status = await hooksStatus(project);
    expect(status.ok).toBe(false);
    expect(status.problems.map((p) => p.kind)).toEqual(['runner-stale']);
    expect(status.problems[0]!.message).toContain('/nonexistent/node');
    expect(status.worktrees[0]!.problems.map((p) => p.kind)).toEqual(['not-executable']);

    const findings = await checkHooks(ws(repo.root), testContext(repo.root));
    const failing = findings.filter((f) => !f.ok);
    expect(failing).toHaveLength(2);
    for (const f of failing) await f.apply!();
    expect(fs.statSync(preCommit).mode & 0o111).toBe(0o111);
    expect(readRunner(project.stateDir)!.node).toBe(process.execPath);
    expect((await hooksStatus(project)).ok).toBe(true);
  });

  it('blocks deleted from a shared hooks directory: reported once, and reinstalled by the fix', async () => {
    const repo = makeRepo();
    repo.worktree('one');
    repo.worktree('two');
    const project = findProject(repo.root)!;
    await installHooks(project);
    fs.rmSync(path.join(repo.root, '.git/hooks/post-merge'));
    const findings = await checkHooks(ws(repo.root), testContext(repo.root));
    const failing = findings.filter((f) => !f.ok);
    expect(failing).toHaveLength(1);
    expect(failing[0]!.message).toContain('post-merge');
    await failing[0]!.apply!();
    expect((await hooksStatus(project)).ok).toBe(true);
  });

  it('the hooks command: install, status and uninstall render as text', async () => {
    const repo = makeRepo();
    const ctx = testContext(repo.root);
    const installed = renderHooks(await hooks({ action: 'install' }, ctx));
    expect(installed).toContain("Installed qlock's git hooks in");
    expect(installed).toMatch(/pre-commit\s+created/);
    const status = renderHooks(await hooks({ action: 'status' }, ctx));
    expect(status).toContain("Every worktree runs qlock's git hooks.");
    const removed = renderHooks(await hooks({ action: 'uninstall' }, ctx));
    expect(removed).toMatch(/pre-commit\s+deleted/);
    await expect(hooks({ action: 'bogus' as 'status' }, ctx)).rejects.toThrow(/Unknown action/);
  });
});
