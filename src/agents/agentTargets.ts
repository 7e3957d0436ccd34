import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { findProject } from '../project/findProject.js';
import { messages } from '../ui/messages.js';
import { type AgentName, type HookEvent, NATIVE_EVENTS } from './agentNames.js';
import {
  addToList,
  type FlatEntry,
  type Group,
  isObject,
  type JsonObject,
  type Keep,
  reconcileFlat,
  reconcileGroups,
  removeFlat,
  removeFromList,
  removeGroups,
  removeMcpServer,
  setMcpServer,
} from './configEdits.js';
import { hookCommand, MCP_SERVER_NAME, type McpServerSpec, qlockMcpServer } from './hookCommand.js';

/**
 * Where each agent keeps its configuration and what qlock puts there. Facts from
 * reference/agent-hooks.md:
 *
 * | agent  | hooks file (project / --global)                              | MCP server                                  |
 * |--------|--------------------------------------------------------------|---------------------------------------------|
 * | q      | .amazonq/cli-agents/q_cli_default.json / ~/.aws/amazonq/…    | `mcpServers` of the same agent file         |
 * | kiro   | .kiro/agents/qlock.json / ~/.kiro/agents/qlock.json          | `mcpServers` of the same agent file         |
 * | claude | .claude/settings.local.json / ~/.claude/settings.json        | .mcp.json / ~/.claude.json `mcpServers`     |
 * | gemini | .gemini/settings.json / ~/.gemini/settings.json              | `mcpServers` of the same settings file      |
 * | codex  | <main checkout>/.codex/hooks.json / ~/.codex/hooks.json      | .codex/config.toml / ~/.codex/config.toml   |
 *
 * Claude's project hooks go to settings.local.json, not settings.json: they hold absolute paths of
 * this machine (node, qlock), which must not end up in the team's committed settings.
 *
 * Only Gemini CLI reads comments in its settings (strip-json-comments); Claude Code silently
 * ignores a settings file with a comment (hooks and all, seen with 2.1.330), and Q, Kiro and Codex
 * parse strict JSON, so qlock refuses to edit a commented file of theirs.
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

export type Target = JsonTarget | TomlTarget;

export interface TargetOptions {
  scope: Scope;
  /** The session's worktree (project scope). */
  dir: string;
  env: NodeJS.ProcessEnv;
}

export function homeDir(env: NodeJS.ProcessEnv): string {
  return env.HOME || os.homedir();
}

/** Codex's home: $CODEX_HOME, else ~/.codex. */
export function codexHome(env: NodeJS.ProcessEnv): string {
  return env.CODEX_HOME ? path.resolve(env.CODEX_HOME) : path.join(homeDir(env), '.codex');
}

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

const isEmptyObject = (c: JsonObject) => Object.keys(c).length === 0;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Matchers of the tool hooks, per agent (Q and Kiro take globs: one entry per tool). */
const Q_TOOLS = ['fs_write', 'execute_bash'];
/** Kiro documents `write`/`shell` as aliases of fs_write/execute_bash; whether a matcher on one
 * matches the other is unconfirmed, so both are listed (the handler is idempotent). */
const KIRO_TOOLS = ['fs_write', 'execute_bash', 'write', 'shell'];
export const CLAUDE_TOOL_MATCHER = 'Write|Edit|MultiEdit|NotebookEdit|Bash';
export const GEMINI_TOOL_MATCHER = 'write_file|replace|run_shell_command';
export const GEMINI_AFTER_MATCHER = 'write_file|replace';
export const CODEX_TOOL_MATCHER = 'apply_patch|Bash';

/** Timeouts the agents enforce around qlock (qlock's own timer fails open well before). */
const TIMEOUT_SEC = 30;

function flatHooks(agent: 'q' | 'kiro', tools: string[]): Record<string, FlatEntry[]> {
  const entry = (event: HookEvent, matcher?: string): FlatEntry => ({
    ...(matcher ? { matcher } : {}),
    command: hookCommand(agent, event),
    timeout_ms: TIMEOUT_SEC * 1000,
  });
  return {
    agentSpawn: [entry('session-start')],
    userPromptSubmit: [entry('prompt')],
    preToolUse: tools.map((t) => entry('pre-tool', t)),
  };
}

