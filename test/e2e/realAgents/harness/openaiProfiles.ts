import fs from 'node:fs';
import path from 'node:path';

import { agentCacheDir } from '../../../helpers/agentClients.js';
import type { ClientProfile } from './clientProfiles.js';
import { type LoggedRequest, stringsIn } from './mockApi.js';

/**
 * The clients that speak OpenAI's chat completions to a custom provider (reference/agent-hooks.md
 * §8), against mocks/mock-openai-api.mjs: Qwen Code, GitHub Copilot CLI, OpenCode.
 */

const writeJson = (file: string, value: unknown) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
};

/** The model turns of a chat-completions client: the requests that offer tools. */
function chatTurns(requests: LoggedRequest[]): LoggedRequest[] {
  return requests.filter(
    (r) =>
      r.method === 'POST' &&
      r.url.split('?')[0]!.endsWith('/chat/completions') &&
      Array.isArray((r.json as { tools?: unknown })?.tools),
  );
}

/** Every `role: "tool"` message's text. */
function chatToolResults(requests: LoggedRequest[]): string[] {
  const out: string[] = [];
  for (const request of requests) {
    const messages = (request.json as { messages?: { role?: string; content?: unknown }[] })
      ?.messages;
    for (const message of messages ?? [])
      if (message.role === 'tool') out.push(stringsIn(message.content).join('\n'));
  }
  return [...new Set(out)];
}

export const qwen: ClientProfile = {
  name: 'qwen',
  api: 'openai',
  // Telemetry, usage statistics and update checks would reach outside; the memory extractor
  // makes a model call of its own after every run.
  writeUserConfig(home) {
    writeJson(path.join(home, '.qwen', 'settings.json'), {
      privacy: { usageStatisticsEnabled: false },
      telemetry: { enabled: false },
      general: { disableAutoUpdate: true, disableUpdateNag: true },
      memory: { enableManagedAutoMemory: false, enableManagedAutoDream: false },
    });
  },
  // yolo: no approval prompts in a headless run.
  args: (prompt) => [
    '--approval-mode',
    'yolo',
    '--auth-type',
    'openai',
    '--output-format',
    'json',
    '-p',
    prompt,
  ],
  hooksFile: (a) => path.join(a, '.qwen', 'settings.json'),
  env: (origin) => ({
    QWEN_CODE_SUPPRESS_YOLO_WARNING: '1',
    OPENAI_API_KEY: 'test',
    OPENAI_BASE_URL: `${origin}/v1`,
    OPENAI_MODEL: 'mock-model',
  }),
  // Qwen refuses to overwrite a file the session has not read: read it first.
  writeScript: ({ abs, content, before }) => {
    const write = { name: 'write_file', arguments: { file_path: abs, content } };
    if (before === undefined) return write;
    return { sequence: [{ name: 'read_file', arguments: { file_path: abs } }, write] };
  },
  shellScript: (command) => ({
    name: 'run_shell_command',
    arguments: { command, is_background: false, description: 'run it' },
  }),
  idleScript: { name: 'no_such_tool', arguments: {} },
  toolResults: chatToolResults,
  modelTurns: chatTurns,
};

/** Copilot unpacks its 235 MB application on first start: one copy for every run. */
const copilotCache = () => path.join(agentCacheDir(), 'copilot-xdg-cache');

