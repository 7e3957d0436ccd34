import fs from 'node:fs';
import path from 'node:path';

import { listWorktrees } from '../git/repo.js';
import type { Project } from '../project/findProject.js';
import { loadConfig } from '../project/loadConfig.js';
import { sessionForPath } from '../sessions/resolveSession.js';
import { readRegistry } from '../store/registry.js';
import type { Registry } from '../store/types.js';
import { hookMessages } from '../ui/messages/hooks.js';
import { hasBlock } from './hookBlock.js';
import { hookFilePath, type HookLocation, hookLocation, type HookMode } from './hookLocation.js';
import { GIT_HOOKS, type HookSpec } from './hookTable.js';
import { readRunner, runnerPath } from './runner.js';

/**
 * `qlock hooks status` and the doctor's hooks check: where the hooks live, and whether each
 * worktree will really run them. The classic silent failures: husky's untracked `.husky/_` is
 * missing in a new worktree; a relative core.hooksPath (husky's too) resolves inside each
 * worktree, whose tracked copy may not have the block yet; a hook file that is not executable;
 * a runner whose recorded node or qlock is gone.
 */

export type HookProblemKind =
  'runner-missing' | 'runner-stale' | 'husky-missing' | 'block-missing' | 'not-executable';

export interface HookProblem {
  kind: HookProblemKind;
  message: string;
  fix: string;
  /** `qlock doctor --fix` may apply it (it only writes qlock's own files or husky's stubs). */
  safe: boolean;
  worktree?: string;
  files?: string[];
}

export interface WorktreeHooks {
  path: string;
  session?: string;
  /** The worktree this status was asked from. */
  current: boolean;
  /** Where git runs hooks from in this worktree. */
  gitHooksDir: string;
  /** Git will run every qlock hook here. */
  runs: boolean;
  problems: HookProblem[];
}

export interface HooksStatus {
  /** Something of qlock's is installed (the runner, or a block in this worktree's hooks). */
  installed: boolean;
  /** Every worktree runs every qlock hook. */
  ok: boolean;
  mode: HookMode;
  dir: string;
  gitHooksDir: string;
  hooksPath?: string;
  perWorktree: boolean;
  runner: {
    file: string;
    exists: boolean;
    node?: string;
    bin?: string;
    failClosed?: boolean;
    nodeOk: boolean;
    binOk: boolean;
  };
  hooks: { hook: string; file: string; installed: boolean; executable: boolean }[];
  worktrees: WorktreeHooks[];
  /** Problems that are not about one worktree (the runner). */
  problems: HookProblem[];
}

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function fileHasBlock(file: string): boolean {
  try {
    return hasBlock(fs.readFileSync(file, 'latin1'));
  } catch {
    return false;
  }
}

/** The problems of one worktree, given where git runs its hooks from. */
function worktreeProblems(
  worktree: string,
  location: HookLocation,
  table: Readonly<Record<string, HookSpec>>,
  shared: boolean,
): HookProblem[] {
  const hooks = Object.keys(table);
  const fileOf = (h: string) => hookFilePath(location, h, table[h]!);
  // husky runs its `.husky/<hook>` files with sh (no exec bit needed); git runs the others.
  const needsExec = (h: string) => location.mode !== 'husky' || table[h]!.direct === true;
  const problems: HookProblem[] = [];
  if (location.mode === 'husky' && !fs.existsSync(path.join(location.gitHooksDir, 'h'))) {
    problems.push({
      kind: 'husky-missing',
      message: hookMessages.problemHuskyMissing(worktree),
      fix: hookMessages.fixHuskyMissing(worktree),
      safe: true,
      worktree,
    });
  }
  // With husky's `.husky/_` missing, the files qlock puts there (direct hooks) are missing too:
  // copying the stubs from another worktree brings them back, one problem says it.
  const huskyMissing = problems.some((p) => p.kind === 'husky-missing');
  const missing = hooks.filter(
    (h) => !(huskyMissing && table[h]!.direct) && !fileHasBlock(fileOf(h)),
  );
  if (missing.length) {
    problems.push({
      kind: 'block-missing',
      message: hookMessages.problemBlockMissing(worktree, location.dir, missing),
      fix: shared
        ? hookMessages.fixReinstall()
        : hookMessages.fixTrackedBlock(worktree, location.dir),
      safe: shared,
      worktree,
      files: missing.map(fileOf),
    });
  }
  {
    const notExec = hooks
      .filter(needsExec)
      .map(fileOf)
      .filter((f) => fileHasBlock(f) && !isExecutableFile(f));
    if (notExec.length) {
      problems.push({
        kind: 'not-executable',
        message: hookMessages.problemNotExecutable(notExec),
        fix: `chmod +x ${notExec.map((f) => JSON.stringify(f)).join(' ')}`,
        safe: true,
        worktree,
        files: notExec,
      });
    }
  }
  return problems;
}

