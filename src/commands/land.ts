import type { Context } from '../context.js';
import { ExitCode, QlockError } from '../errors.js';
import type { LandOutcome, LandStrategy } from '../land/landTypes.js';
import { formatHolder } from '../locks/formatHolder.js';
import { openWorkspace, resolveBase, type Workspace } from '../project/openWorkspace.js';
import { requireCurrentSession, requireSession } from '../sessions/resolveSession.js';
import { readRegistry } from '../store/registry.js';
import type { Session } from '../store/types.js';
import { c } from '../ui/color.js';
import { messages } from '../ui/messages.js';
import { readDuration } from '../util/duration.js';

export interface LandOptions {
  names: string[];
  check?: string;
  autostash?: boolean;
  rm?: boolean;
  strategy?: LandStrategy;
}

export interface LandResult {
  base: string;
  strategy: LandStrategy;
  /** One per session tried, in order; the last one failed when `stoppedAt` is set. */
  results: LandOutcome[];
  removed: string[];
  stoppedAt?: string;
  notTried: string[];
  /** Set when --rm refused after a landing (the landing stands). */
  rmRefused?: { session: string; reason: string };
  exitCode?: number;
}

/**
 * `qlock land [NAME...] [--check CMD] [--autostash] [--rm]`: lands each session into base, one
 * after another, each on top of the previous result; stops at the first that fails (those before
 * it stay landed). No name: the current session.
 */
export async function land(options: LandOptions, ctx: Context): Promise<LandResult> {
  const ws = await openWorkspace(ctx);
  const registry = readRegistry(ws.project.stateDir);
  const sessions: Session[] = options.names.length
    ? [...new Set(options.names)].map((n) => requireSession(registry, n))
    : [requireCurrentSession(ctx, registry)];
  const strategy: LandStrategy =
    ws.project.kind === 'git' ? (options.strategy ?? ws.config.land.strategy) : 'copy';
  const base = ws.project.kind === 'git' ? await resolveBase(ws) : 'main tree';
  const result: LandResult = { base, strategy, results: [], removed: [], notTried: [] };
  const check = options.check ?? ws.config.land.check ?? undefined;
  // Validated with the config: always a number here.
  const timeout = readDuration(ws.config.land.checkTimeout) as number;

  for (const [i, session] of sessions.entries()) {
    const outcome = await landOne(ws, session, {
      strategy,
      ...(check ? { check } : {}),
      timeoutMs: timeout,
      autostash: options.autostash === true,
      ctx,
    });
    if (outcome.check) outcome.checkTimeout = ws.config.land.checkTimeout;
    result.results.push(outcome);
    if (!outcome.ok) {
      result.stoppedAt = session.name;
      result.notTried = sessions.slice(i + 1).map((s) => s.name);
      const locked =
        outcome.failure?.stage === 'locked' || outcome.failure?.stage === 'locked-meanwhile';
      result.exitCode = locked ? ExitCode.refused : ExitCode.failure;
      break;
    }
    if (options.rm && outcome.ok) {
      const removed = await removeLanded(ws, session, outcome, ctx);
      if (removed === true) result.removed.push(session.name);
      else {
        result.rmRefused = { session: session.name, reason: removed };
        result.notTried = sessions.slice(i + 1).map((s) => s.name);
        result.stoppedAt = session.name;
        result.exitCode = ExitCode.failure;
        break;
      }
    }
  }
  return result;
}

interface LandOneOptions {
  strategy: LandStrategy;
  check?: string;
  timeoutMs: number;
  autostash: boolean;
  ctx: Context;
}

async function landOne(ws: Workspace, session: Session, o: LandOneOptions): Promise<LandOutcome> {
  const stream = (chunk: string) => process.stderr.write(chunk);
  if (ws.project.kind !== 'git' || session.kind === 'dir' || session.kind === 'copy') {
    const { landCopy } = await import('../land/landCopy.js');
    return landCopy({
      ws,
      session,
      now: o.ctx.now(),
      ...(o.check ? { check: o.check } : {}),
      checkTimeoutMs: o.timeoutMs,
      stream,
    });
  }
  const base = session.base || (await resolveBase(ws));
  const { landSession } = await import('../land/landSession.js');
  return landSession({
    ws,
    session,
    base,
    strategy: o.strategy,
    syncMode: ws.config.land.sync,
    ...(o.check ? { check: o.check } : {}),
    checkTimeoutMs: o.timeoutMs,
    autostash: o.autostash,
    now: o.ctx.now(),
    stream,
  });
}

