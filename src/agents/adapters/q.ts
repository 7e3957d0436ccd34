import fs from 'node:fs';
import path from 'node:path';

import { AGENT_TITLES, type HookEvent } from '../../project/agentNames.js';
import { isObject, type JsonObject, removeFlat, removeMcpServer } from '../configEdits.js';
import { flatPart, homeDir, isEmptyObject, type JsonTarget, mcpPart, same } from './configParts.js';
import { exitDeny, plainContext } from './outputForms.js';
import { type AgentAdapter, snakeCaseCall } from './types.js';

/**
 * Amazon Q Developer CLI (reference/agent-hooks.md §1). Hooks live in an agent file: qlock writes
 * `.amazonq/cli-agents/q_cli_default.json` (global: ~/.aws/amazonq/cli-agents/), which in its
 * directory replaces the user's default agent, so it starts from that agent's settings. Flat hook
 * entries with glob matchers; payload `{hook_event_name, cwd, tool_name, tool_input}` with no
 * session id (the cwd is the session); `fs_write` names its file in `tool_input.path`.
 * Context: plain stdout. Deny: exit 2, reason on stderr. No soft-warning channel (an exit-0
 * stdout of preToolUse is dropped). MCP: `mcpServers` of the same agent file.
 */

export const AGENT_FILE_MARK = 'written by `qlock agent install`';

/** Amazon Q CLI's built-in default agent (q_cli_default), which a file of that name replaces. */
export const Q_DEFAULT_AGENT: JsonObject = {
  name: 'q_cli_default',
  description: `Amazon Q CLI's built-in default agent plus qlock's hooks (${AGENT_FILE_MARK})`,
  tools: ['*'],
  allowedTools: ['fs_read'],
  resources: ['file://AmazonQ.md', 'file://README.md', 'file://.amazonq/rules/**/*.md'],
  useLegacyMcpJson: true,
};

export const Q_EVENTS: Record<HookEvent, string> = {
  'session-start': 'agentSpawn',
  prompt: 'userPromptSubmit',
  'pre-tool': 'preToolUse',
  'post-tool': 'postToolUse',
};

const Q_TOOLS = ['fs_write', 'execute_bash'];

/** An agent file (Q, Kiro) that qlock creates repeats the default agent's settings. */
export function agentFileTarget(
  part: ReturnType<typeof flatPart>,
  file: string,
  base: { agent: JsonObject; from?: string; mode?: number },
): JsonTarget {
  return {
    kind: 'json',
    file,
    hooks: part,
    mcp: mcpPart(file),
    skeleton: () => structuredClone(base.agent),
    ...(base.from ? { skeletonFrom: base.from } : {}),
    ...(base.mode !== undefined ? { skeletonMode: base.mode } : {}),
    leftover: (config) => isEmptyObject(config) || same(config, base.agent),
  };
}

/**
 * What a new project-level q_cli_default.json starts from: the user's own default agent where
 * there is one, else the built-in default; either way plain `q chat` keeps its tools, resources
 * and MCP servers. (qlock's entries of a global install are left out: the new file has its own.)
 */
function qDefaultBase(userFile: string): { agent: JsonObject; from?: string; mode?: number } {
  try {
    const value: unknown = JSON.parse(fs.readFileSync(userFile, 'utf8'));
    if (isObject(value)) {
      removeFlat(value);
      removeMcpServer(value);
      return { agent: value, from: userFile, mode: fs.statSync(userFile).mode & 0o777 };
    }
  } catch {
    // none, or not readable by Q either: the built-in default
  }
  return { agent: Q_DEFAULT_AGENT };
}

export const q: AgentAdapter = {
  name: 'q',
  title: AGENT_TITLES.q,
  events: Q_EVENTS,
  targets({ scope, dir, env }) {
    const part = flatPart('q', Q_EVENTS, Q_TOOLS);
    const userFile = path.join(homeDir(env), '.aws', 'amazonq', 'cli-agents', 'q_cli_default.json');
    if (scope === 'global') return [agentFileTarget(part, userFile, { agent: Q_DEFAULT_AGENT })];
    const file = path.join(dir, '.amazonq', 'cli-agents', 'q_cli_default.json');
    return [agentFileTarget(part, file, qDefaultBase(userFile))];
  },
  bothScopesRun: false,
  readCall: (payload) => snakeCaseCall(payload),
  tools: { file: { fs_write: ['path'] }, patch: [], shell: ['execute_bash', 'execute_cmd'] },
  context: (_event, text) => plainContext(text),
  deny: (_event, reason) => exitDeny(reason),
  warnAt: [],
  warn: (_event, text) => plainContext(text),
};
