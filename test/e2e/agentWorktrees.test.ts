import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { makeRepo, type Repo, runQlock, type RunResult } from '../helpers/repo.js';

/**
 * Worktrees the agents create themselves. Claude Code's `--worktree NAME` (2.1.330) runs
 * `git worktree add --no-track -b worktree-NAME <root>/.claude/worktrees/NAME <commit>` with
 * `-c core.hooksPath=/dev/null`: qlock's post-checkout hook (autoJoin) never runs, and Claude runs
 * the main checkout's hooks (its settings.local.json) with the new worktree as cwd. Made here as
 * Claude makes it, with the built CLI's hook commands fed Claude's payloads.
 */

async function world(config?: Record<string, unknown>) {
  const repo = makeRepo({ files: { 'README.md': '# test\n', 'src/a.txt': 'a1\n' } });
  if (config) repo.write('.qsessionrc.json', JSON.stringify(config));
  const env = { HOME: repo.parent };
  const qlock = async (args: string[], cwd: string, input?: string) =>
    runQlock(args, { cwd, env, ...(input !== undefined ? { input } : {}) });
  expect((await qlock(['init'], repo.root)).code).toBe(0); // with git hooks: autoJoin is there
  expect((await qlock(['new', 'fb'], repo.root)).code).toBe(0);
  const fb = path.join(repo.parent, `${path.basename(repo.root)}-fb`);
  expect((await qlock(['lock', 'src/a.txt', '--reason', 'renaming'], fb)).code).toBe(0);
  /** A worktree made the way Claude Code's --worktree makes it (git hooks off). */
  const agentWorktree = (dir: string, branch: string) => {
    repo.git([
      '-c',
      'core.hooksPath=/dev/null',
      'worktree',
      'add',
      '-q',
      '--no-track',
      '-b',
      branch,
      dir,
      'HEAD',
    ]);
    return fs.realpathSync(dir);
  };
  const hook = (event: string, cwd: string, extra: Record<string, unknown> = {}) =>
    qlock(
      ['agent-hook', 'claude', event],
      repo.parent,
      JSON.stringify({ session_id: 's1', cwd, hook_event_name: event, ...extra }),
    );
  const write = (cwd: string, rel: string) =>
    hook('pre-tool', cwd, {
      hook_event_name: 'PreToolUse',
      tool_name: 'Write',
      tool_input: { file_path: path.join(cwd, rel), content: 'x\n' },
    });
  return { repo, fb, qlock, agentWorktree, hook, write };
}

describe('a worktree Claude Code creates itself (--worktree)', () => {
  it('becomes a session at its first session start, with the same guarantees as `qlock new`', async () => {
    const { repo, fb, qlock, agentWorktree, hook, write } = await world();
    const wt = agentWorktree(
      path.join(repo.root, '.claude', 'worktrees', 'fix-x'),
      'worktree-fix-x',
    );
    const names = async () =>
      (
        JSON.parse((await qlock(['status', '--json'], repo.root)).stdout) as {
          sessions: { name: string }[];
        }
      ).sessions.map((s) => s.name);
    // post-checkout's autoJoin did not run (git hooks off): no session yet.
    expect(await names()).toEqual(['fb']);

    const start = await hook('session-start', wt);
    expect(start.code).toBe(0);
    expect(start.stdout).toContain(
      'you are working in session "fix-x" (branch worktree-fix-x, base main)',
    );
    expect(start.stdout).toContain(
      `This worktree (${wt}), made by the agent itself, is now qlock session "fix-x"`,
    );
    expect(await names()).toEqual(['fb', 'fix-x']);

    // fb's lock holds there; fix-x's own lock holds for fb.
    const refused = await write(wt, 'src/a.txt');
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain('src/a.txt is locked by session fb');
    fs.writeFileSync(path.join(wt, 'README.md'), '# changed by fix-x\n');
    expect((await qlock(['lock', 'README.md'], wt)).code).toBe(0);
    const theirs = await write(fb, 'README.md');
    expect(theirs.code).toBe(2);
    expect(theirs.stdout).toContain('README.md is locked by session fix-x');

    // Joined once: the next start only briefs.
    const again = await hook('session-start', wt);
    expect(again.stdout).toContain('you are working in session "fix-x"');
    expect(again.stdout).not.toContain('made by the agent itself');
  });

  it('stays no session with autoJoin off, or elsewhere than where agents put theirs; locks count there all the same', async () => {
    for (const [config, where] of [
      [{ autoJoin: false }, (root: string) => path.join(root, '.claude', 'worktrees', 'w')],
      [undefined, (root: string) => path.join(path.dirname(root), 'elsewhere')],
    ] as const) {
      const { repo, agentWorktree, hook, write, qlock } = await world(config);
      const wt = agentWorktree(where(repo.root), 'w');
      const start = await hook('session-start', wt);
      expect(start.stdout).toContain(`${wt} is not one of this project's qlock sessions`);
      expect(start.stdout).not.toContain('made by the agent itself');
      const status = JSON.parse((await qlock(['status', '--json'], repo.root)).stdout) as {
        sessions: { name: string }[];
      };
      expect(status.sessions.map((s) => s.name)).toEqual(['fb']);
      expect((await write(wt, 'src/a.txt')).code).toBe(2);
    }
  });
});

