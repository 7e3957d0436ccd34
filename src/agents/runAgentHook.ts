import path from 'node:path';

import type { AgentName, HookEvent } from '../project/agentNames.js';
import { createDebug } from '../ui/debug.js';
import { ADAPTERS, toolSpecFor } from './adapters/index.js';
import type { HookCall } from './adapters/types.js';
import { ALLOW, denyOutcome, type HookOutcome } from './hookOutput.js';

const debug = createDebug('agents');

/**
 * `qlock agent-hook <agent> <event>`: what the agent's hook runs. It never hangs the agent and
 * never breaks it on qlock's own problems:
 * - stdin is always read to the end (an agent writing a large payload must not get EPIPE), even
 *   when the payload is not needed (QLOCK=0);
 * - a timer bounds the whole run; when it fires, the agent goes on (exit 0) with a note on stderr;
 * - an internal error lets the agent go on too, unless `failClosed` is set, which blocks writes;
 * - the payload's cwd, the worktree, is the session's identity (Q gives no session id); a cwd
 *   outside the project is a no-op with exit 0; inside the project but outside any session (the
 *   main checkout), every session's lock counts, as in that checkout's pre-commit hook.
 */

export interface RunHookOptions {
  agent: AgentName;
  event: HookEvent;
  readInput: () => Promise<string>;
  /** Used when the payload carries no absolute cwd. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  timeoutMs?: number;
}

export interface RunHookResult {
  outcome: HookOutcome;
  /** The timer fired: work may still be running (the caller should exit now). */
  timedOut: boolean;
}

/** Time budgets per event; the agents' own timeouts (30 s) sit well above. */
const BUDGET_MS: Record<HookEvent, number> = {
  'pre-tool': 3000,
  'post-tool': 3000,
  prompt: 5000,
  'session-start': 8000,
};

export function parsePayload(input: string): Record<string, unknown> {
  if (!input.trim()) return {};
  try {
    const data: unknown = JSON.parse(input);
    return data && typeof data === 'object' && !Array.isArray(data)
      ? (data as Record<string, unknown>)
      : {};
  } catch {
    debug('stdin is not JSON; ignored');
    return {};
  }
}

async function dispatch(options: RunHookOptions, cwd: string, call: HookCall) {
  const { agent, event } = options;
  const now = options.now();
  if (ADAPTERS[agent].deferTo?.(call, cwd, options.env)) {
    debug(`${event}: ${call.caller ?? 'the caller'} runs its own qlock hooks; nothing here`);
    return ALLOW;
  }
  switch (event) {
    case 'pre-tool':
    case 'post-tool': {
      // Most tool calls write nothing qlock can see (a read, `git status`): answer those before
      // loading anything else. The shell command reader is loaded only for a shell tool.
      const tools = toolSpecFor(agent);
      const { fileTargets } = await import('./fileTargets.js');
      const targets =
        fileTargets(call.tool, call.input, cwd, tools) ??
        (await import('./toolTargets.js')).toolTargets(call.tool, call.input, cwd, tools);
      debug(`${event} ${String(call.tool)}: ${targets.paths.join(', ') || 'no paths'}`);
      let paths = targets.paths;
      let unsure: Map<string, string> | undefined;
      if (targets.deferred?.length && event === 'pre-tool') {
        // Writes only the locks can pin down (find -exec, xargs, git reset --hard, scripts…).
        const { resolveDeferred } = await import('./shellDeferred.js');
        const resolved = await resolveDeferred(targets.deferred, cwd, now);
        paths = [...new Set([...paths, ...resolved.paths])];
        unsure = resolved.why;
        for (const certain of targets.paths) unsure.delete(certain);
      }
      if (!paths.length) return ALLOW;
      const { toolHook } = await import('./toolHook.js');
      return toolHook(agent, event, call.tool ?? '', paths, cwd, now, call, unsure);
    }
    case 'prompt': {
      if (ADAPTERS[agent].repeatPrompt?.(call)) return ALLOW;
      const { promptHook } = await import('./contextHooks.js');
      return promptHook(agent, cwd, now, call);
    }
    case 'session-start': {
      const { sessionStartHook } = await import('./contextHooks.js');
      return sessionStartHook(agent, cwd, now, call);
    }
  }
}

/** Whether the project around `cwd` asks hooks to block when they fail (config failClosed). */
async function failClosed(cwd: string): Promise<boolean> {
  try {
    const { findProject } = await import('../project/findProject.js');
    const project = findProject(cwd);
    if (!project) return false;
    const { loadHookConfig } = await import('../project/hookConfig.js');
    return (await loadHookConfig(project.root, project.stateDir)).config.failClosed;
  } catch {
    return false;
  }
}

export async function runAgentHook(options: RunHookOptions): Promise<RunHookResult> {
  const envBudget = Number(options.env.QLOCK_AGENT_HOOK_TIMEOUT_MS);
  const budget =
    options.timeoutMs ?? (envBudget > 0 ? envBudget : undefined) ?? BUDGET_MS[options.event];
  let cwd = options.cwd;
  let call: HookCall = {};
  const work = (async (): Promise<HookOutcome> => {
    const input = await options.readInput();
    if (options.env.QLOCK === '0') return ALLOW;
    call = ADAPTERS[options.agent].readCall(parsePayload(input), options.env);
    if (call.cwd && path.isAbsolute(call.cwd)) cwd = call.cwd;
    try {
      return await dispatch(options, cwd, call);
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
      debug(`failed: ${error instanceof Error ? error.stack : message}`);
      const { agentMessages: messages } = await import('../ui/messages/agents.js');
      if (options.event === 'pre-tool' && (await failClosed(cwd)))
        return denyOutcome(options.agent, options.event, messages.hookFailClosed(message), call);
      return { ...ALLOW, stderr: messages.hookInternal(message) + '\n' };
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<RunHookResult>((resolve) => {
    timer = setTimeout(() => {
      void import('../ui/messages/agents.js').then(({ agentMessages: messages }) =>
        resolve({
          outcome: { ...ALLOW, stderr: messages.hookTimedOut(budget) + '\n' },
          timedOut: true,
        }),
      );
    }, budget);
  });
  try {
    return await Promise.race([work.then((outcome) => ({ outcome, timedOut: false })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