export const copilot: ClientProfile = {
  name: 'copilot',
  api: 'openai',
  // Repository hooks load only in a trusted folder; the user trusts the session's worktree.
  writeUserConfig(home, trustedProjects) {
    writeJson(path.join(home, '.copilot', 'config.json'), {
      trustedFolders: trustedProjects,
      autoUpdate: false,
    });
  },
  args: (prompt) => [
    '-p',
    prompt,
    '--allow-all-tools',
    '--no-auto-update',
    '--output-format',
    'json',
  ],
  hooksFile: (a) => path.join(a, '.github', 'hooks', 'qlock.json'),
  env: (origin) => ({
    XDG_CACHE_HOME: copilotCache(),
    COPILOT_OFFLINE: 'true',
    COPILOT_AUTO_UPDATE: 'false',
    COPILOT_PROVIDER_BASE_URL: `${origin}/v1`,
    // Distinctive: the CLI masks this value wherever it appears in its own output.
    COPILOT_PROVIDER_API_KEY: 'qlock-test-provider-key',
    COPILOT_MODEL: 'gpt-4.1',
  }),
  // gpt-4.1 gets create/edit (GPT-5 models get apply_patch instead).
  writeScript: ({ abs, content, before }) =>
    before === undefined
      ? { name: 'create', arguments: { path: abs, file_text: content } }
      : { name: 'edit', arguments: { path: abs, old_str: before, new_str: content } },
  shellScript: (command) => ({ name: 'bash', arguments: { command, description: 'run it' } }),
  idleScript: { name: 'no_such_tool', arguments: {} },
  toolResults: chatToolResults,
  modelTurns: chatTurns,
};

/**
 * At start OpenCode npm-installs `@opencode-ai/plugin` into every config directory it loads (the
 * user's and the project's `.opencode/`), which hangs offline; it skips a directory that has a
 * `node_modules/` and a package-lock.json listing the package (reference/agent-hooks.md §8).
 * qlock's plugin needs no package: the test marks both directories as done, as an earlier online
 * start of OpenCode would have left them.
 */
export function opencodeInstalled(dir: string): void {
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  writeJson(path.join(dir, 'package-lock.json'), {
    lockfileVersion: 3,
    packages: { '': { dependencies: { '@opencode-ai/plugin': '*' } } },
  });
}

export const opencode: ClientProfile = {
  name: 'opencode',
  api: 'openai',
  writeUserConfig(home) {
    opencodeInstalled(path.join(home, '.config', 'opencode'));
  },
  prepareWorktree: (a) => opencodeInstalled(path.join(a, '.opencode')),
  args: (prompt) => ['run', '--format', 'json', '-m', 'mock/mock-model', prompt],
  hooksFile: (a) => path.join(a, '.opencode', 'qlock-hooks.json'),
  // The user's project config, with the model provider (the stand-in) and a comment: qlock
  // merges its MCP server into it.
  projectConfig: {
    file: 'opencode.json',
    text: `${JSON.stringify(
      {
        $schema: 'https://opencode.ai/config.json',
        provider: {
          mock: {
            npm: '@ai-sdk/openai-compatible',
            name: 'Mock',
            options: { baseURL: '{env:MOCK_URL}', apiKey: 'test' },
            models: {
              'mock-model': {
                name: 'Mock model',
                tool_call: true,
                limit: { context: 100000, output: 4096 },
              },
            },
          },
        },
        permission: { edit: 'allow', bash: 'allow' },
        autoupdate: false,
        share: 'disabled',
      },
      null,
      2,
    ).replace('{\n', '{\n  // the model: a loopback stand-in of an OpenAI-compatible API\n')}\n`,
  },
  // OpenCode takes its directory from PWD (inherited from whoever runs the suite), not the cwd.
  env: (origin, cwd) => ({
    PWD: cwd,
    MOCK_URL: `${origin}/v1`,
    OPENCODE_DISABLE_MODELS_FETCH: 'true',
    OPENCODE_DISABLE_AUTOUPDATE: 'true',
    OPENCODE_DISABLE_LSP_DOWNLOAD: 'true',
    OPENCODE_DISABLE_SHARE: 'true',
  }),
  // OpenCode overwrites a file only after the session has read it: read it first.
  writeScript: ({ abs, content, before }) => {
    const write = { name: 'write', arguments: { filePath: abs, content } };
    if (before === undefined) return write;
    return { sequence: [{ name: 'read', arguments: { filePath: abs } }, write] };
  },
  shellScript: (command) => ({ name: 'bash', arguments: { command, description: 'run it' } }),
  idleScript: { name: 'no_such_tool', arguments: {} },
  toolResults: chatToolResults,
  modelTurns: chatTurns,
};
