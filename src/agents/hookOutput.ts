import type { AgentName, HookEvent } from '../project/agentNames.js';
import { ADAPTERS } from './adapters/index.js';
import type { HookOutcome } from './adapters/outputForms.js';
import type { HookCall } from './adapters/types.js';

/**
 * How qlock's words reach the model: each agent's adapter (src/agents/adapters/<agent>.ts) says
 * which form it honours, since each client ignores the others' JSON forms (verified against the
 * real clients, reference/agent-hooks.md §6-8):
 *
 * | agent       | context (session start, prompt)          | block a write                            | soft warning on a write      |
 * |-------------|------------------------------------------|------------------------------------------|------------------------------|
 * | Q, Kiro     | plain stdout                             | exit 2, reason on stderr                 | none                         |
 * | Claude Code | plain stdout                             | exit 2 + JSON permissionDecision "deny"  | PreToolUse additionalContext |
 * | Gemini CLI  | JSON hookSpecificOutput.additionalContext| exit 2 + JSON decision "deny"            | AfterTool additionalContext  |
 * | Codex CLI   | JSON hookSpecificOutput.additionalContext| exit 2 + JSON permissionDecision "deny"  | PreToolUse additionalContext |
 *
 * `call` carries who runs the hook (a program running another agent's hooks gets its own form).
 */

export type { HookOutcome } from './adapters/outputForms.js';
export { ALLOW, cap, MAX_CONTEXT, TRUNCATED } from './adapters/outputForms.js';

/** Context for the model at session start or with a user prompt. */
export function contextOutcome(
  agent: AgentName,
  event: HookEvent,
  text: string,
  call: HookCall = {},
): HookOutcome {
  return ADAPTERS[agent].context(event, text, call);
}

/** Blocks the tool call; the reason reaches the model. */
export function denyOutcome(
  agent: AgentName,
  event: HookEvent,
  reason: string,
  call: HookCall = {},
): HookOutcome {
  return ADAPTERS[agent].deny(event, reason, call);
}

/** Whether the agent can take a soft (non-blocking) warning at this event. */
export function takesWarning(agent: AgentName, event: HookEvent): boolean {
  return ADAPTERS[agent].warnAt.includes(event);
}

/** A non-blocking warning for the model (nothing where the agent has no such channel). */
export function warnOutcome(
  agent: AgentName,
  event: HookEvent,
  text: string,
  call: HookCall = {},
): HookOutcome {
  if (!takesWarning(agent, event)) return { exitCode: 0, stdout: '', stderr: '' };
  return ADAPTERS[agent].warn(event, text, call);
}
