import fs from 'node:fs';
import path from 'node:path';

import { type HookProblem, type HooksStatus, hooksStatus } from '../hooks/hooksStatus.js';
import { installHooks } from '../hooks/installHooks.js';
import { currentRunnerTarget, writeRunner } from '../hooks/runner.js';
import type { Workspace } from '../project/openWorkspace.js';
import { messages } from '../ui/messages.js';
import { hookMessages } from '../ui/messages/hooks.js';
import { hooksDeclined } from './hooksChoice.js';
import type { Check, Finding } from './types.js';

/**
 * `qlock doctor`: are qlock's git hooks really reachable from every worktree? The same data as
 * `qlock hooks status`, one finding per problem. --fix applies only safe fixes: rewriting qlock's
 * own runner, reinstalling into a hooks directory shared by every worktree, copying husky's
 * untracked stubs into a worktree that lacks them, chmod +x of qlock's hook files. It never edits
 * tracked hook files in another session's worktree.
 */

/** Copies husky's `.husky/_` from a worktree that has it (the same files `npx husky` writes). */
function copyHuskyStubs(status: HooksStatus, worktree: string): string {
  const target = status.worktrees.find((w) => w.path === worktree)?.gitHooksDir;
  const source = status.worktrees.find(
    (w) => w.path !== worktree && fs.existsSync(path.join(w.gitHooksDir, 'h')),
  )?.gitHooksDir;
  if (!target || !source) return hookMessages.fixHuskyNoSource(worktree);
  fs.cpSync(source, target, { recursive: true, force: false, errorOnExist: false });
  return hookMessages.fixedHuskyStubs(source, target);
}

function applyFor(ws: Workspace, status: HooksStatus, problem: HookProblem) {
  if (!problem.safe) return undefined;
  const { project, config } = ws;
  switch (problem.kind) {
    case 'runner-missing':
    case 'runner-stale':
      return async () => {
        writeRunner(project.stateDir, { ...currentRunnerTarget(), failClosed: config.failClosed });
        return hookMessages.fixedRunner();
      };
    case 'block-missing':
      return async () => {
        const report = await installHooks(project);
        return hookMessages.fixedReinstalled(report.dir);
      };
    case 'husky-missing':
      return async () => copyHuskyStubs(status, problem.worktree!);
    case 'not-executable':
      return async () => {
        for (const f of problem.files ?? []) fs.chmodSync(f, fs.statSync(f).mode | 0o111);
        return hookMessages.fixedExecutable(problem.files ?? []);
      };
  }
}

export const checkHooks: Check = async (ws) => {
  const { project } = ws;
  if (project.kind !== 'git') return [];
  const status = await hooksStatus(project);
  if (!status.installed) {
    // Not an error when it is a choice (`qlock init --no-hooks`, `qlock hooks uninstall`) or
    // before qlock keeps any state here; otherwise (a project set up by `qlock new` alone) commits
    // are not checked against locks and the user should hear it. Installing stays theirs to do.
    if (hooksDeclined(project.stateDir))
      return [{ check: 'hooks', ok: true, message: messages.doctorHooksDeclined() }];
    if (!fs.existsSync(project.stateDir))
      return [{ check: 'hooks', ok: true, message: hookMessages.statusNotInstalled(status.dir) }];
    return [
      {
        check: 'hooks',
        ok: false,
        message: messages.doctorHooksMissing(status.dir),
        fix: messages.doctorHooksMissingFix(),
      },
    ];
  }
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const problems = [...status.problems, ...status.worktrees.flatMap((w) => w.problems)];
  let reinstall = false;
  for (const problem of problems) {
    // A directory shared by every worktree reports the same files for each: say it once.
    const key = `${problem.kind}\0${(problem.files ?? [problem.worktree ?? '']).join('\0')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    let apply = applyFor(ws, status, problem);
    if (problem.kind === 'block-missing' && apply) {
      if (reinstall) apply = undefined; // one reinstall covers every shared file
      reinstall = true;
    }
    findings.push({
      check: 'hooks',
      ok: false,
      message: problem.message,
      fix: problem.fix,
      ...(apply ? { apply } : {}),
    });
  }
  if (!findings.length) {
    // Every file looks right: ask git's side for real, by running in each worktree every hook
    // file qlock relies on that git would run, and naming each one that did not reach qlock.
    const { probeCall, probeHook, probeRunner } = await import('../hooks/probeHooks.js');
    // The node and qlock every hook starts, asked once (the static checks found both present).
    const { node, bin } = status.runner;
    if (node && bin && !(await probeRunner(project.worktreeRoot, node, bin))) {
      return [
        {
          check: 'hooks',
          ok: false,
          message: hookMessages.problemRunnerNode(node, bin),
          fix: hookMessages.fixRunnerNode(node, bin),
        },
      ];
    }
    const { hookNames } = await import('../hooks/hookTable.js');
    const baseRef = firstBaseRef(project.commonDir);
    // Worktrees sharing a hooks directory run the same files: pre-commit is run in each (what
    // reaches qlock can depend on the worktree), the other hooks once per directory.
    const probedDirs = new Set<string>();
    for (const w of status.worktrees) {
      const first = !probedDirs.has(w.gitHooksDir);
      probedDirs.add(w.gitHooksDir);
      const hooks = first ? hookNames() : ['pre-commit'];
      const silent = await Promise.all(
        hooks.map(async (hook) => {
          const call = probeCall(hook, baseRef);
          // A file git would not find is hooks status's to report (it found none missing).
          if (!call || !fs.existsSync(path.join(w.gitHooksDir, hook))) return undefined;
          const ran = await probeHook(w.path, w.gitHooksDir, hook, call.args, call.input);
          return ran ? undefined : hook;
        }),
      );
      for (const hook of silent) {
        if (!hook) continue;
        findings.push({
          check: 'hooks',
          ok: false,
          message: hookMessages.problemProbe(w.path, path.join(w.gitHooksDir, hook)),
          fix: hookMessages.fixProbe(),
        });
      }
    }
  }
  if (!findings.length) {
    findings.push({
      check: 'hooks',
      ok: true,
      message: hookMessages.doctorHooksOk(status.dir, status.worktrees.length),
    });
  }
  return findings;
};

/** The first base ref qlock's hooks know (`<common dir>/qlock/hooks/bases`), if any. */
function firstBaseRef(commonDir: string | undefined): string | undefined {
  if (!commonDir) return undefined;
  try {
    const text = fs.readFileSync(path.join(commonDir, 'qlock', 'hooks', 'bases'), 'utf8');
    return text.split('\n').find((l) => l.startsWith('refs/'));
  } catch {
    return undefined;
  }
}
