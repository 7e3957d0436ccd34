/**
 * The forms in which a hook's answer reaches the model, shared by the agent adapters (each adapter
 * says which forms its agent honours; reference/agent-hooks.md §6-8 has the observations).
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

export function json(value: unknown): string {
  return JSON.stringify(value) + '\n';
}

/** Plain stdout, exit 0: the context form of Q, Kiro and Claude Code. */
export function plainContext(text: string): HookOutcome {
  return { exitCode: 0, stdout: cap(text) + '\n', stderr: '' };
}

/** `hookSpecificOutput.additionalContext`, exit 0 (Gemini, Codex, Qwen; Claude's soft warning). */
export function nestedContext(nativeEvent: string, text: string): HookOutcome {
  return {
    exitCode: 0,
    stdout: json({
      hookSpecificOutput: { hookEventName: nativeEvent, additionalContext: cap(text) },
    }),
    stderr: '',
  };
}

/** Top-level `additionalContext`, exit 0 (GitHub Copilot CLI, in its own hooks and in Claude's). */
export function topLevelContext(text: string): HookOutcome {
  return { exitCode: 0, stdout: json({ additionalContext: cap(text) }), stderr: '' };
}

/**
 * Exit 2 with the reason on stderr, plus (optionally) the JSON deny the agent's own documentation
 * names on stdout. Clients read stdout JSON only on exit 0, so it never contradicts the exit code.
 */
export function exitDeny(reason: string, stdoutJson?: unknown): HookOutcome {
  return { exitCode: 2, stdout: stdoutJson ? json(stdoutJson) : '', stderr: reason + '\n' };
}

/** Claude's `hookSpecificOutput.permissionDecision: "deny"` with its reason. */
export function permissionDeny(nativeEvent: string, reason: string) {
  return {
    hookSpecificOutput: {
      hookEventName: nativeEvent,
      permissionDecision: 'deny',
      permissionDecisionReason: reason,
    },
  };
}