/**
 * `--rm`: as `qlock rm` (which refuses what would lose work). After a squash the session's commits
 * are not in base by identity, only by content: when its tree is clean and equals what landed, rm
 * is told so (force), since nothing of it would be lost.
 */
async function removeLanded(
  ws: Workspace,
  session: Session,
  outcome: LandOutcome,
  ctx: Context,
): Promise<true | string> {
  const { rm } = await import('./rm.js');
  let force = false;
  if (outcome.strategy === 'squash' && outcome.landed && ws.project.kind === 'git') {
    const { sameContentAsLanded } = await import('../land/landedContent.js');
    force = await sameContentAsLanded(session.path, outcome.to!);
  }
  try {
    await rm({ name: session.name, ...(force ? { force } : {}) }, ctx);
    return true;
  } catch (error) {
    if (error instanceof QlockError) return error.message;
    throw error;
  }
}

export function renderLand(result: LandResult, ctx: Context): string {
  const now = ctx.now();
  const lines: string[] = [];
  for (const o of result.results) lines.push(...renderOutcome(o, now));
  for (const name of result.removed) lines.push(messages.landRemoved(name));
  if (result.rmRefused)
    lines.push(c.red(messages.landRmRefused(result.rmRefused.session, result.rmRefused.reason)));
  if (result.stoppedAt && result.results.length + result.notTried.length > 1) {
    const landed = result.results.filter((o) => o.ok && o.landed).map((o) => o.session);
    lines.push(messages.landStoppedAt(result.stoppedAt, landed, result.notTried));
  }
  return lines.join('\n');
}

function renderOutcome(o: LandOutcome, now: Date): string[] {
  const lines: string[] = [];
  if (o.ok) {
    if (o.sync && !o.sync.upToDate) lines.push(messages.landSynced(o.sync.mode, o.base));
    if (o.check) lines.push(messages.landChecked(o.check.command, o.check.durationMs));
    else if (o.landed) lines.push(c.yellow(messages.landNothingChecked()));
    lines.push(
      o.landed
        ? c.green(
            o.strategy === 'copy'
              ? messages.landCopied(o.session, o.paths)
              : messages.landDone(o.session, o.base, o.strategy, o.from, o.to, o.commits),
          )
        : messages.landNothing(o.session, o.base),
    );
    if (o.baseCheckouts.length) lines.push(messages.landCheckoutsUpdated(o.baseCheckouts));
    if (o.landed) lines.push(messages.landNotified(o.notified));
    if (o.untracked.length) lines.push(c.dim(messages.landUntrackedStay(o.untracked)));
    if (o.keptStash) lines.push(c.yellow(messages.landKeptStash(o.keptStash)));
    return lines;
  }
  lines.push(c.red(failureMessage(o, now)));
  if (o.keptStash) lines.push(c.yellow(messages.landKeptStash(o.keptStash)));
  return lines;
}

function failureMessage(o: LandOutcome, now: Date): string {
  const f = o.failure!;
  const files = f.files ?? [];
  switch (f.stage) {
    case 'missing':
      return messages.landMissing(o.session);
    case 'not-git':
      return messages.landPlainNeedsGit(o.session);
    case 'busy':
      return messages.landBusy(o.session, f.reason ?? 'git operation');
    case 'on-base':
      return messages.landOnBase(o.session, o.base);
    case 'dirty':
      return messages.landDirty(o.session, files);
    case 'locked':
    case 'locked-meanwhile':
      return messages.landLocked(
        o.session,
        (f.locks ?? []).map((l) => `${l.path} by ${formatHolder(l, now)}`),
        f.stage === 'locked-meanwhile',
      );
    case 'base-checkout':
      return messages.landCheckoutInTheWay(f.checkouts ?? [], f.reason);
    case 'sync':
      return messages.landSyncConflict(o.session, o.base, f.mode ?? 'rebase', files, f.reason);
    case 'check': {
      const ch = o.check!;
      return messages.landCheckFailed(
        o.session,
        ch.command,
        ch.exitCode,
        ch.timedOut,
        o.checkTimeout ?? `${Math.round(ch.durationMs / 1000)}s`,
        ch.log,
        ch.interrupted === true,
      );
    }
    case 'tree-changed':
      return messages.landTreeChanged(o.session, files);
    case 'autostash':
      return messages.landAutostashConflict(o.session, o.base, files);
    case 'base-moved':
      return messages.landBaseMoved(o.base);
    case 'copy-back':
      return messages.landCopyBack(o.session, files);
  }
}
