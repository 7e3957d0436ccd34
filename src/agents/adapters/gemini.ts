import path from 'node:path';

import { AGENT_TITLES, type HookEvent } from '../../project/agentNames.js';
import { groupedPart, homeDir, mcpPart, plainTarget, TIMEOUT_SEC } from './configParts.js';
import { exitDeny, nestedContext } from './outputForms.js';
import { type AgentAdapter, snakeCaseCall } from './types.js';

/**
 * Gemini CLI (reference/agent-hooks.md §3, §7). `.gemini/settings.json` (global: ~/.gemini/), JSON
 * with comments (kept), hooks and `mcpServers` in the same file. Events SessionStart, BeforeAgent,
 * BeforeTool, AfterTool; payload `tool_input.file_path` (may be relative). Context only as JSON
 * `hookSpecificOutput.additionalContext` (plain stdout goes to its stderr); deny: exit 2 plus
 * `{decision: "deny", reason}` (`permissionDecision` is ignored); soft warning: AfterTool's
 * additionalContext (BeforeTool has none).
 */

export const GEMINI_TOOL_MATCHER = 'write_file|replace|run_shell_command';
export const GEMINI_AFTER_MATCHER = 'write_file|replace';

const EVENTS: Record<HookEvent, string> = {
  'session-start': 'SessionStart',
  prompt: 'BeforeAgent',
  'pre-tool': 'BeforeTool',
  'post-tool': 'AfterTool',
};

export const gemini: AgentAdapter = {
  name: 'gemini',
  title: AGENT_TITLES.gemini,
  pkg: '@google/gemini-cli',
  events: EVENTS,
  targets({ scope, dir, env }) {
    const base =
      scope === 'global' ? path.join(homeDir(env), '.gemini') : path.join(dir, '.gemini');
    const file = path.join(base, 'settings.json');
    const hooks = groupedPart(
      'gemini',
      EVENTS,
      [
        ['session-start', undefined],
        ['prompt', undefined],
        ['pre-tool', GEMINI_TOOL_MATCHER],
        ['post-tool', GEMINI_AFTER_MATCHER],
      ],
      (event, command) => ({
        name: `qlock-${event}`,
        type: 'command',
        command,
        timeout: TIMEOUT_SEC * 1000,
      }),
    );
    return [{ ...plainTarget(file, { hooks, mcp: mcpPart(file) }), comments: true }];
  },
  bothScopesRun: true,
  readCall: (payload) => snakeCaseCall(payload),
  tools: {
    file: { write_file: ['file_path'], replace: ['file_path'] },
    patch: [],
    shell: ['run_shell_command'],
  },
  context: (event, text) => nestedContext(EVENTS[event], text),
  deny: (_event, reason) => exitDeny(reason, { decision: 'deny', reason }),
  warnAt: ['post-tool'],
  warn: (event, text) => nestedContext(EVENTS[event], text),
};
