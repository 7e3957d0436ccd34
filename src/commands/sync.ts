import { type SyncMode, type SyncOutcome, syncWorktree } from '../conflicts/syncSession.js';
import type { Context } from '../context.js';
import { ExitCode, QlockError } from '../errors.js';
import { resolveCommit } from '../git/repo.js';
import { openWorkspace, resolveBase } from '../project/openWorkspace.js';
import { requireCurrentSession } from '../sessions/resolveSession.js';
import { readRegistry, updateRegistry } from '../store/registry.js';
import { c } from '../ui/color.js';
import { messages } from '../ui/messages.js';

export interface SyncOptions {
  rebase?: boolean;
  merge?: boolean;
  autostash?: boolean;
}

export interface SyncResult extends SyncOutcome {
  session: string;
  exitCode?: number;
}

/**
 * `qlock sync [--rebase|--merge] [--autostash]`: brings base's new commits into the current
 * session. Refuses a dirty tree without --autostash; on a conflict leaves everything as it was and
 * says which files conflict (exit 1). On success the session's stored base tip moves too, so it
 * gets no stale "main moved" notice.
 */
export async function sync(options: SyncOptions, ctx: Context): Promise<SyncResult> {
  const ws = await openWorkspace(ctx);
  if (ws.project.kind !== 'git') throw new QlockError(messages.syncNeedsGit());
  const session = requireCurrentSession(ctx, readRegistry(ws.project.stateDir));
  const base = session.base || (await resolveBase(ws));
  const mode: SyncMode = options.merge ? 'merge' : 'rebase';
  const outcome = await syncWorktree({
    dir: session.path,
    base,
    mode,
    autostash: options.autostash === true,
  });
  const result: SyncResult = { session: session.name, ...outcome };
  if (!outcome.ok) {
    result.exitCode = ExitCode.failure;
    return result;
  }
  const tip = await resolveCommit(session.path, base);
  const now = ctx.now().toISOString();
  await updateRegistry(ws.project.stateDir, ({ registry }) => {
    const current = registry.sessions[session.name];
    if (!current) return;
    if (tip) current.baseTip = tip;
    current.lastSeen = now;
  });
  return result;
}

export function renderSync(result: SyncResult): string {
  if (result.upToDate) return messages.syncUpToDate(result.session, result.base);
  if (result.ok)
    return messages.syncDone(
      result.session,
      result.mode,
      result.base,
      result.from,
      result.to,
      result.stashed,
    );
  if (result.untracked?.length && result.stash === undefined)
    return c.red(
      messages.syncUntrackedInTheWay(result.session, result.mode, result.base, result.untracked),
    );
  const lines = [
    c.red(
      messages.syncConflict(
        result.session,
        result.mode,
        result.base,
        result.conflicts ?? [],
        result.stage ?? 'sync',
        result.stash === undefined,
      ),
    ),
  ];
  if (result.reason && !result.conflicts?.length) lines.push(c.dim(`git: ${result.reason}`));
  if (result.stash)
    lines.push(c.yellow(messages.syncRestoreFailed(result.stash, result.reason ?? '')));
  return lines.join('\n');
}
