import fs from 'node:fs';
import path from 'node:path';

import { readAgentRecords, recordAgentInstall } from '../doctor/agentRecords.js';
import { hookMessages } from '../ui/messages/hooks.js';
import { installAgent, parseAgent } from './installAgent.js';

/**
 * Worktrees an agent CLI makes beside the checkout it runs in. GitHub Copilot CLI's `--worktree
 * NAME` (1.0.102) runs `git -c core.fsmonitor=false worktree add -b NAME <checkout>.worktrees/NAME
 * HEAD` from `<checkout>` (its default `worktreePathTemplate`, `{repoPath}.worktrees/{branchSlug}`)
 * with git's hooks on, so post-checkout's autoJoin makes it a session; Copilot then runs there the
 * hooks in the NEW worktree's `.github/hooks/`, where qlock's are missing: they are excluded, never
 * committed. So, at autoJoin, such a worktree gets the agent hooks `qlock agent install` (or `qlock
 * new --agent`) recorded for `<checkout>`, as `qlock new --agent` would have installed them.
 */
export function agentWorktreeOrigin(root: string): string | undefined {
  const parent = path.dirname(root);
  const base = path.basename(parent);
  const suffix = '.worktrees';
  if (!base.endsWith(suffix) || base.length === suffix.length) return undefined;
  return path.join(path.dirname(parent), base.slice(0, -suffix.length));
}

const real = (dir: string) => {
  try {
    return fs.realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
};

/** Installs in `root` the agents recorded for the checkout it was made beside; the lines to print. */
export async function carryAgentHooks(
  stateDir: string,
  root: string,
  env: NodeJS.ProcessEnv,
): Promise<string[]> {
  const origin = agentWorktreeOrigin(root);
  if (!origin || !fs.existsSync(origin)) return [];
  const records = readAgentRecords(stateDir);
  const key = Object.keys(records).find((dir) => real(dir) === real(origin));
  const lines: string[] = [];
  for (const name of key ? records[key]! : []) {
    try {
      const report = await installAgent({
        agent: parseAgent(name),
        scope: 'project',
        dir: root,
        env,
      });
      recordAgentInstall(stateDir, report);
      lines.push(hookMessages.agentHooksCarried(name, root, origin));
    } catch (error) {
      lines.push(
        hookMessages.agentHooksNotCarried(name, root, (error as Error).message.split('\n')[0]!),
      );
    }
  }
  return lines;
}