export async function hooksStatus(
  project: Project,
  options: { table?: Readonly<Record<string, HookSpec>> } = {},
): Promise<HooksStatus> {
  const table = options.table ?? GIT_HOOKS;
  const hooks = Object.keys(table);
  const here = await hookLocation(project.worktreeRoot);
  const runnerInfo = readRunner(project.stateDir);
  const runner: HooksStatus['runner'] = {
    file: runnerPath(project.stateDir),
    exists: runnerInfo !== undefined,
    ...(runnerInfo ?? {}),
    nodeOk: runnerInfo ? isExecutableFile(runnerInfo.node) : false,
    binOk: runnerInfo ? fs.existsSync(runnerInfo.bin) : false,
  };
  const hookFiles = hooks.map((hook) => {
    const file = hookFilePath(here, hook, table[hook]!);
    return {
      hook,
      file,
      installed: fileHasBlock(file),
      executable: here.mode === 'husky' && !table[hook]!.direct ? true : isExecutableFile(file),
    };
  });
  // In a machine-wide hooks directory the blocks serve every qlock project on the machine (and stay
  // after `hooks uninstall` in one of them): this project's install is its runner.
  const installed = runner.exists || (!here.machineWide && hookFiles.some((h) => h.installed));

  const problems: HookProblem[] = [];
  if (installed && !runner.exists) {
    problems.push({
      kind: 'runner-missing',
      message: hookMessages.problemRunnerMissing(runner.file),
      fix: hookMessages.fixReinstall(),
      safe: true,
    });
  } else if (runner.exists) {
    const { config } = await loadConfig(project.root, project.stateDir).catch(() => ({
      config: undefined,
    }));
    const staleFailClosed = config !== undefined && config.failClosed !== runnerInfo!.failClosed;
    if (!runner.nodeOk || !runner.binOk || staleFailClosed) {
      problems.push({
        kind: 'runner-stale',
        message: hookMessages.problemRunnerStale(
          !runner.nodeOk ? runner.node! : undefined,
          !runner.binOk ? runner.bin! : undefined,
          staleFailClosed,
        ),
        fix: hookMessages.fixReinstall(),
        safe: true,
      });
    }
  }

  let registry: Registry | undefined;
  try {
    registry = readRegistry(project.stateDir);
  } catch {
    registry = undefined; // the state check of `qlock doctor` reports a damaged registry
  }
  const worktrees: WorktreeHooks[] = [];
  if (installed) {
    const entries = (await listWorktrees(project.worktreeRoot)).filter(
      (w) => !w.bare && !w.prunable && fs.existsSync(w.path),
    );
    const locations = await Promise.all(
      entries.map((w) => hookLocation(w.path).catch(() => undefined as HookLocation | undefined)),
    );
    entries.forEach((w, i) => {
      const location = locations[i];
      if (!location) return;
      const session = registry ? sessionForPath(registry, w.path)?.name : undefined;
      const shared = !location.perWorktree;
      const wtProblems = worktreeProblems(w.path, location, table, shared);
      worktrees.push({
        path: w.path,
        ...(session ? { session } : {}),
        current: path.resolve(w.path) === path.resolve(project.worktreeRoot),
        gitHooksDir: location.gitHooksDir,
        runs: wtProblems.length === 0 && problems.length === 0,
        problems: wtProblems,
      });
    });
  }
  const ok = installed && problems.length === 0 && worktrees.every((w) => w.runs);
  return {
    installed,
    ok,
    mode: here.mode,
    dir: here.dir,
    gitHooksDir: here.gitHooksDir,
    ...(here.hooksPath ? { hooksPath: here.hooksPath } : {}),
    perWorktree: here.perWorktree,
    runner,
    hooks: hookFiles,
    worktrees,
    problems,
  };
}
