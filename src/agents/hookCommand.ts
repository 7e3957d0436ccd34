import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { type AgentName, AGENTS, type HookEvent } from '../project/agentNames.js';

/**
 * The commands qlock writes into agent configs. They must find qlock without npx (~380 ms) or a
 * PATH lookup that may differ inside the agent: the absolute node that runs this qlock and this
 * package's bin/qlock.js, both quoted (paths may contain spaces). Every agent runs hook commands
 * through a POSIX shell (Q: `bash -c`; Claude, Gemini, Codex: the user's shell).
 */

/** This package's bin/qlock.js (from src/agents or dist/agents, two levels below the root). */
export function qlockBinPath(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'qlock.js');
}

/** Double-quoted for a POSIX shell: only `\`, `"`, `$` and backtick are special inside. */
export function shellQuote(text: string): string {
  return `"${text.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}

/** The node + bin prefix of every command qlock writes. */
export function qlockInvocation(): string {
  return `${shellQuote(process.execPath)} ${shellQuote(qlockBinPath())}`;
}

export function hookCommand(agent: AgentName, event: HookEvent): string {
  return `${qlockInvocation()} agent-hook ${agent} ${event}`;
}

const HOOK_COMMAND = new RegExp(
  `qlock(?:\\.js)?["']?\\s+agent-hook\\s+(?:${AGENTS.join('|')})(?:\\s|$)`,
);

/**
 * Whether a hook command is one of qlock's: `qlock agent-hook <agent> …`, whatever the path to
 * node or to qlock (an older install, a moved checkout, or a user who typed `qlock agent-hook`).
 * This is how install stays idempotent and how uninstall finds exactly what qlock added.
 */
export function isQlockHookCommand(command: unknown): boolean {
  return typeof command === 'string' && HOOK_COMMAND.test(command);
}

/** The command line of a hook command, split back into its executables (for doctor checks). */
export function commandExecutables(command: string): string[] {
  const found: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"/g;
  let match: RegExpExecArray | null;
  while ((match = re.exec(command)) && found.length < 2)
    found.push(match[1]!.replace(/\\(.)/g, '$1'));
  return found;
}

/** Whether the node and qlock a hook command names still exist (a moved checkout or nvm switch). */
export function commandReachable(command: string): boolean {
  const exes = commandExecutables(command);
  return exes.length === 2 && exes.every((p) => fs.existsSync(p));
}

/** How agents start qlock's MCP server (stdio): the same node and bin as the hooks. */
export interface McpServerSpec {
  command: string;
  args: string[];
}

export const MCP_SERVER_NAME = 'qlock';

export function qlockMcpServer(): McpServerSpec {
  return { command: process.execPath, args: [qlockBinPath(), 'mcp'] };
}

/** Whether an `mcpServers.qlock` entry is qlock's own (and not a user's server of that name). */
export function isQlockMcpEntry(entry: unknown): boolean {
  if (!entry || typeof entry !== 'object') return false;
  const { command, args } = entry as { command?: unknown; args?: unknown };
  // OpenCode's entry has no args: `command` is the whole argv.
  const words = [command, ...(Array.isArray(args) ? args : [])]
    .flat()
    .filter((w): w is string => typeof w === 'string');
  return words.includes('mcp') && words.some((w) => /qlock(?:\.js)?$/.test(w));
}
