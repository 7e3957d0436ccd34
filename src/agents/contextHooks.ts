import path from 'node:path';

import { readChangeSet } from '../changes/readChangeSet.js';
import { formatHolder } from '../locks/formatHolder.js';
import { isLockHonoured } from '../locks/lockTable.js';
import type { AgentName } from '../project/agentNames.js';
import type { Project } from '../project/findProject.js';
import { findProject } from '../project/findProject.js';
import { loadHookConfig } from '../project/hookConfig.js';
import type { Workspace } from '../project/openWorkspace.js';
import { sessionForPath } from '../sessions/resolveSession.js';
import { isLive, sessionState } from '../sessions/sessionState.js';
import { readRegistry } from '../store/readRegistry.js';
import type { Registry, Session } from '../store/types.js';
import { createDebug } from '../ui/debug.js';
import { messages } from '../ui/messages.js';
import { type BriefingSession } from '../ui/messages/agents.js';
import { compareText } from '../util/compareText.js';
import type { HookCall } from './adapters/types.js';
import { ALLOW, contextOutcome, type HookOutcome } from './hookOutput.js';
import { touchIfStale, warnOnce } from './sessionTouch.js';

const debug = createDebug('agents');

/**
 * The two hooks that put text into the model's context:
 * - session start: a briefing (who else works here and on what, the locks, unread events);
 * - each user prompt: the events since the last prompt (main moved, overlaps started by others,
 *   a lock of yours broken, notes...), then marked read; nothing at all when nothing is new.
 * Both first check whether base moved (one rev-parse when it did not), so a commit on main shows
 * up at the next prompt even without `qlock watch`.
 */

/** Reading the other sessions' change sets for the briefing gives up after this long. */
const CHANGES_BUDGET_MS = 2500;

interface Found {
  project: Project;
  registry: Registry;
  self: Session;
  ws: Workspace;
  /** The config file could not be used as written (see hookConfig.ts). */
  problem?: string;
}

async function locate(cwd: string): Promise<Found | undefined> {
  const project = findProject(cwd);
  if (!project) return undefined;
  const registry = readRegistry(project.stateDir);
  const self = sessionForPath(registry, cwd);
  if (!self) return undefined;
  const { config, file, problem } = await loadHookConfig(project.root, project.stateDir);
  return {
    project,
    registry,
    self,
    ws: { project, config, ...(file ? { configFile: file } : {}) },
    ...(problem ? { problem } : {}),
  };
}

/**
 * Where agents put the worktrees they create themselves, relative to the main checkout: Claude
 * Code's `--worktree` (`.claude/worktrees/<name>`, made with `git -c core.hooksPath=/dev/null
 * worktree add`, so qlock's post-checkout autoJoin never sees it).
 */
const AGENT_WORKTREES = [['.claude', 'worktrees']];

/**
 * A worktree an agent created in the project (AGENT_WORKTREES) and that is no session yet becomes
 * one at its first session start, as post-checkout's `autoJoin` does for `git worktree add`
 * (same rule: only with autoJoin on). Returns the line that tells the model, or undefined.
 */
async function joinAgentWorktree(cwd: string, now: Date): Promise<string | undefined> {
  const project = findProject(cwd);
  if (project?.kind !== 'git' || !project.gitDir || project.gitDir === project.commonDir) return;
  const root = project.worktreeRoot;
  const inside = AGENT_WORKTREES.some((parts) => {
    const rel = path.relative(path.join(project.root, ...parts), root);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) && !rel.includes(path.sep);
  });
  if (!inside) return;
  try {
    if (!(await loadHookConfig(project.root, project.stateDir)).config.autoJoin) return;
    const { joinSession } = await import('../sessions/joinSession.js');
    const { deriveSessionName } = await import('../sessions/sessionName.js');
    const name = deriveSessionName(path.basename(root));
    const { session, alreadyRegistered } = await joinSession(
      { name },
      {
        cwd: root,
        env: process.env,
        json: false,
        now: () => now,
        out: () => {},
        err: () => {},
      },
    );
    return alreadyRegistered ? undefined : messages.agentWorktreeJoined(session.name, root);
  } catch (error) {
    debug(`joining ${root} failed: ${(error as Error).message}`);
    return undefined;
  }
}

/** Main moved? Records the events; a failure only loses this early notice. */
async function noticeMainMoved(ws: Workspace, now: Date): Promise<void> {
  try {
    const { checkMainMoved } = await import('../conflicts/mainMoved.js');
    await checkMainMoved(ws, now);
  } catch (error) {
    debug(`main-moved check failed: ${(error as Error).message}`);
  }
}

export async function promptHook(
  agent: AgentName,
  cwd: string,
  now: Date,
  call: HookCall = {},
): Promise<HookOutcome> {
  const found = await locate(cwd);
  if (!found) return ALLOW;
  await noticeMainMoved(found.ws, now);
  const { takeDigest } = await import('../inbox/digest.js');
  const digest = await takeDigest(found.project.stateDir, found.self.name, now);
  await touchIfStale(found.project.stateDir, found.self, now);
  // A config file that cannot be used: said once (per 10 minutes, with the write hooks' warning).
  const problem =
    found.problem &&
    warnOnce(found.project.stateDir, found.self.name, `config\0${found.problem}`, now)
      ? [found.problem]
      : [];
  if (!digest.lines.length && !problem.length) return ALLOW;
  const text = digest.lines.length
    ? [
        messages.digestTitle(digest.lines.length + digest.more),
        ...digest.lines,
        ...(digest.more ? [messages.digestLater(digest.more)] : []),
      ]
    : [];
  return contextOutcome(agent, 'prompt', [...problem, ...text].join('\n'), call);
}

