import path from 'node:path';

import { RefusedError } from '../errors.js';
import { formatHolder } from '../locks/formatHolder.js';
import { normalizeLockPath } from '../locks/lockPath.js';
import { findBlockingLocks, isLockHonoured, lockCovers, locksOverlap } from '../locks/lockTable.js';
import type { AgentName } from '../project/agentNames.js';
import { findProject } from '../project/findProject.js';
import { loadHookConfig } from '../project/hookConfig.js';
import type { loadConfig } from '../project/loadConfig.js';
import { sessionForPath } from '../sessions/resolveSession.js';
import { autoLockSharing, otherMachinesCachedLocks } from '../shared/sharedMode.js';
import { readRegistry } from '../store/readRegistry.js';
import type { Lock, Registry, Session } from '../store/types.js';
import { createDebug } from '../ui/debug.js';
import { agentMessages as messages } from '../ui/messages/agents.js';
import { shellGuardMessages } from '../ui/messages/shellGuard.js';
import { parseDuration } from '../util/duration.js';
import type { HookCall } from './adapters/types.js';
import { ALLOW, denyOutcome, type HookOutcome, takesWarning, warnOutcome } from './hookOutput.js';
import { touchIfStale, warnOnce } from './sessionTouch.js';
import { writesStateDir } from './stateDirWrite.js';

const debug = createDebug('agents');

/**
 * Before a write (pre-tool), and after one for Gemini (post-tool, whose AfterTool is the only
 * place Gemini takes a soft warning): the files the tool call writes are checked against
 *
 * 1. other sessions' locks: `onLocked` block (the default) denies the call, naming holder, reason
 *    and what to do; warn turns that into a soft warning; in shared mode also other machines'
 *    locks as the remote held them at the last contact (src/shared/cachedLocks.ts, no network);
 * 2. `autoLock`: the write takes the lock for this session (all or nothing; a lock taken by
 *    another session in the meantime denies the call); in shared mode it is published to the
 *    remote in the background;
 * 3. other live sessions' change sets (`onOverlap` warn, the default: a soft warning where the
 *    agent has one, once per file and peers every 10 minutes; block denies);
 * 4. another session's worktree: a soft warning (the agent is editing someone else's copy).
 *
 * Nothing is printed when nothing is wrong. This is the hot path (≤ 1.5× `node -e ''`): it reads
 * the registry without the writer, loads no config library when there is no config file, and
 * spawns git only for step 3 (one process per other live session, concurrently).
 */

type Phase = 'pre-tool' | 'post-tool';

function lockLines(rels: string[], blocking: Lock[], now: Date): string[] {
  const lines: string[] = [];
  for (const rel of rels) {
    for (const lock of blocking) {
      if (locksOverlap(lock.path, rel))
        lines.push(messages.hookLockedPath(rel, lock.path, formatHolder(lock, now)));
    }
  }
  return [...new Set(lines)];
}

function lockDenial(
  rels: string[],
  blocking: Lock[],
  now: Date,
  unsure?: Map<string, string>,
): string {
  const text = messages.hookDenyLocked(
    lockLines(rels, blocking, now),
    [...new Set(blocking.map((l) => l.session))],
    [...new Set(blocking.map((l) => l.path))],
  );
  // Refused on a guess (shellDeferred.ts): say so, and how to go on.
  const whys = [
    ...new Set(
      rels.flatMap((rel) =>
        blocking.some((l) => locksOverlap(l.path, rel)) && unsure?.has(rel)
          ? [unsure.get(rel)!]
          : [],
      ),
    ),
  ];
  return whys.length ? `${text}\n${shellGuardMessages.shellUnsureNote(whys)}` : text;
}

async function autoLock(
  project: NonNullable<ReturnType<typeof findProject>>,
  config: Awaited<ReturnType<typeof loadConfig>>['config'],
  registry: Registry,
  self: Session,
  rels: string[],
  reason: string,
  now: Date,
): Promise<Lock[] | undefined> {
  const mine = registry.locks.filter(
    (l) => l.session === self.name && isLockHonoured(l, registry, now),
  );
  const needed = rels.filter((r) => !mine.some((l) => lockCovers(l.path, r)));
  if (!needed.length) return undefined;
  try {
    const { acquireLocks } = await import('../locks/acquireLocks.js');
    // Other machines hear of it too, in shared mode (src/shared/sharedMode.ts).
    const sharing = await autoLockSharing(project, config, self.name, now);
    await acquireLocks(project.stateDir, {
      session: self.name,
      paths: needed,
      reason,
      ...(config.lockTtl ? { ttlMs: parseDuration(config.lockTtl) } : {}),
      now,
      ...sharing.options,
    });
    sharing.publish();
    return undefined;
  } catch (error) {
    if (error instanceof RefusedError) {
      const holders = (error.details as { holders?: Lock[] } | undefined)?.holders;
      if (holders?.length) return holders;
    }
    debug(`autoLock failed: ${(error as Error).message}`);
    return undefined;
  }
}

/** Other machines' locks in the way (shared mode, from the cache): the deny text and the warning. */
async function remoteLocks(
  project: NonNullable<ReturnType<typeof findProject>>,
  config: Awaited<ReturnType<typeof loadConfig>>['config'],
  rels: string[],
  now: Date,
): Promise<{ deny: string; warn: string } | undefined> {
  const locks = await otherMachinesCachedLocks(project, config, rels, now);
  if (!locks.length) return undefined;
  const { sharedHolder } = await import('../ui/messages/remoteHolder.js');
  const lines = [
    ...new Set(
      rels.flatMap((rel) =>
        locks
          .filter((l) => locksOverlap(l.path, rel))
          .map((l) => messages.hookLockedPath(rel, l.path, sharedHolder(l, now))),
      ),
    ),
  ];
  const holders = [...new Set(locks.map((l) => `${l.session} of ${l.user || l.email}`))];
  return {
    deny: messages.hookDenyLocked(lines, holders, [...new Set(locks.map((l) => l.path))]),
    warn: messages.hookWarnLocked(lines),
  };
}

