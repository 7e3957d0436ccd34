import fs from 'node:fs';
import path from 'node:path';

import { AGENT_TITLES, type HookEvent } from '../../project/agentNames.js';
import type { JsonObject } from '../configEdits.js';
import { reconcileFlat, removeFlat } from '../configEdits.js';
import { hookCommand, qlockMcpServer } from '../hookCommand.js';
import {
  homeDir,
  mcpPart,
  type Part,
  plainTarget,
  type Target,
  TIMEOUT_SEC,
} from './configParts.js';
import { cap, type HookOutcome, json } from './outputForms.js';
import { type AgentAdapter, snakeCaseCall } from './types.js';

/**
 * OpenCode (`opencode-ai`; Kilo loads its plugins too; reference/agent-hooks.md §8). It has no
 * hook commands: its extension point is a JS/TS plugin that runs inside it (Bun), loaded from
 * `.opencode/plugin/*.{js,ts}` (and `plugins/`; global: ~/.config/opencode/plugin/). qlock writes
 * a thin plugin, `.opencode/plugin/qlock.js`, that decides nothing: it runs the hook commands
 * listed in `.opencode/qlock-hooks.json` (its absolute path written in the plugin; the same `qlock agent-hook opencode <event>` commands
 * the other agents run, kept in a JSON file so that install, uninstall and doctor treat them as
 * every other agent's hooks), sends each a Claude-style JSON payload (`hook_event_name`,
 * `session_id`, `cwd`, `tool_name`, `tool_input`, `prompt`) on stdin and does what the answer
 * (JSON on stdout) says:
 * - `tool.execute.before(input {tool, sessionID, callID}, output {args})`: `{"deny": R}` → the
 *   plugin throws `Error(R)`, which OpenCode gives the model as the tool's result, verbatim;
 * - `chat.message(input {sessionID, …}, output {message, parts})`, once per user prompt: on a
 *   session's first prompt the session-start briefing, then the prompt's digest, each `{"context":
 *   C}` pushed as a synthetic text part of the user's message (OpenCode's `session.created` event
 *   comes on its bus with no way to add context, and `experimental.chat.system.transform` fires
 *   for every model call, title generation included);
 * - `tool.execute.after(input {tool, args}, output {output})`: the soft warning `{"context": W}`
 *   appended to the tool's output, which the model reads.
 * Tools (1.18.33): `write` {filePath, content}, `edit` {filePath, oldString, newString},
 * `apply_patch` {patchText} (models whose id has `gpt-`, but gpt-4), `bash` {command, workdir}.
 *
 * MCP server: `opencode.json` (or an existing `opencode.jsonc`; global
 * ~/.config/opencode/opencode.json), `mcp.qlock = {type: "local", command: [node, qlock, "mcp"]}`.
 *
 * Trap: at start OpenCode npm-installs `@opencode-ai/plugin` into every config directory it
 * loads, `.opencode/` included, which hangs offline (the plugin qlock writes needs no package).
 */

const EVENTS: Record<HookEvent, string> = {
  'session-start': 'session.created',
  prompt: 'chat.message',
  'pre-tool': 'tool.execute.before',
  'post-tool': 'tool.execute.after',
};

/** The first line of qlock's plugin: how install and uninstall know the file is qlock's. */
export const OPENCODE_PLUGIN_MARK =
  '// qlock: written by `qlock agent install opencode`; `qlock agent uninstall opencode` removes it.';

/**
 * The plugin (plain ES module JavaScript, run by OpenCode's Bun). A hook that cannot run, times
 * out or answers nothing lets OpenCode go on, as every other agent does with a failing hook.
 */
