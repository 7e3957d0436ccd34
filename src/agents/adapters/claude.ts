import path from 'node:path';

import { AGENT_TITLES, type HookEvent } from '../../project/agentNames.js';
import { addToList, removeFromList } from '../configEdits.js';
import { MCP_SERVER_NAME } from '../hookCommand.js';
import {
  groupedPart,
  homeDir,
  mcpPart,
  type Part,
  plainTarget,
  TIMEOUT_SEC,
} from './configParts.js';
import { copilotHooksInstalled } from './copilot.js';
import {
  exitDeny,
  type HookOutcome,
  json,
  nestedContext,
  permissionDeny,
  plainContext,
  topLevelContext,
} from './outputForms.js';
import { type AgentAdapter, type HookCall, snakeCaseCall } from './types.js';

/**
 * Claude Code (reference/agent-hooks.md §2, §6). Hooks in `.claude/settings.local.json` (not
 * settings.json: they hold absolute paths of this machine, which must not end up in the team's
 * committed settings; global: ~/.claude/settings.json), MCP server in `.mcp.json` (approved in
 * settings.local.json; global: ~/.claude.json). Payload: `session_id`, `cwd`, `tool_name`,
 * `tool_input.file_path` (`notebook_path` for NotebookEdit). Context: plain stdout; deny: exit 2
 * with the reason on stderr plus `permissionDecision: "deny"`; soft warning: PreToolUse
 * `additionalContext`.
 *
 * Other programs run these hooks too (§8). GitHub Copilot CLI runs `.claude/settings*.json` with
 * Claude's tool names but its own arguments (`{path, file_text}`, `{path, old_str, new_str}`, a raw
 * patch string under `Edit`), honours a deny only as exit-0 JSON (on exit 2 its model reads just
 * "hook exited with code 2") and context only as a top-level `additionalContext`. It is recognised
 * by `COPILOT_CLI=1` in the hook's environment, and answered in its forms; when Copilot's own
 * qlock hooks (`.github/hooks/qlock.json`) are installed too, they answer and these stay silent, so
 * no write is checked twice and no context delivered twice. Cursor runs them with
 * `conversation_id` and `workspace_roots` instead of `cwd`.
 */

export const CLAUDE_TOOL_MATCHER = 'Write|Edit|MultiEdit|NotebookEdit|Bash';

const EVENTS: Record<HookEvent, string> = {
  'session-start': 'SessionStart',
  prompt: 'UserPromptSubmit',
  'pre-tool': 'PreToolUse',
  'post-tool': 'PostToolUse',
};

/** Claude Code's config dir: $CLAUDE_CONFIG_DIR, else ~/.claude (user settings live there). */
function claudeDir(env: NodeJS.ProcessEnv): string {
  return env.CLAUDE_CONFIG_DIR
    ? path.resolve(env.CLAUDE_CONFIG_DIR)
    : path.join(homeDir(env), '.claude');
}

/** Claude Code's user-scope MCP servers: ~/.claude.json (inside $CLAUDE_CONFIG_DIR when set). */
function claudeUserJson(env: NodeJS.ProcessEnv): string {
  return env.CLAUDE_CONFIG_DIR
    ? path.join(path.resolve(env.CLAUDE_CONFIG_DIR), '.claude.json')
    : path.join(homeDir(env), '.claude.json');
}

const hooks = () =>
  groupedPart(
    'claude',
    EVENTS,
    [
      ['session-start', undefined],
      ['prompt', undefined],
      ['pre-tool', CLAUDE_TOOL_MATCHER],
    ],
    (_event, command) => ({ type: 'command', command, timeout: TIMEOUT_SEC }),
  );

/** Claude's project settings: the hooks, and approval of the .mcp.json server qlock adds. */
function localHooks(): Part {
  const part = hooks();
  return {
    install(config) {
      part.install(config);
      if (config.enableAllProjectMcpServers !== true)
        addToList(config, 'enabledMcpjsonServers', MCP_SERVER_NAME);
      return [];
    },
    uninstall(config, keep) {
      part.uninstall(config, keep);
      removeFromList(config, 'enabledMcpjsonServers', MCP_SERVER_NAME, keep);
    },
  };
}

function readCall(payload: Record<string, unknown>, env: NodeJS.ProcessEnv): HookCall {
  const call = snakeCaseCall(payload);
  // Cursor: the workspace root stands for the cwd.
  const roots = payload.workspace_roots;
  if (!call.cwd && Array.isArray(roots) && typeof roots[0] === 'string') call.cwd = roots[0];
  if (env.COPILOT_CLI === '1') call.caller = 'copilot';
  return call;
}

export const claude: AgentAdapter = {
  name: 'claude',
  title: AGENT_TITLES.claude,
  pkg: '@anthropic-ai/claude-code',
  events: EVENTS,
  targets({ scope, dir, env }) {
    if (scope === 'global')
      return [
        plainTarget(path.join(claudeDir(env), 'settings.json'), { hooks: hooks() }),
        plainTarget(claudeUserJson(env), { mcp: mcpPart(claudeUserJson(env)) }),
      ];
    return [
      plainTarget(path.join(dir, '.claude', 'settings.local.json'), { hooks: localHooks() }),
      plainTarget(path.join(dir, '.mcp.json'), { mcp: mcpPart(path.join(dir, '.mcp.json')) }),
    ];
  },
  bothScopesRun: true,
  readCall,
  tools: {
    // `path`: Copilot CLI's own argument name under Claude's tool names.
    file: {
      Write: ['file_path', 'path'],
      Edit: ['file_path', 'path'],
      MultiEdit: ['file_path', 'path'],
      NotebookEdit: ['notebook_path', 'file_path', 'path'],
    },
    // Copilot's apply_patch arrives as `Edit` with the raw patch string as its input.
    patch: ['Edit'],
    shell: ['Bash'],
  },
  context: (event, text, call) =>
    call.caller === 'copilot' ? topLevelContext(text) : plainContext(text),
  deny(event, reason, call): HookOutcome {
    const decision = permissionDeny(EVENTS[event], reason);
    // Copilot honours the JSON deny (exit 0); Claude Code honours both forms.
    if (call.caller === 'copilot') return { exitCode: 0, stdout: json(decision), stderr: '' };
    return exitDeny(reason, decision);
  },
  // Copilot with its own qlock hooks installed: those answer (checked once, told once).
  deferTo: (call, cwd, env) =>
    call.caller === 'copilot' && copilotHooksInstalled(env.COPILOT_PROJECT_DIR || cwd),
  warnAt: ['pre-tool'],
  warn: (event, text, call) =>
    call.caller === 'copilot' ? topLevelContext(text) : nestedContext(EVENTS[event], text),
};
