import { type AgentName, type HookEvent, NATIVE_EVENTS } from './agentNames.js';

/**
 * How qlock's words reach the model, per agent. Each client ignores the others' JSON forms, so
 * each gets the one it honours (verified against the real clients, reference/agent-hooks.md
 * §6-7; Q and Kiro from their source and docs, §1):
 *
 * | what                     | Q / Kiro               | Claude Code                 | Gemini CLI                        | Codex CLI                      |
 * |--------------------------|------------------------|-----------------------------|-----------------------------------|--------------------------------|
 * | context (session start,  | plain stdout, exit 0   | plain stdout, exit 0        | JSON hookSpecificOutput.          | JSON hookSpecificOutput.       |
 * |  each prompt)            |                        |                             |  additionalContext, exit 0        |  additionalContext, exit 0     |
 * | block a write            | exit 2, reason on      | exit 2, reason on stderr    | exit 2, reason on stderr          | exit 2, reason on stderr       |
 * |                          |  stderr                |  (+ JSON permissionDecision |  (+ JSON decision "deny" on       |  (+ JSON permissionDecision    |
 * |                          |                        |  "deny" on stdout)          |  stdout)                          |  "deny" on stdout)             |
 * | soft warning on a write  | none (exit-0 stdout of | JSON PreToolUse             | JSON AfterTool additionalContext  | JSON PreToolUse                |
 * |                          |  preToolUse is dropped)|  additionalContext          |  (BeforeTool has no context field)|  additionalContext             |
 *
 * Exit 2 with the reason on stderr is the one deny form all of them honour; the JSON deny beside
 * it is the form each one's own documentation names (clients read stdout JSON only on exit 0, so
 * it never contradicts the exit code). Gemini drops plain stdout (it goes to its stderr), hence
 * JSON for its context.
 */

export interface HookOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export const ALLOW: HookOutcome = { exitCode: 0, stdout: '', stderr: '' };

/**
 * Q cuts hook output at 10 KiB (bytes: "—" and non-ASCII paths count 2-3 each) and Claude spills
 * over 10k characters to a file: stay under both, in UTF-8 bytes.
 */
export const MAX_CONTEXT = 9000;
export const TRUNCATED = '\n… (truncated: see `qlock status`)';

export function cap(text: string): string {
  if (Buffer.byteLength(text) <= MAX_CONTEXT) return text;
  const room = MAX_CONTEXT - Buffer.byteLength(TRUNCATED);
  // Cut at a byte, then drop a character the cut split in two.
  const head = Buffer.from(text)
    .subarray(0, room)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return head + TRUNCATED;
}

function json(value: unknown): string {
  return JSON.stringify(value) + '\n';
}

/** Context for the model at session start or with a user prompt. */
export function contextOutcome(agent: AgentName, event: HookEvent, text: string): HookOutcome {
  const body = cap(text);
  if (agent === 'gemini' || agent === 'codex') {
    return {
      exitCode: 0,
      stdout: json({
        hookSpecificOutput: {
          hookEventName: NATIVE_EVENTS[agent][event],
          additionalContext: body,
        },
      }),
      stderr: '',
    };
  }
  return { exitCode: 0, stdout: body + '\n', stderr: '' };
}

/** Blocks the tool call; the reason reaches the model. */
export function denyOutcome(agent: AgentName, event: HookEvent, reason: string): HookOutcome {
  const native = NATIVE_EVENTS[agent][event];
  let stdout = '';
  if (agent === 'claude' || agent === 'codex') {
    stdout = json({
      hookSpecificOutput: {
        hookEventName: native,
        permissionDecision: 'deny',
        permissionDecisionReason: reason,
      },
    });
  } else if (agent === 'gemini') {
    stdout = json({ decision: 'deny', reason });
  }
  return { exitCode: 2, stdout, stderr: reason + '\n' };
}

/** Whether the agent can take a soft (non-blocking) warning at this event. */
export function takesWarning(agent: AgentName, event: HookEvent): boolean {
  if (agent === 'claude' || agent === 'codex') return event === 'pre-tool';
  if (agent === 'gemini') return event === 'post-tool';
  return false;
}

/** A non-blocking warning for the model (nothing where the agent has no such channel). */
export function warnOutcome(agent: AgentName, event: HookEvent, text: string): HookOutcome {
  if (!takesWarning(agent, event)) return ALLOW;
  return {
    exitCode: 0,
    stdout: json({
      hookSpecificOutput: {
        hookEventName: NATIVE_EVENTS[agent][event],
        additionalContext: cap(text),
      },
    }),
    stderr: '',
  };
}
