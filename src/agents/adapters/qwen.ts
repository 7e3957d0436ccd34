import path from 'node:path';

import { AGENT_TITLES, type HookEvent } from '../../project/agentNames.js';
import { groupedPart, homeDir, mcpPart, plainTarget, TIMEOUT_SEC } from './configParts.js';
import { exitDeny, nestedContext, permissionDeny } from './outputForms.js';
import { type AgentAdapter, snakeCaseCall } from './types.js';

/**
 * Qwen Code, a Gemini CLI fork with Claude's hook events (reference/agent-hooks.md §8).
 * `.qwen/settings.json` (global: ~/.qwen/settings.json) holds the hooks, in Claude's nested
 * format, and `mcpServers`; it does not read `.claude/settings*.json`. Payload as Claude's:
 * `session_id`, `cwd`, `tool_name` (`write_file`, `edit`, `replace`, `run_shell_command`),
 * `tool_input.file_path`. Context: `hookSpecificOutput.additionalContext` (session start: into the
 * system prompt; prompt: a part after the user's prompt); deny: exit 2 with the reason on stderr
 * (or `permissionDecision: "deny"`), which the model reads as the tool result; soft warning:
 * PostToolUse's additionalContext, appended to the tool result.
 *
 * Trap: UserPromptSubmit fires again after each tool result, with `"prompt": ""`. That is not a
 * user prompt: the digest waits for the next real one, so it never repeats within a turn.
 */

export const QWEN_TOOL_MATCHER = 'write_file|edit|replace|run_shell_command';
export const QWEN_AFTER_MATCHER = 'write_file|edit|replace';

const EVENTS: Record<HookEvent, string> = {
  'session-start': 'SessionStart',
  prompt: 'UserPromptSubmit',
  'pre-tool': 'PreToolUse',
  'post-tool': 'PostToolUse',
};

export const qwen: AgentAdapter = {
  name: 'qwen',
  title: AGENT_TITLES.qwen,
  pkg: '@qwen-code/qwen-code',
  events: EVENTS,
  targets({ scope, dir, env }) {
    const base = scope === 'global' ? path.join(homeDir(env), '.qwen') : path.join(dir, '.qwen');
    const file = path.join(base, 'settings.json');
    const hooks = groupedPart(
      'qwen',
      EVENTS,
      [
        ['session-start', undefined],
        ['prompt', undefined],
        ['pre-tool', QWEN_TOOL_MATCHER],
        ['post-tool', QWEN_AFTER_MATCHER],
      ],
      // Seconds (values of 1000 or more are read as the old milliseconds, with a warning).
      (_event, command) => ({ type: 'command', command, timeout: TIMEOUT_SEC }),
    );
    return [{ ...plainTarget(file, { hooks, mcp: mcpPart(file) }), comments: true }];
  },
  bothScopesRun: true,
  readCall: (payload) => snakeCaseCall(payload),
  tools: {
    file: { write_file: ['file_path'], edit: ['file_path'], replace: ['file_path'] },
    patch: [],
    shell: ['run_shell_command'],
  },
  context: (event, text) => nestedContext(EVENTS[event], text),
  deny: (event, reason) => exitDeny(reason, permissionDeny(EVENTS[event], reason)),
  // PreToolUse's additionalContext is dropped (0.24.4); PostToolUse's reaches the model.
  warnAt: ['post-tool'],
  warn: (event, text) => nestedContext(EVENTS[event], text),
  repeatPrompt: (call) => call.prompt === '',
};