export function opencodePlugin(hooksFile: string): string {
  return `${OPENCODE_PLUGIN_MARK}
// A thin caller of qlock: it decides nothing. It runs the hook commands listed in
// HOOKS with a JSON payload on stdin and does what their JSON answer says.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

const HOOKS = ${JSON.stringify(hooksFile)};

function hooksOf(event) {
  try {
    const list = JSON.parse(readFileSync(HOOKS, "utf8")).hooks[event];
    return Array.isArray(list) ? list.filter((h) => h && typeof h.command === "string") : [];
  } catch {
    return [];
  }
}

function runHook(hook, payload, cwd) {
  return new Promise((resolve) => {
    let out = "";
    let child;
    try {
      child = spawn("/bin/sh", ["-c", hook.command], { cwd, stdio: ["pipe", "pipe", "ignore"] });
    } catch {
      resolve(undefined);
      return;
    }
    const timer = setTimeout(() => child.kill("SIGKILL"), Number(hook.timeout_ms) || ${TIMEOUT_SEC * 1000});
    child.stdout.on("data", (data) => (out += data));
    child.on("error", () => (clearTimeout(timer), resolve(undefined)));
    child.on("close", () => {
      clearTimeout(timer);
      try {
        const answer = JSON.parse(out);
        resolve(answer && typeof answer === "object" ? answer : undefined);
      } catch {
        resolve(undefined);
      }
    });
    child.stdin.on("error", () => {});
    child.stdin.end(JSON.stringify(payload));
  });
}

async function ask(event, payload, cwd) {
  const answers = [];
  for (const hook of hooksOf(event)) {
    const answer = await runHook(hook, { hook_event_name: event, cwd, ...payload }, cwd);
    if (answer) answers.push(answer);
  }
  return answers;
}

const texts = (answers) => answers.map((a) => a.context).filter((t) => typeof t === "string" && t);

export const QlockPlugin = async ({ directory }) => {
  const started = new Set();
  return {
    "chat.message": async (input, output) => {
      const session = { session_id: input.sessionID };
      const found = [];
      if (!started.has(input.sessionID)) {
        started.add(input.sessionID);
        found.push(...texts(await ask(${JSON.stringify(EVENTS['session-start'])}, session, directory)));
      }
      const prompt = output.parts
        .filter((p) => p.type === "text" && !p.synthetic)
        .map((p) => p.text)
        .join("\\n");
      found.push(...texts(await ask(${JSON.stringify(EVENTS.prompt)}, { ...session, prompt }, directory)));
      // Part ids sort: each context part right after the user's last part.
      const last = output.parts.length ? output.parts[output.parts.length - 1].id : "prt_";
      found.forEach((text, i) =>
        output.parts.push({
          id: last + "q" + String(i).padStart(3, "0"),
          sessionID: input.sessionID,
          messageID: output.message.id,
          type: "text",
          text,
          synthetic: true,
        }),
      );
    },
    "tool.execute.before": async (input, output) => {
      const payload = { session_id: input.sessionID, tool_name: input.tool, tool_input: output.args };
      for (const answer of await ask(${JSON.stringify(EVENTS['pre-tool'])}, payload, directory))
        if (typeof answer.deny === "string") throw new Error(answer.deny);
    },
    "tool.execute.after": async (input, output) => {
      const payload = { session_id: input.sessionID, tool_name: input.tool, tool_input: input.args };
      const found = texts(await ask(${JSON.stringify(EVENTS['post-tool'])}, payload, directory));
      if (found.length && output && typeof output.output === "string")
        output.output += "\\n\\n" + found.join("\\n\\n");
    },
  };
};
`;
}

function hooksPart(): Part {
  const entry = (event: HookEvent): JsonObject => ({
    command: hookCommand('opencode', event),
    timeout_ms: TIMEOUT_SEC * 1000,
  });
  const desired = () =>
    Object.fromEntries(
      (Object.keys(EVENTS) as HookEvent[]).map((event) => [EVENTS[event], [entry(event)]]),
    );
  return {
    install: (config) => (reconcileFlat(config, desired()), []),
    uninstall: (config, keep) => void removeFlat(config, keep),
  };
}

/** opencode.json, or the user's opencode.jsonc when that is the one they have. */
function opencodeConfig(base: string): string {
  const plain = path.join(base, 'opencode.json');
  const withComments = path.join(base, 'opencode.jsonc');
  return !fs.existsSync(plain) && fs.existsSync(withComments) ? withComments : plain;
}

/** OpenCode's config directory: $XDG_CONFIG_HOME/opencode, else ~/.config/opencode. */
function globalDir(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CONFIG_HOME;
  return path.join(
    xdg && path.isAbsolute(xdg) ? xdg : path.join(homeDir(env), '.config'),
    'opencode',
  );
}

const context = (text: string): HookOutcome => ({
  exitCode: 0,
  stdout: json({ context: cap(text) }),
  stderr: '',
});

export const opencode: AgentAdapter = {
  name: 'opencode',
  title: AGENT_TITLES.opencode,
  pkg: 'opencode-ai',
  events: EVENTS,
  targets({ scope, dir, env }): Target[] {
    const base = scope === 'global' ? globalDir(env) : path.join(dir, '.opencode');
    const configFile = opencodeConfig(scope === 'global' ? base : dir);
    const mcp = mcpPart(configFile, 'mcp', () => {
      const spec = qlockMcpServer();
      return { type: 'local', command: [spec.command, ...spec.args], enabled: true };
    });
    const hooksFile = path.join(base, 'qlock-hooks.json');
    return [
      plainTarget(hooksFile, { hooks: hooksPart() }),
      {
        kind: 'text',
        file: path.join(base, 'plugin', 'qlock.js'),
        part: 'hooks',
        text: () => opencodePlugin(hooksFile),
        mark: OPENCODE_PLUGIN_MARK,
      },
      { ...plainTarget(configFile, { mcp }), comments: true },
    ];
  },
  // OpenCode loads the plugins of the user's config directory and of the project's both.
  bothScopesRun: true,
  readCall: (payload) => snakeCaseCall(payload),
  tools: {
    file: { write: ['filePath'], edit: ['filePath'] },
    patch: ['apply_patch'],
    shell: ['bash'],
  },
  context: (_event, text) => context(text),
  deny: (_event, reason) => ({ exitCode: 0, stdout: json({ deny: reason }), stderr: '' }),
  warnAt: ['post-tool'],
  warn: (_event, text) => context(text),
};