function groupedHooks(agent: 'claude' | 'gemini' | 'codex'): Record<string, Group[]> {
  const events: [HookEvent, string | undefined][] =
    agent === 'claude'
      ? [
          ['session-start', undefined],
          ['prompt', undefined],
          ['pre-tool', CLAUDE_TOOL_MATCHER],
        ]
      : agent === 'gemini'
        ? [
            ['session-start', undefined],
            ['prompt', undefined],
            ['pre-tool', GEMINI_TOOL_MATCHER],
            ['post-tool', GEMINI_AFTER_MATCHER],
          ]
        : [
            ['session-start', undefined],
            ['prompt', undefined],
            ['pre-tool', CODEX_TOOL_MATCHER],
          ];
  const desired: Record<string, Group[]> = {};
  for (const [event, matcher] of events) {
    const command = hookCommand(agent, event);
    // Codex: no timeout, so the trust hash uses Codex's default and no field name can mismatch.
    const handler: JsonObject =
      agent === 'gemini'
        ? { name: `qlock-${event}`, type: 'command', command, timeout: TIMEOUT_SEC * 1000 }
        : agent === 'claude'
          ? { type: 'command', command, timeout: TIMEOUT_SEC }
          : { type: 'command', command };
    desired[NATIVE_EVENTS[agent][event]] = [{ ...(matcher ? { matcher } : {}), hooks: [handler] }];
  }
  return desired;
}

function mcpEntry(): JsonObject {
  const spec = qlockMcpServer();
  return { command: spec.command, args: spec.args };
}

/** `mcpServers.qlock` (or `key`), leaving a user's own server of that name alone. */
function mcpPart(file: string, key = 'mcpServers'): Part {
  return {
    install: (config) =>
      setMcpServer(config, mcpEntry(), key) === 'foreign' ? [messages.agentMcpForeign(file)] : [],
    uninstall: (config, keep) => void removeMcpServer(config, key, keep),
  };
}

function flatPart(agent: 'q' | 'kiro', tools: string[]): Part {
  return {
    install: (config) => (reconcileFlat(config, flatHooks(agent, tools)), []),
    uninstall: (config, keep) => void removeFlat(config, keep),
  };
}

function groupedPart(agent: 'claude' | 'gemini' | 'codex'): Part {
  return {
    install: (config) => (reconcileGroups(config, groupedHooks(agent)), []),
    uninstall: (config, keep) => void removeGroups(config, keep),
  };
}

/** An agent file (Q, Kiro) that qlock creates repeats the default agent's settings. */
function agentFileTarget(
  agent: 'q' | 'kiro',
  file: string,
  base: { agent: JsonObject; from?: string; mode?: number },
  tools: string[],
): JsonTarget {
  return {
    kind: 'json',
    file,
    hooks: flatPart(agent, tools),
    mcp: mcpPart(file),
    skeleton: () => structuredClone(base.agent),
    ...(base.from ? { skeletonFrom: base.from } : {}),
    ...(base.mode !== undefined ? { skeletonMode: base.mode } : {}),
    leftover: (config) => isEmptyObject(config) || same(config, base.agent),
  };
}

/**
 * What a new project-level q_cli_default.json starts from. In its directory that file replaces
 * the user's own default agent (~/.aws/amazonq/cli-agents/q_cli_default.json) where there is
 * one, else the built-in default: either way plain `q chat` keeps its tools, resources and MCP
 * servers. (qlock's entries of a global install are left out: the new file carries its own.)
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

/** Kiro CLI: a separate agent, `kiro-cli chat --agent qlock` (or chat.defaultAgent = qlock). */
export const KIRO_AGENT: JsonObject = {
  name: 'qlock',
  description: `Kiro CLI with qlock's hooks, all tools like the default agent (${AGENT_FILE_MARK})`,
  tools: ['*'],
  allowedTools: ['fs_read'],
  resources: ['file://AGENTS.md', 'file://README.md', 'file://.kiro/steering/**/*.md'],
};