/**
 * GitHub Copilot CLI's `--worktree NAME` (1.0.102, seen with a git on PATH that logged its
 * arguments; test/e2e/realAgents/copilotWorktree.test.ts runs the real client): from the checkout
 * it runs in, `git -c core.fsmonitor=false worktree add -b NAME <checkout>.worktrees/NAME HEAD`,
 * git hooks on, so post-checkout's autoJoin makes it a session; then it runs the hooks of the NEW
 * worktree's `.github/hooks/`, where qlock's (excluded, never committed) are not. Made here as
 * Copilot makes it; its hook payloads fed to the built CLI.
 */
describe('a worktree GitHub Copilot CLI creates itself (--worktree)', () => {
  const copilotWorktree = (repo: Repo, from: string, name: string) => {
    const dir = `${from}.worktrees/${name}`;
    repo.git(['-c', 'core.fsmonitor=false', 'worktree', 'add', '-b', name, dir, 'HEAD'], from);
    return fs.realpathSync(dir);
  };
  const hooksFile = (wt: string) => path.join(wt, '.github', 'hooks', 'qlock.json');
  const copilotWrite = (
    qlock: (args: string[], cwd: string, input?: string) => Promise<RunResult>,
    cwd: string,
    rel: string,
  ) =>
    qlock(
      ['agent-hook', 'copilot', 'pre-tool'],
      path.dirname(cwd),
      JSON.stringify({
        sessionId: 's',
        timestamp: 1,
        cwd,
        toolName: 'create',
        toolArgs: { path: path.join(cwd, rel), file_text: 'x\n' },
      }),
    );

  it("gets the Copilot hooks of the checkout it was made from, and is a session with qlock new's guarantees", async () => {
    const { repo, qlock } = await world();
    expect((await qlock(['agent', 'install', 'copilot'], repo.root)).code).toBe(0);

    const wt = copilotWorktree(repo, repo.root, 'fix-y');

    expect(fs.existsSync(hooksFile(wt))).toBe(true);
    const status = JSON.parse((await qlock(['status', '--json'], repo.root)).stdout) as {
      sessions: { name: string }[];
    };
    expect(status.sessions.map((s) => s.name)).toEqual(['fb', 'fix-y']);
    const start = await qlock(
      ['agent-hook', 'copilot', 'session-start'],
      repo.parent,
      JSON.stringify({ sessionId: 's', cwd: wt, source: 'new' }),
    );
    expect(JSON.parse(start.stdout).additionalContext).toContain(
      'you are working in session "fix-y"',
    );
    const refused = await copilotWrite(qlock, wt, 'src/a.txt');
    expect(JSON.parse(refused.stdout).permissionDecision).toBe('deny');
    expect(JSON.parse(refused.stdout).permissionDecisionReason).toContain(
      'src/a.txt is locked by session fb',
    );
    // Installed as `qlock agent install` does it: uninstall there takes it out again.
    expect((await qlock(['agent', 'uninstall', 'copilot'], wt)).code).toBe(0);
    expect(fs.existsSync(hooksFile(wt))).toBe(false);
  });

  it('gets no agent hooks beside a checkout without them, nor elsewhere', async () => {
    const { repo, qlock } = await world();
    // Beside the main checkout, which has none: a session, no hooks.
    const bare = copilotWorktree(repo, repo.root, 'plain');
    expect(fs.existsSync(hooksFile(bare))).toBe(false);
    // A worktree elsewhere, made while the main checkout has them: none either.
    expect((await qlock(['agent', 'install', 'copilot'], repo.root)).code).toBe(0);
    const elsewhere = path.join(repo.parent, 'elsewhere');
    repo.git(['worktree', 'add', '-q', '-b', 'elsewhere', elsewhere, 'HEAD']);
    expect(fs.existsSync(hooksFile(elsewhere))).toBe(false);
    const status = JSON.parse((await qlock(['status', '--json'], repo.root)).stdout) as {
      sessions: { name: string }[];
    };
    expect(status.sessions.map((s) => s.name).sort()).toEqual(['elsewhere', 'fb', 'plain']);
  });
});
