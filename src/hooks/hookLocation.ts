import path from 'node:path';

import { configWithScope, gitPath } from '../git/repo.js';
import type { HookSpec } from './hookTypes.js';

/**
 * Where a worktree's git hooks live, as git itself resolves it:
 * - husky (core.hooksPath = `.husky/_`): git runs husky's stubs in `.husky/_`, which run the
 *   user's `.husky/<hook>` files with `sh -e`; qlock edits those files (tracked, shared);
 * - another core.hooksPath: that directory (relative paths resolve against each worktree);
 * - otherwise `<git-common-dir>/hooks`, shared by every worktree: one install covers them all.
 */
export type HookMode = 'husky' | 'hooksPath' | 'default';

export interface HookLocation {
  mode: HookMode;
  /** The directory of the hook files qlock edits (husky: `<worktree>/.husky`). */
  dir: string;
  /** The directory git runs hooks from (husky: `<worktree>/.husky/_`). */
  gitHooksDir: string;
  /** core.hooksPath as configured, when set. */
  hooksPath?: string;
  /** A relative hooksPath: every worktree has its own copy of the directory. */
  perWorktree: boolean;
  /**
   * core.hooksPath comes from the user's global (or the system) git config and names one
   * directory: every repository on the machine runs its hooks from there. qlock writes there
   * only when told to (`qlock hooks install --force`) and never takes its blocks out from there
   * on behalf of one project (others may use them); see installHooks.ts.
   */
  machineWide: boolean;
  /** Where core.hooksPath is set: git's scope name (global, system, local, worktree, command). */
  scope?: string;
}

/** husky 9 sets core.hooksPath to `.husky/_` (or `<dir>/_` for `husky <dir>`). */
export function isHuskyHooksPath(hooksPath: string): boolean {
  return /(^|[\\/])\.husky[\\/]_[\\/]?$/.test(hooksPath.trim());
}

export async function hookLocation(worktree: string): Promise<HookLocation> {
  const [found, resolved] = await Promise.all([
    configWithScope(worktree, 'core.hooksPath'),
    gitPath(worktree, 'hooks'),
  ]);
  const hooksPath = found?.value.trim() || undefined;
  const scope = found?.scope;
  const gitHooksDir = path.resolve(worktree, resolved);
  if (!hooksPath)
    return {
      mode: 'default',
      dir: gitHooksDir,
      gitHooksDir,
      perWorktree: false,
      machineWide: false,
    };
  const perWorktree = !path.isAbsolute(hooksPath) && !hooksPath.startsWith('~');
  const machineWide = !perWorktree && (scope === 'global' || scope === 'system');
  const where = { hooksPath, perWorktree, machineWide, ...(scope ? { scope } : {}) };
  if (isHuskyHooksPath(hooksPath))
    return { mode: 'husky', dir: path.dirname(gitHooksDir), gitHooksDir, ...where };
  return { mode: 'hooksPath', dir: gitHooksDir, gitHooksDir, ...where };
}

/**
 * The file qlock edits for a hook: in `dir` (husky: the tracked `.husky/<hook>`), or, for a
 * `direct` hook, in the directory git runs hooks from (husky's runner has no stub for it).
 */
export function hookFilePath(
  location: HookLocation,
  hook: string,
  spec: Pick<HookSpec, 'direct'>,
): string {
  return path.join(spec.direct ? location.gitHooksDir : location.dir, hook);
}
