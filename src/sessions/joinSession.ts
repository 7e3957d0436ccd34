import path from 'node:path';

import type { Context } from '../context.js';
import { QlockError, UsageError } from '../errors.js';
import { currentBranch, resolveCommit } from '../git/repo.js';
import { openWorkspace, resolveBase } from '../project/openWorkspace.js';
import { readRegistry } from '../store/registry.js';
import type { Session } from '../store/types.js';
import { messages } from '../ui/messages.js';
import { checkCanRegister, registerSession } from './registerSession.js';
import { deriveSessionName, validateSessionName } from './sessionName.js';

/**
 * Joining a working copy as a session: `qlock join`, and the post-checkout hook's autoJoin of a
 * new `git worktree add` (the same rules, the same name derivation).
 */

export interface JoinOptions {
  name?: string;
  base?: string;
}

export interface JoinResult {
  session: Session;
  alreadyRegistered: boolean;
  /** Anything the user should know about the new session's setup (its hooks). */
  notes?: string[];
}

/** Registers the working copy that contains the cwd (a worktree or a plain directory). */
export async function joinSession(options: JoinOptions, ctx: Context): Promise<JoinResult> {
  const ws = await openWorkspace(ctx);
  const { project, config } = ws;
  const root = project.worktreeRoot;
  // A bare repository has no working tree: there is nothing to register (git status would fail).
  if (project.kind === 'git' && project.gitDir === root)
    throw new QlockError(messages.joinBare(root));
  // Bad input is refused even where joining again would be a no-op.
  if (options.name !== undefined) validateSessionName(options.name);
  const existing = Object.values(readRegistry(project.stateDir).sessions).find(
    (s) => s.path === root,
  );
  if (existing) return { session: existing, alreadyRegistered: true };

  const base = options.base ?? (await resolveBase(ws));
  let branch: string | undefined;
  let baseTip: string | undefined;
  if (project.kind === 'git') {
    branch = await currentBranch(root);
    baseTip = await resolveCommit(root, base);
    if (!baseTip) {
      // --base naming nothing is a bad argument (exit 2); a bad configured base is not.
      throw options.base
        ? new UsageError(messages.unknownBase(base))
        : new QlockError(messages.unknownBase(base));
    }
  }
  const name = validateSessionName(
    options.name ?? deriveSessionName(branch ?? path.basename(root)),
  );
  checkCanRegister(project, config, name);
  return registerSession(
    project,
    config,
    {
      name,
      path: root,
      kind: project.kind === 'git' ? 'worktree' : root === project.root ? 'dir' : 'copy',
      base,
      ...(branch ? { branch } : {}),
      ...(baseTip ? { baseTip } : {}),
    },
    ctx.now(),
  );
}
