import { type AgentName, HOOK_EVENTS, type HookEvent } from '../../project/agentNames.js';
import { claude } from './claude.js';
import { codex } from './codex.js';
import { copilot } from './copilot.js';
import { gemini } from './gemini.js';
import { kiro } from './kiro.js';
import { opencode } from './opencode.js';
import { q } from './q.js';
import { qwen } from './qwen.js';
import type { AgentAdapter, ToolSpec } from './types.js';

/** Every agent's adapter (src/agents/adapters/<agent>.ts), by name. */
export const ADAPTERS: Record<AgentName, AgentAdapter> = {
  q,
  kiro,
  claude,
  gemini,
  codex,
  qwen,
  copilot,
  opencode,
};

export function adapterOf(agent: AgentName): AgentAdapter {
  return ADAPTERS[agent];
}

/** qlock's event for `name` (qlock's own or the agent's native name, any case), or undefined. */
export function parseHookEvent(agent: AgentName, name: string): HookEvent | undefined {
  const lower = name.toLowerCase();
  for (const event of HOOK_EVENTS) {
    if (event === lower || ADAPTERS[agent].events[event].toLowerCase() === lower) return event;
  }
  return undefined;
}

/**
 * The tools a hook of `agent` checks: its own, then every other agent's (a hook may be run by
 * another program than the one it was written for, §8 of reference/agent-hooks.md, or by a
 * hand-written config), each file tool with every path field any agent uses for it.
 */
export function toolSpecFor(agent: AgentName): ToolSpec {
  const order = [ADAPTERS[agent], ...Object.values(ADAPTERS).filter((a) => a.name !== agent)];
  const file: Record<string, string[]> = {};
  for (const adapter of order)
    for (const [tool, fields] of Object.entries(adapter.tools.file))
      file[tool] = [...new Set([...(file[tool] ?? []), ...fields])];
  return {
    file,
    patch: [...new Set(order.flatMap((a) => a.tools.patch))],
    shell: [...new Set(order.flatMap((a) => a.tools.shell))],
    ...(ADAPTERS[agent].tools.hiddenWorkdir ? { hiddenWorkdir: true } : {}),
  };
}
