import fs from 'node:fs';
import path from 'node:path';

import { AGENT_TITLES, type HookEvent } from '../../project/agentNames.js';
import { agentMessages as messages } from '../../ui/messages/agents.js';
import {
  isObject,
  type JsonObject,
  ourCommands,
  reconcileFlat,
  removeFlat,
} from '../configEdits.js';
import { hookCommand } from '../hookCommand.js';
import {
  homeDir,
  isEmptyObject,
  mcpEntry,
  mcpPart,
  type Part,
  plainTarget,
  same,
  TIMEOUT_SEC,
} from './configParts.js';
import { type HookOutcome, json, topLevelContext } from './outputForms.js';
import type { AgentAdapter, HookCall } from './types.js';

/**
 * GitHub Copilot CLI (reference/agent-hooks.md §8). Repository hooks in `.github/hooks/*.json`:
 * qlock writes `.github/hooks/qlock.json`, `{"version": 1, "hooks": {"sessionStart": [{"type":
 * "command", "bash": …, "timeoutSec": 30}], "userPromptSubmitted": […], "preToolUse": […]}}` (no
 * matcher: every tool call asks, and qlock answers a read at once); global: ~/.copilot/hooks/.
 * They load only in a trusted folder (`--trust-folder`, `trustedFolders` in ~/.copilot/config.json).
 * MCP server: `.github/mcp.json` (global: ~/.copilot/mcp-config.json), `mcpServers`.
 *
 * Payload (camelCase): `{sessionId, timestamp, cwd, toolName, toolArgs}`; tools `create`
 * `{path, file_text}`, `edit` `{path, old_str, new_str}`, `apply_patch` (GPT-5 models; the raw
 * patch string), `bash` `{command}`. A refusal reaches the model only as exit-0 JSON
 * `{"permissionDecision": "deny", "permissionDecisionReason": R}` (on exit 2 its model reads just
 * "hook exited with code 2"); context and soft warnings as a top-level `additionalContext`.
 *
 * Copilot also runs the hooks in `.claude/settings*.json`: the Claude adapter recognises it there
 * and stays silent when these hooks are installed too (claude.ts), so nothing happens twice.
 */

const EVENTS: Record<HookEvent, string> = {
  'session-start': 'sessionStart',
  prompt: 'userPromptSubmitted',
  'pre-tool': 'preToolUse',
  'post-tool': 'postToolUse',
};

export const COPILOT_HOOKS_FILE = path.join('.github', 'hooks', 'qlock.json');

const SKELETON: JsonObject = { version: 1 };

function hooksPart(dir: string | undefined): Part {
  const entry = (event: HookEvent): JsonObject => ({
    type: 'command',
    bash: hookCommand('copilot', event),
    timeoutSec: TIMEOUT_SEC,
  });
  const desired = () => ({
    [EVENTS['session-start']]: [entry('session-start')],
    [EVENTS.prompt]: [entry('prompt')],
    [EVENTS['pre-tool']]: [entry('pre-tool')],
  });
  return {
    install(config) {
      if (config.version === undefined) config.version = 1;
      reconcileFlat(config, desired());
      return dir ? [messages.copilotTrust(dir)] : [];
    },
    uninstall: (config, keep) => void removeFlat(config, keep),
  };
}

/** Whether Copilot's own qlock hooks are installed for the project around `dir`. */
export function copilotHooksInstalled(dir: string | undefined): boolean {
  if (!dir) return false;
  try {
    const file = path.join(dir, COPILOT_HOOKS_FILE);
    return ourCommands(JSON.parse(fs.readFileSync(file, 'utf8'))).length > 0;
  } catch {
    return false;
  }
}

/** `toolArgs`: an object, a JSON text of one, or a raw patch string. */
function toolArgs(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return isObject(parsed) ? parsed : value;
  } catch {
    return value;
  }
}

function readCall(payload: Record<string, unknown>): HookCall {
  const call: HookCall = {};
  if (typeof payload.cwd === 'string') call.cwd = payload.cwd;
  if (typeof payload.toolName === 'string') call.tool = payload.toolName;
  if (payload.toolArgs !== undefined) call.input = toolArgs(payload.toolArgs);
  if (typeof payload.prompt === 'string') call.prompt = payload.prompt;
  return call;
}

function deny(reason: string): HookOutcome {
  return {
    exitCode: 0,
    stdout: json({ permissionDecision: 'deny', permissionDecisionReason: reason }),
    stderr: '',
  };
}

export const copilot: AgentAdapter = {
  name: 'copilot',
  title: AGENT_TITLES.copilot,
  pkg: '@github/copilot',
  events: EVENTS,
  targets({ scope, dir, env }) {
    const copilotHome = env.COPILOT_HOME
      ? path.resolve(env.COPILOT_HOME)
      : path.join(homeDir(env), '.copilot');
    const hooksFile =
      scope === 'global'
        ? path.join(copilotHome, 'hooks', 'qlock.json')
        : path.join(dir, COPILOT_HOOKS_FILE);
    const mcpFile =
      scope === 'global'
        ? path.join(copilotHome, 'mcp-config.json')
        : path.join(dir, '.github', 'mcp.json');
    const mcp = mcpPart(mcpFile, 'mcpServers', () => ({
      type: 'local',
      ...mcpEntry(),
      tools: ['*'],
    }));
    return [
      {
        ...plainTarget(hooksFile, { hooks: hooksPart(scope === 'project' ? dir : undefined) }),
        skeleton: () => structuredClone(SKELETON),
        leftover: (config) => isEmptyObject(config) || same(config, SKELETON),
      },
      plainTarget(mcpFile, { mcp }),
    ];
  },
  bothScopesRun: true,
  readCall,
  tools: {
    file: { create: ['path'], edit: ['path'] },
    patch: ['apply_patch'],
    shell: ['bash'],
  },
  context: (_event, text) => topLevelContext(text),
  deny: (_event, reason) => deny(reason),
  warnAt: ['pre-tool'],
  warn: (_event, text) => topLevelContext(text),
};
