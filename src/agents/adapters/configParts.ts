import os from 'node:os';

import type { HookEvent } from '../../project/agentNames.js';
import type { AgentName } from '../../project/agentNames.js';
import { agentMessages as messages } from '../../ui/messages/agents.js';
import {
  type FlatEntry,
  type Group,
  type JsonObject,
  type Keep,
  reconcileFlat,
  reconcileGroups,
  removeFlat,
  removeGroups,
  removeMcpServer,
  setMcpServer,
} from '../configEdits.js';
import { hookCommand, type McpServerSpec, qlockMcpServer } from '../hookCommand.js';

/**
 * The building blocks of the files `qlock agent install` writes, shared by the agent adapters
 * (src/agents/adapters/<agent>.ts say which file gets which block).
 */

export type Scope = 'project' | 'global';

/** One kind of entry qlock keeps in a file: its hooks, or its MCP server. */
export interface Part {
  /** Puts qlock's entries in; returns notes for the user (e.g. a foreign MCP server skipped). */
  install(config: JsonObject): string[];
  /** Takes exactly qlock's entries out, leaving the containers `keep` names even when empty. */
  uninstall(config: JsonObject, keep: Keep): void;
}

export interface JsonTarget {
  kind: 'json';
  file: string;
  /** The agent reads comments in this file (Gemini CLI's settings are JSON with comments). */
  comments?: boolean;
  hooks?: Part;
  mcp?: Part;
  /** The content of a file qlock creates, before the parts are installed into it. */
  skeleton(): JsonObject;
  /** The user's file that skeleton() copies (Q: their own default agent), if any. */
  skeletonFrom?: string;
  /** The permissions of that file: a copy of a private file (it may hold tokens) stays private. */
  skeletonMode?: number;
  /** After uninstall: whether what is left is only what qlock's skeleton had (delete the file). */
  leftover(config: JsonObject): boolean;
}

export interface TomlTarget {
  kind: 'toml';
  file: string;
  mcp: McpServerSpec;
}

/**
 * A whole file that is qlock's own (OpenCode's plugin): written as `text()` when absent or
 * qlock's, taken out whole on uninstall. A file of that name that is not qlock's (no `mark`) is
 * never touched: install stops with an error naming it, before anything is written.
 */
export interface TextTarget {
  kind: 'text';
  file: string;
  /** The part this file carries ('hooks': it goes and comes with them). */
  part: 'hooks';
  text(): string;
  /** A line only qlock's file has. */
  mark: string;
}

export type Target = JsonTarget | TomlTarget | TextTarget;

export interface TargetOptions {
  scope: Scope;
  /** The session's worktree (project scope). */
  dir: string;
  env: NodeJS.ProcessEnv;
}

export function homeDir(env: NodeJS.ProcessEnv): string {
  return env.HOME || os.homedir();
}

export const isEmptyObject = (c: JsonObject) => Object.keys(c).length === 0;
export const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Timeouts the agents enforce around qlock (qlock's own timer fails open well before). */
export const TIMEOUT_SEC = 30;

/** Q's and Kiro's flat hooks: one entry per tool (their matchers are globs). */
export function flatPart(
  agent: AgentName,
  native: Record<HookEvent, string>,
  tools: string[],
): Part {
  const entry = (event: HookEvent, matcher?: string): FlatEntry => ({
    ...(matcher ? { matcher } : {}),
    command: hookCommand(agent, event),
    timeout_ms: TIMEOUT_SEC * 1000,
  });
  const desired = () => ({
    [native['session-start']]: [entry('session-start')],
    [native.prompt]: [entry('prompt')],
    [native['pre-tool']]: tools.map((t) => entry('pre-tool', t)),
  });
  return {
    install: (config) => (reconcileFlat(config, desired()), []),
    uninstall: (config, keep) => void removeFlat(config, keep),
  };
}

/** One handler of Claude's nested hook format (also Gemini's, Codex's, Qwen's). */
export type HandlerOf = (event: HookEvent, command: string) => JsonObject;

/** Hooks in Claude's nested format: `hooks.<Event>: [{matcher?, hooks: [handler]}]`. */
export function groupedPart(
  agent: AgentName,
  native: Record<HookEvent, string>,
  events: [HookEvent, string | undefined][],
  handler: HandlerOf,
): Part {
  const desired = () => {
    const groups: Record<string, Group[]> = {};
    for (const [event, matcher] of events) {
      const command = hookCommand(agent, event);
      groups[native[event]] = [
        { ...(matcher ? { matcher } : {}), hooks: [handler(event, command)] },
      ];
    }
    return groups;
  };
  return {
    install: (config) => (reconcileGroups(config, desired()), []),
    uninstall: (config, keep) => void removeGroups(config, keep),
  };
}

export function mcpEntry(): JsonObject {
  const spec = qlockMcpServer();
  return { command: spec.command, args: spec.args };
}

/** `mcpServers.qlock` (or under `key`), leaving a user's own server of that name alone. */
export function mcpPart(
  file: string,
  key = 'mcpServers',
  entry: () => JsonObject = mcpEntry,
): Part {
  return {
    install: (config) =>
      setMcpServer(config, entry(), key) === 'foreign' ? [messages.agentMcpForeign(file)] : [],
    uninstall: (config, keep) => void removeMcpServer(config, key, keep),
  };
}

export function plainTarget(file: string, parts: { hooks?: Part; mcp?: Part }): JsonTarget {
  return { kind: 'json', file, ...parts, skeleton: () => ({}), leftover: isEmptyObject };
}
