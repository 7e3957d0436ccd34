import fs from 'node:fs';
import path from 'node:path';

import { AGENT_TITLES, type HookEvent } from '../../project/agentNames.js';
import { type JsonObject, ourCommands } from '../configEdits.js';
import { hookCommand } from '../hookCommand.js';
import { flatPart, homeDir, isEmptyObject, type Part, same, TIMEOUT_SEC } from './configParts.js';
import { exitDeny, plainContext } from './outputForms.js';
import { AGENT_FILE_MARK, agentFileTarget, Q_EVENTS } from './q.js';
import { type AgentAdapter, type HookCall, snakeCaseCall } from './types.js';

/**
 * Kiro CLI, Amazon Q CLI's successor (reference/agent-hooks.md §1.7): the same triggers, payload,
 * exit codes and outputs as Q. qlock writes a separate agent, `.kiro/agents/qlock.json` (global:
 * ~/.kiro/agents/), used with `kiro-cli chat --agent qlock` or `chat.defaultAgent = qlock`.
 * Kiro documents `write`/`shell` as aliases of fs_write/execute_bash; whether a matcher on one
 * matches the other is unconfirmed, so both are listed (the handler is idempotent).
 *
 * Kiro CLI 3 adds standalone hook files that apply to every agent of the workspace
 * (https://kiro.dev/docs/cli/v3/hooks/): `.kiro/hooks/<name>.json` (global: ~/.kiro/hooks/),
 * `{"version": "v1", "hooks": [{"name", "trigger", "matcher" (a regex on the tool name),
 * "action": {"type": "command", "command"}, "timeout" (seconds), "enabled"}]}`, triggers
 * `SessionStart`, `UserPromptSubmit`, `PreToolUse`, `PostToolUse`; a command gets the hook context
 * as JSON on stdin, exit 2 blocks (PreToolUse, UserPromptSubmit). qlock writes
 * `.kiro/hooks/qlock.json` too. Kiro 3 still runs the agent's embedded hooks: when it runs both
 * (the payload names the event in Kiro 3's spelling, `PreToolUse`, and the standalone file is
 * installed), the agent's stay silent, so a write is checked once and the briefing told once.
 * Not verified with a real Kiro (closed source): the v3 payload's exact fields and event spelling,
 * and the arguments of its `str_replace` tool (its path taken from `path`, as fs_write names it,
 * or `file_path` / `filePath` as other agents do).
 * Checked again in Kiro's documentation (issue 20): the v3 page gives the file format, the
 * triggers, a `fs_write|str_replace` matcher and "hook context as JSON on stdin", exit 2 blocking;
 * only the 2.x page names the payload's fields (`hook_event_name`, `cwd`, `tool_name`,
 * `tool_input`; exit 2 gives stderr to the model). A refusal does not depend on the event's
 * spelling (the command names its event); a wrong guess means a write checked twice and the
 * briefing told twice when Kiro 3 runs both hook sets, never a locked write let through.
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

/** Kiro 3's trigger names (its standalone hook files). */
export const KIRO_V3_TRIGGERS: Record<HookEvent, string> = {
  'session-start': 'SessionStart',
  prompt: 'UserPromptSubmit',
  'pre-tool': 'PreToolUse',
  'post-tool': 'PostToolUse',
};

/** Set in the standalone hooks' commands: which of the two hook sets is running. */
const STANDALONE_ENV = 'QLOCK_KIRO_HOOKS';

export const KIRO_HOOKS_FILE = path.join('.kiro', 'hooks', 'qlock.json');

const V3_SKELETON: JsonObject = { version: 'v1', hooks: [] };

function standaloneEntries(): JsonObject[] {
  const entry = (event: HookEvent, matcher?: string): JsonObject => ({
    name: `qlock-${event}`,
    trigger: KIRO_V3_TRIGGERS[event],
    ...(matcher ? { matcher } : {}),
    action: { type: 'command', command: `${STANDALONE_ENV}=v3 ${hookCommand('kiro', event)}` },
    timeout: TIMEOUT_SEC,
    enabled: true,
  });
  return [
    entry('session-start'),
    entry('prompt'),
    entry('pre-tool', `^(${[...KIRO_TOOLS, 'str_replace'].join('|')})$`),
  ];
}

const isOurs = (h: unknown) => ourCommands({ hooks: [h] }).length > 0;

/** qlock's entries in a standalone hooks file: the user's stay, in their order. */
function standalonePart(): Part {
  return {
    install(config) {
      if (config.version === undefined) config.version = 'v1';
      if (config.hooks === undefined) config.hooks = [];
      if (!Array.isArray(config.hooks)) throw new TypeError('"hooks" is not a list');
      const want = standaloneEntries();
      if (!same(config.hooks.filter(isOurs), want))
        config.hooks = [...config.hooks.filter((h) => !isOurs(h)), ...want];
      return [];
    },
    uninstall(config) {
      if (Array.isArray(config.hooks)) config.hooks = config.hooks.filter((h) => !isOurs(h));
    },
  };
}

/** Whether Kiro 3's standalone qlock hooks are installed for the worktree around `dir`. */
function standaloneInstalled(dir: string): boolean {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    try {
      const value: unknown = JSON.parse(fs.readFileSync(path.join(d, KIRO_HOOKS_FILE), 'utf8'));
      if (ourCommands(value).length) return true;
    } catch {
      // none here
    }
    if (fs.existsSync(path.join(d, '.git')) || path.dirname(d) === d) return false;
  }
}

function readCall(payload: Record<string, unknown>): HookCall {
  const call = snakeCaseCall(payload);
  if (typeof payload.hook_event_name === 'string') call.nativeEvent = payload.hook_event_name;
  return call;
}

export const kiro: AgentAdapter = {
  name: 'kiro',
  title: AGENT_TITLES.kiro,
  events: Q_EVENTS,
  targets({ scope, dir, env }) {
    const base = scope === 'global' ? path.join(homeDir(env), '.kiro') : path.join(dir, '.kiro');
    const part = flatPart('kiro', Q_EVENTS, KIRO_TOOLS);
    return [
      agentFileTarget(part, path.join(base, 'agents', 'qlock.json'), { agent: KIRO_AGENT }),
      {
        kind: 'json',
        file: path.join(base, 'hooks', 'qlock.json'),
        hooks: standalonePart(),
        skeleton: () => structuredClone(V3_SKELETON),
        leftover: (config) => isEmptyObject(config) || same(config, V3_SKELETON),
      },
    ];
  },
  bothScopesRun: false,
  readCall,
  tools: {
    // str_replace's argument names are undocumented: the other agents' spellings count too.
    file: {
      fs_write: ['path'],
      write: ['path'],
      str_replace: ['path', 'file_path', 'filePath'],
    },
    patch: [],
    shell: ['execute_bash', 'execute_cmd', 'shell'],
  },
  context: (_event, text) => plainContext(text),
  deny: (_event, reason) => exitDeny(reason),
  warnAt: [],
  warn: (_event, text) => plainContext(text),
  // Kiro 3 running the agent's embedded hooks beside the standalone ones: those answer.
  deferTo: (call, cwd, env) =>
    env[STANDALONE_ENV] !== 'v3' &&
    call.nativeEvent !== undefined &&
    Object.values(KIRO_V3_TRIGGERS).includes(call.nativeEvent) &&
    standaloneInstalled(cwd),
};
