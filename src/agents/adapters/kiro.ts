import path from 'node:path';

import { AGENT_TITLES } from '../../project/agentNames.js';
import type { JsonObject } from '../configEdits.js';
import { flatPart, homeDir } from './configParts.js';
import { exitDeny, plainContext } from './outputForms.js';
import { AGENT_FILE_MARK, agentFileTarget, Q_EVENTS } from './q.js';
import { type AgentAdapter, snakeCaseCall } from './types.js';

/**
 * Kiro CLI, Amazon Q CLI's successor (reference/agent-hooks.md §1.7): the same triggers, payload,
 * exit codes and outputs as Q. qlock writes a separate agent, `.kiro/agents/qlock.json` (global:
 * ~/.kiro/agents/), used with `kiro-cli chat --agent qlock` or `chat.defaultAgent = qlock`.
 * Kiro documents `write`/`shell` as aliases of fs_write/execute_bash; whether a matcher on one
 * matches the other is unconfirmed, so both are listed (the handler is idempotent).
 */

/** Kiro CLI: a separate agent, `kiro-cli chat --agent qlock` (or chat.defaultAgent = qlock). */
export const KIRO_AGENT: JsonObject = {
  name: 'qlock',
  description: `Kiro CLI with qlock's hooks, all tools like the default agent (${AGENT_FILE_MARK})`,
  tools: ['*'],
  allowedTools: ['fs_read'],
  resources: ['file://AGENTS.md', 'file://README.md', 'file://.kiro/steering/**/*.md'],
};

const KIRO_TOOLS = ['fs_write', 'execute_bash', 'write', 'shell'];

export const kiro: AgentAdapter = {
  name: 'kiro',
  title: AGENT_TITLES.kiro,
  events: Q_EVENTS,
  targets({ scope, dir, env }) {
    const base = scope === 'global' ? path.join(homeDir(env), '.kiro') : path.join(dir, '.kiro');
    const part = flatPart('kiro', Q_EVENTS, KIRO_TOOLS);
    return [agentFileTarget(part, path.join(base, 'agents', 'qlock.json'), { agent: KIRO_AGENT })];
  },
  bothScopesRun: false,
  readCall: (payload) => snakeCaseCall(payload),
  tools: {
    file: { fs_write: ['path'], write: ['path'] },
    patch: [],
    shell: ['execute_bash', 'execute_cmd', 'shell'],
  },
  context: (_event, text) => plainContext(text),
  deny: (_event, reason) => exitDeny(reason),
  warnAt: [],
  warn: (_event, text) => plainContext(text),
};