/** Other sessions' changed files, or undefined for those not read within the budget. */
async function changesOf(
  found: Found,
  others: Session[],
): Promise<Map<string, string[] | undefined>> {
  const result = new Map<string, string[] | undefined>();
  const reads = others.map(async (s) => {
    try {
      const set = await readChangeSet(found.project, s, s.base, found.ws.config.ignore);
      result.set(s.name, set.all);
    } catch (error) {
      debug(`change set of ${s.name}: ${(error as Error).message}`);
    }
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(reads),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CHANGES_BUDGET_MS);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
  return new Map(others.map((s) => [s.name, result.get(s.name)]));
}

/**
 * Session start in a checkout that is no session (the main checkout `qlock init --agent` wires):
 * the sessions and their locks, which count here too; nothing when the project has no session.
 * Its prompts stay silent: it has no inbox, and nothing is addressed to it.
 */
async function outsideBriefing(agent: AgentName, cwd: string, now: Date): Promise<HookOutcome> {
  const project = findProject(cwd);
  if (!project) return ALLOW;
  const registry = readRegistry(project.stateDir);
  if (!Object.keys(registry.sessions).length) return ALLOW;
  const { config, problem } = await loadHookConfig(project.root, project.stateDir);
  const sessions = Object.values(registry.sessions)
    .map((s) => ({ s, state: sessionState(s, now, config) }))
    .filter(({ state }) => state !== 'missing')
    .sort((a, b) => compareText(a.s.name, b.s.name));
  const lines = [messages.briefingOutside(project.worktreeRoot, sessions.length)];
  if (problem) lines.push(problem);
  if (sessions.length) {
    lines.push(messages.briefingSessionsHere());
    for (const { s, state } of sessions)
      lines.push(
        messages.briefingSession({
          name: s.name,
          state,
          ...(s.branch ? { branch: s.branch } : {}),
        }),
      );
  }
  const locks = registry.locks.filter((l) => isLockHonoured(l, registry, now));
  if (locks.length) {
    lines.push(messages.briefingLocksTitle());
    for (const l of locks)
      lines.push(
        messages.briefingLock({ path: l.path, holder: formatHolder(l, now), mine: false }),
      );
  }
  return contextOutcome(agent, 'session-start', lines.join('\n'));
}

export async function sessionStartHook(
  agent: AgentName,
  cwd: string,
  now: Date,
  call: HookCall = {},
): Promise<HookOutcome> {
  let found = await locate(cwd);
  const joined = found ? undefined : await joinAgentWorktree(cwd, now);
  if (joined) found = await locate(cwd);
  if (!found) return outsideBriefing(agent, cwd, now);
  const { project, self, ws } = found;
  await noticeMainMoved(ws, now);
  // The same digest as at each prompt: ranked, deduplicated, capped, only what is shown read.
  const { takeDigest } = await import('../inbox/digest.js');
  const digest = await takeDigest(project.stateDir, self.name, now);
  const registry = readRegistry(project.stateDir);
  const states = new Map(
    Object.values(registry.sessions).map((s) => [s.name, sessionState(s, now, ws.config)]),
  );
  const others = Object.values(registry.sessions)
    .filter((s) => s.name !== self.name && states.get(s.name) !== 'missing')
    .sort((a, b) => compareText(a.name, b.name));
  const live = others.filter((s) => isLive(states.get(s.name)!));
  const changes = await changesOf(found, live);

  const lines = [messages.briefingIntro(self.name, self.branch, self.base, 1 + others.length)];
  if (joined) lines.push(joined);
  if (found.problem) lines.push(found.problem);
  if (others.length) {
    lines.push(messages.briefingSessionsTitle());
    for (const s of others) {
      const row: BriefingSession = {
        name: s.name,
        state: states.get(s.name)!,
        ...(s.branch ? { branch: s.branch } : {}),
      };
      if (changes.has(s.name)) row.changed = changes.get(s.name) ?? 'unknown';
      lines.push(messages.briefingSession(row));
    }
  }
  const locks = registry.locks.filter((l) => isLockHonoured(l, registry, now));
  if (locks.length) {
    lines.push(messages.briefingLocksTitle());
    for (const l of locks)
      lines.push(
        messages.briefingLock({
          path: l.path,
          holder: formatHolder(l, now),
          mine: l.session === self.name,
        }),
      );
  }
  if (digest.lines.length)
    lines.push(
      messages.briefingEventsTitle(digest.lines.length + digest.more),
      ...digest.lines,
      ...(digest.more ? [messages.digestLater(digest.more)] : []),
    );
  lines.push(messages.briefingHowTo());
  await touchIfStale(project.stateDir, self, now);
  return contextOutcome(agent, 'session-start', lines.join('\n'), call);
}