function plainTarget(file: string, parts: { hooks?: Part; mcp?: Part }): JsonTarget {
  return { kind: 'json', file, ...parts, skeleton: () => ({}), leftover: isEmptyObject };
}

/** Claude's project settings: the hooks, and approval of the .mcp.json server qlock adds. */
function claudeLocalHooks(): Part {
  const hooks = groupedPart('claude');
  return {
    install(config) {
      hooks.install(config);
      if (config.enableAllProjectMcpServers !== true)
        addToList(config, 'enabledMcpjsonServers', MCP_SERVER_NAME);
      return [];
    },
    uninstall(config, keep) {
      hooks.uninstall(config, keep);
      removeFromList(config, 'enabledMcpjsonServers', MCP_SERVER_NAME, keep);
    },
  };
}

/**
 * Where Codex reads a worktree's project hooks: in a linked git worktree, from the main
 * checkout's `.codex/hooks.json` (codex-rs config loader, hooks_config_folder_override), while the
 * rest of the project config (config.toml, and with it the MCP server) comes from the worktree's
 * own `.codex/`, which must exist for Codex to consider the project layer at all. So qlock's Codex
 * hooks are shared by every worktree of a repository; verified with Codex 0.169.
 */
export function codexHooksRoot(dir: string): string {
  const project = findProject(dir);
  if (project?.kind !== 'git' || !project.commonDir) return dir;
  if (path.basename(project.commonDir) !== '.git') return dir; // bare repository: no main checkout
  return project.root;
}

/** Every file `qlock agent install <agent>` writes, in the order they are written. */
export function agentTargets(agent: AgentName, options: TargetOptions): Target[] {
  const { scope, dir, env } = options;
  const home = homeDir(env);
  const global = scope === 'global';
  switch (agent) {
    case 'q': {
      const userFile = path.join(home, '.aws', 'amazonq', 'cli-agents', 'q_cli_default.json');
      if (global) return [agentFileTarget('q', userFile, { agent: Q_DEFAULT_AGENT }, Q_TOOLS)];
      const file = path.join(dir, '.amazonq', 'cli-agents', 'q_cli_default.json');
      return [agentFileTarget('q', file, qDefaultBase(userFile), Q_TOOLS)];
    }
    case 'kiro': {
      const base = global ? path.join(home, '.kiro') : path.join(dir, '.kiro');
      const file = path.join(base, 'agents', 'qlock.json');
      return [agentFileTarget('kiro', file, { agent: KIRO_AGENT }, KIRO_TOOLS)];
    }
    case 'claude':
      return global
        ? [
            plainTarget(path.join(claudeDir(env), 'settings.json'), {
              hooks: groupedPart('claude'),
            }),
            plainTarget(claudeUserJson(env), { mcp: mcpPart(claudeUserJson(env)) }),
          ]
        : [
            plainTarget(path.join(dir, '.claude', 'settings.local.json'), {
              hooks: claudeLocalHooks(),
            }),
            plainTarget(path.join(dir, '.mcp.json'), { mcp: mcpPart(path.join(dir, '.mcp.json')) }),
          ];
    case 'gemini': {
      const base = global ? path.join(home, '.gemini') : path.join(dir, '.gemini');
      const file = path.join(base, 'settings.json');
      return [
        {
          ...plainTarget(file, { hooks: groupedPart('gemini'), mcp: mcpPart(file) }),
          comments: true,
        },
      ];
    }
    case 'codex': {
      const base = global ? codexHome(env) : path.join(dir, '.codex');
      const hooksBase = global ? base : path.join(codexHooksRoot(dir), '.codex');
      return [
        plainTarget(path.join(hooksBase, 'hooks.json'), { hooks: groupedPart('codex') }),
        { kind: 'toml', file: path.join(base, 'config.toml'), mcp: qlockMcpServer() },
      ];
    }
  }
}

/** The file that carries an agent's hooks (doctor, Codex trust). */
export function hooksTarget(agent: AgentName, options: TargetOptions): JsonTarget {
  return agentTargets(agent, options).find(
    (t): t is JsonTarget => t.kind === 'json' && t.hooks !== undefined,
  )!;
}