/** The config problem on stderr (the user sees it; a deny already carries its own reason there). */
function withProblem(outcome: HookOutcome, problem: string | undefined): HookOutcome {
  if (!problem || outcome.stderr.includes(problem)) return outcome;
  return { ...outcome, stderr: `${problem}\n${outcome.stderr}` };
}

/**
 * `paths`: the absolute paths the tool call writes (see toolTargets.ts); `unsureWhy`: of those,
 * the ones a shell command only may write, with why qlock could not be sure (shellDeferred.ts).
 */
export async function toolHook(
  agent: AgentName,
  phase: Phase,
  toolName: string,
  paths: string[],
  cwd: string,
  now: Date,
  call: HookCall = {},
  unsureWhy?: Map<string, string>,
): Promise<HookOutcome> {
  const project = findProject(cwd);
  if (!project) return ALLOW;
  // A damaged registry throws: runAgentHook lets the agent go on and says so (or blocks, with
  // failClosed).
  const registry = readRegistry(project.stateDir);
  // Inside the project but outside any session (the main checkout `qlock init --agent` wires):
  // every session's lock counts, as in that checkout's pre-commit hook; there is no session to
  // take a lock for (no autoLock) nor to keep alive.
  const self: Session | undefined = sessionForPath(registry, cwd);
  if (!self && !Object.keys(registry.sessions).length) return ALLOW;
  // A config file that cannot be used is enforced without its wrong keys (hookConfig.ts).
  const { config, problem } = await loadHookConfig(project.root, project.stateDir);

  const sessions = Object.values(registry.sessions);
  const intoState = paths.filter((abs) => writesStateDir(abs, project.stateDir, sessions));
  if (intoState.length && phase === 'pre-tool')
    return denyOutcome(agent, phase, messages.hookDenyStateDir(intoState[0]!));

  const rels: string[] = [];
  const unsure = new Map<string, string>();
  const warnings: string[] = [];
  for (const abs of paths) {
    let rel: string;
    try {
      rel = normalizeLockPath(project, cwd, abs);
    } catch {
      continue; // outside the project, or git's own state: not qlock's business
    }
    if (!rels.includes(rel)) rels.push(rel);
    const why = unsureWhy?.get(abs);
    if (why && !unsure.has(rel)) unsure.set(rel, why);
    // The deepest session containing the file: another one means another session's worktree.
    const where = path.resolve(abs);
    const owner = sessionForPath(registry, where);
    if (owner && owner.name !== self?.name)
      warnings.push(
        messages.hookWarnForeign(where, owner.name, owner.path, self?.path ?? project.worktreeRoot),
      );
  }
  if (!rels.length) return ALLOW;
  const who = self?.name ?? '-outside';

  if (phase === 'pre-tool') {
    const blocking = findBlockingLocks(registry, rels, self?.name, now);
    if (blocking.length && config.onLocked === 'block')
      return withProblem(
        denyOutcome(agent, phase, lockDenial(rels, blocking, now, unsure), call),
        problem,
      );
    if (blocking.length && config.onLocked === 'warn')
      warnings.push(messages.hookWarnLocked(lockLines(rels, blocking, now)));
    // Other machines' locks (shared mode), as last seen on the remote: no network here.
    const remote = await remoteLocks(project, config, rels, now);
    if (remote && config.onLocked === 'block') return denyOutcome(agent, phase, remote.deny, call);
    if (remote) warnings.push(remote.warn);
    if (!blocking.length && !remote && config.autoLock && self) {
      const reason = `autoLock: ${messages.agentTitle(agent)} ${toolName}`;
      const holders = await autoLock(project, config, registry, self, rels, reason, now);
      if (holders) return denyOutcome(agent, phase, lockDenial(rels, holders, now), call);
    }
  }

  const blockOverlap = config.onOverlap === 'block' && phase === 'pre-tool';
  if (config.onOverlap !== 'off' && (blockOverlap || takesWarning(agent, phase))) {
    const { peerChanges } = await import('./peerChanges.js');
    const peers = await peerChanges({
      project,
      registry,
      self: self?.name ?? '',
      rels,
      ownRoot: project.worktreeRoot,
      config,
      now,
    });
    if (peers.length && blockOverlap)
      return denyOutcome(agent, phase, messages.hookDenyOverlap(peers), call);
    const fresh = peers.filter((p) =>
      warnOnce(project.stateDir, who, `${p.path}\0${p.sessions.join(',')}`, now),
    );
    if (fresh.length) warnings.push(messages.hookWarnOverlap(fresh));
  }
  if (self) await touchIfStale(project.stateDir, self, now);
  // A config problem: said to the model once (per 10 minutes; a deny carries it on stderr, which
  // the model reads then), and on stderr for the user at every write.
  if (
    problem &&
    takesWarning(agent, phase) &&
    warnOnce(project.stateDir, who, `config\0${problem}`, now)
  )
    warnings.unshift(problem);
  const outcome = warnings.length ? warnOutcome(agent, phase, warnings.join('\n'), call) : ALLOW;
  return withProblem(outcome, problem);
}
