import path from 'node:path';

import type { Context } from '../context.js';
import { QlockError, UsageError } from '../errors.js';
import { currentBranch, resolveCommit } from '../git/repo.js';
import { openWorkspace, resolveBase } from '../project/openWorkspace.js';
import { checkCanRegister, registerSession } from '../sessions/registerSession.js';
import { validateSessionName } from '../sessions/sessionName.js';
import { readRegistry } from '../store/registry.js';
import type { Session } from '../store/types.js';
import { messages } from '../ui/messages.js';

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

/** A session name from a directory or branch name: characters not allowed become "-". */
export function deriveSessionName(source: string): string {
  const cleaned = source
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64)
    .replace(/(\.lock|[.-])+$/, '');
  return cleaned || 'session';
}

/** Registers the working copy that contains the cwd (a worktree or a plain directory). */
export async function join(options: JoinOptions, ctx: Context): Promise<JoinResult> {
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
  const result = await registerSession(
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
  if (project.kind === 'git' && !result.alreadyRegistered) {
    // Hooks that live per worktree (husky's untracked .husky/_): make them run here too.
    const { prepareWorktreeHooks } = await import('../hooks/worktreeHooks.js');
    const notes = await prepareWorktreeHooks(project, root);
    if (notes.length) return { ...result, notes };
  }
  return result;
}

export function renderJoin(result: JoinResult): string {
  const s = result.session;
  if (result.alreadyRegistered) return messages.pathAlreadySession(s.name, s.path);
  return [
    `Registered session "${s.name}" at ${s.path}${s.branch ? ` (branch ${s.branch}, base ${s.base})` : ''}.`,
    ...(result.notes ?? []),
  ].join('\n');
}
