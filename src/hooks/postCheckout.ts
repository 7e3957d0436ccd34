import path from 'node:path';

import { isQlockError } from '../errors.js';
import { deriveSessionName } from '../sessions/sessionName.js';
import { hookMessages } from '../ui/messages/hooks.js';
import type { HookHandler, HookOutcome } from './hookTypes.js';

/**
 * post-checkout `<old> <new> <flag>`: `git worktree add` runs it in the new worktree with an
 * all-zero old sha and flag 1 (the runner filters everything else out before node starts). With
 * `autoJoin`, the new worktree becomes a session named after its directory. `qlock new` sets
 * QLOCK=0 for its own `git worktree add`, since it registers the session itself. Never fails.
 */
export function isWorktreeAdd(args: readonly string[]): boolean {
  const [old, , flag] = args;
  return flag === '1' && old !== undefined && /^0+$/.test(old);
}

export const handle: HookHandler = async ({ ws, registry, args, ctx }) => {
  const outcome: HookOutcome = { block: false, lines: [] };
  const { project, config } = ws;
  if (!config.autoJoin || !isWorktreeAdd(args)) return outcome;
  // Only linked worktrees: the main worktree gets an all-zero checkout on clone, not on add.
  if (!project.gitDir || project.gitDir === project.commonDir) return outcome;
  const root = project.worktreeRoot;
  if (Object.values(registry.sessions).some((s) => path.resolve(s.path) === path.resolve(root)))
    return outcome;

  const { joinSession } = await import('../sessions/joinSession.js');
  const name = deriveSessionName(path.basename(root));
  try {
    const { session, alreadyRegistered } = await joinSession({ name }, { ...ctx, cwd: root });
    if (!alreadyRegistered) {
      outcome.lines.push(hookMessages.autoJoined(session.name, root));
      // Hooks that live per worktree (husky's untracked .husky/_): make them run here too.
      const { prepareWorktreeHooks } = await import('./worktreeHooks.js');
      outcome.lines.push(...(await prepareWorktreeHooks(project, root)));
      // A worktree an agent made beside a checkout with its hooks: the agent runs them here.
      const { carryAgentHooks } = await import('../agents/agentWorktreeHooks.js');
      outcome.lines.push(...(await carryAgentHooks(project.stateDir, root, ctx.env)));
    }
  } catch (error) {
    if (!isQlockError(error)) throw error;
    outcome.lines.push(hookMessages.autoJoinSkipped(root, error.message.split('\n')[0]!));
  }
  return outcome;
};
