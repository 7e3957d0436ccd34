import fs from 'node:fs';
import path from 'node:path';

import { AGENT_TITLES, type HookEvent } from '../../project/agentNames.js';
import { findProject } from '../../project/findProject.js';
import { qlockMcpServer } from '../hookCommand.js';
import { groupedPart, homeDir, plainTarget } from './configParts.js';
import { exitDeny, nestedContext, permissionDeny } from './outputForms.js';
import { type AgentAdapter, snakeCaseCall } from './types.js';

/**
 * Codex CLI (reference/agent-hooks.md §3, §7). Hooks in `.codex/hooks.json` in Claude's shape,
 * MCP server in `.codex/config.toml` (a marked TOML block); global: $CODEX_HOME (~/.codex). Its
 * project hooks run only once their trust is recorded in the user's config.toml (`--trust`).
 * Writes come as `apply_patch` with the patch in `tool_input.command`; the shell as `Bash`.
 * Context: JSON additionalContext; deny: exit 2 plus `permissionDecision: "deny"`; soft warning:
 * PreToolUse additionalContext.
 */

export const CODEX_TOOL_MATCHER = 'apply_patch|Bash';

const EVENTS: Record<HookEvent, string> = {
  'session-start': 'SessionStart',
  prompt: 'UserPromptSubmit',
  'pre-tool': 'PreToolUse',
  'post-tool': 'PostToolUse',
};

/** Codex's home: $CODEX_HOME, else ~/.codex. */
export function codexHome(env: NodeJS.ProcessEnv): string {
  return env.CODEX_HOME ? path.resolve(env.CODEX_HOME) : path.join(homeDir(env), '.codex');
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

export const codex: AgentAdapter = {
  name: 'codex',
  title: AGENT_TITLES.codex,
  pkg: '@openai/codex',
  events: EVENTS,
  targets({ scope, dir, env }) {
    const base = scope === 'global' ? codexHome(env) : path.join(dir, '.codex');
    const hooksBase = scope === 'global' ? base : path.join(codexHooksRoot(dir), '.codex');
    const hooks = groupedPart(
      'codex',
      EVENTS,
      [
        ['session-start', undefined],
        ['prompt', undefined],
        ['pre-tool', CODEX_TOOL_MATCHER],
      ],
      // No timeout, so the trust hash uses Codex's default and no field name can mismatch.
      (_event, command) => ({ type: 'command', command }),
    );
    return [
      plainTarget(path.join(hooksBase, 'hooks.json'), { hooks }),
      { kind: 'toml', file: path.join(base, 'config.toml'), mcp: qlockMcpServer() },
    ];
  },
  bothScopesRun: true,
  trustStep: true,
  projectHooksActive: (dir) => fs.existsSync(path.join(dir, '.codex')),
  readCall: (payload) => snakeCaseCall(payload),
  tools: {
    file: {},
    patch: ['apply_patch'],
    shell: ['Bash', 'shell', 'exec_command'],
    hiddenWorkdir: true,
  },
  context: (event, text) => nestedContext(EVENTS[event], text),
  deny: (event, reason) => exitDeny(reason, permissionDeny(EVENTS[event], reason)),
  warnAt: ['pre-tool'],
  warn: (event, text) => nestedContext(EVENTS[event], text),
};
