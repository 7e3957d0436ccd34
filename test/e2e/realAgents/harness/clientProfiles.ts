import fs from 'node:fs';
import path from 'node:path';

import type { ClientName } from '../../../helpers/agentClients.js';
import type { ApiKind, LoggedRequest } from './mockApi.js';
import { stringsIn } from './mockApi.js';
import { copilot, opencode, qwen } from './openaiProfiles.js';

/**
 * How each real client runs headless and offline against its stand-in (reference/agent-hooks.md
 * §6, §7): the user configuration its HOME needs, its command line and environment, how a test
 * scripts a file write for it, and where in a logged request the result of that tool call sits.
 */

export interface WriteIntent {
  /** Absolute path of the file to write. */
  abs: string;
  /** The same path relative to the client's cwd. */
  rel: string;
  /** The content the file should have afterwards. */
  content: string;
  /** The current content, when the file exists (a patch-based client needs it). */
  before?: string;
}

export interface ClientProfile {
  name: ClientName;
  api: ApiKind;
  /** Writes the user-level configuration into a fresh HOME. */
  writeUserConfig(home: string, trustedProjects: string[]): void;
  /**
   * The command line. `editedHooks`: a test changed a hook `qlock agent install` wrote, so a
   * client that runs only hooks it trusts (Codex) must be told to run it anyway.
   */
  args(prompt: string, origin: string, editedHooks?: boolean): string[];
  /** The file holding the hooks `qlock agent install` wrote (`a`: the session, `root`: main). */
  hooksFile(a: string, root: string): string;
  /**
   * A project config of the user's that `qlock agent install` merges its hooks into (path
   * relative to the session's worktree), so every run also proves the client reads the result.
   */
  projectConfig?: { file: string; text: string };
  /** Whatever the session's worktree needs once `qlock agent install` ran there. */
  prepareWorktree?(a: string): void;
  /** `cwd`: where the client runs (the session's worktree). */
  env(origin: string, cwd: string): NodeJS.ProcessEnv;
  /** The stand-in's SCRIPT that makes the model write a file with this client's write tool. */
  writeScript(intent: WriteIntent): unknown;
  /** The stand-in's SCRIPT that makes the model run a shell command (cwd: the session). */
  shellScript(command: string): unknown;
  /** A SCRIPT whose tool the client never offers: the model only answers with text. */
  idleScript: unknown;
  /** The text of every tool result the client sent back to the model. */
  toolResults(requests: LoggedRequest[]): string[];
  /** The requests that are model turns (not token counts, model lists or side calls). */
  modelTurns(requests: LoggedRequest[]): LoggedRequest[];
}

const writeJson = (file: string, value: unknown) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
};

const claude: ClientProfile = {
  name: 'claude',
  api: 'anthropic',
  // Nothing is needed: `-p` mode runs project hooks without a trust prompt.
  writeUserConfig() {},
  args: (prompt) => ['-p', prompt, '--output-format', 'json', '--permission-mode', 'acceptEdits'],
  hooksFile: (a) => path.join(a, '.claude', 'settings.local.json'),
  env: (origin) => ({
    ANTHROPIC_BASE_URL: origin,
    ANTHROPIC_API_KEY: 'test',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
  }),
  // Write, not Edit: Claude Code checks an Edit against the file (read first, unique old_string)
  // before PreToolUse hooks run, so a failing Edit would never reach qlock.
  writeScript: ({ abs, content }) => ({ name: 'Write', input: { file_path: abs, content } }),
  shellScript: (command) => ({ name: 'Bash', input: { command, description: 'run it' } }),
  idleScript: { name: 'NoSuchTool', input: {} },
  toolResults: (requests) => {
    const out: string[] = [];
    for (const request of requests) {
      const messages = (request.json as { messages?: { content?: unknown }[] })?.messages ?? [];
      for (const message of messages) {
        if (!Array.isArray(message.content)) continue;
        for (const block of message.content as { type?: string; content?: unknown }[])
          if (block.type === 'tool_result') out.push(stringsIn(block.content).join('\n'));
      }
    }
    return out;
  },
  modelTurns: (requests) =>
    requests.filter((r) => r.url.startsWith('/v1/messages') && !r.url.includes('count_tokens')),
};

const gemini: ClientProfile = {
  name: 'gemini',
  api: 'gemini',
  // Without selectedType the base-URL override exits 41; telemetry and update checks go outside.
  writeUserConfig(home) {
    writeJson(path.join(home, '.gemini', 'settings.json'), {
      security: { auth: { selectedType: 'gemini-api-key' } },
      privacy: { usageStatisticsEnabled: false },
      general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
      telemetry: { enabled: false },
    });
  },
  // yolo: in the default approval mode a headless run offers no write tools at all.
  args: (prompt) => [
    '-p',
    prompt,
    '-m',
    'gemini-2.5-flash',
    '--approval-mode',
    'yolo',
    '--output-format',
    'json',
  ],
  hooksFile: (a) => path.join(a, '.gemini', 'settings.json'),
  // Gemini reads comments in its settings; qlock keeps them, and Gemini still runs the hooks.
  projectConfig: {
    file: '.gemini/settings.json',
    text: [
      "// The project's Gemini settings: qlock merges its hooks in and keeps these comments.",
      '{',
      '  "privacy": {',
      '    "usageStatisticsEnabled": false // no usage statistics',
      '  }',
      '}',
      '',
    ].join('\n'),
  },
  // GEMINI_CLI_TRUST_WORKSPACE: an untrusted folder exits 55, and --skip-trust drops project hooks.
  env: (origin) => ({
    GOOGLE_GEMINI_BASE_URL: origin,
    GEMINI_API_KEY: 'test',
    GEMINI_CLI_TRUST_WORKSPACE: 'true',
  }),
  writeScript: ({ abs, content }) => ({ name: 'write_file', args: { file_path: abs, content } }),
  shellScript: (command) => ({ name: 'run_shell_command', args: { command } }),
  idleScript: { name: 'no_such_tool', args: {} },
  toolResults: (requests) => {
    const out: string[] = [];
    for (const request of requests) {
      const contents = (request.json as { contents?: { parts?: unknown[] }[] })?.contents ?? [];
      for (const content of contents)
        for (const part of (content.parts ?? []) as { functionResponse?: unknown }[])
          if (part.functionResponse) out.push(stringsIn(part.functionResponse).join('\n'));
    }
    return out;
  },
  modelTurns: (requests) => requests.filter((r) => r.url.includes(':streamGenerateContent')),
};

function patchFor({ rel, content, before }: WriteIntent): string {
  const plus = (text: string) =>
    text
      .replace(/\n$/, '')
      .split('\n')
      .map((line) => `+${line}`);
  const body =
    before === undefined
      ? [`*** Add File: ${rel}`, ...plus(content)]
      : [
          `*** Update File: ${rel}`,
          '@@',
          ...before
            .replace(/\n$/, '')
            .split('\n')
            .map((line) => `-${line}`),
          ...plus(content),
        ];
  return ['*** Begin Patch', ...body, '*** End Patch', ''].join('\n');
}

const codex: ClientProfile = {
  name: 'codex',
  api: 'codex',
  // gpt-5.5: a bundled slug (unknown slugs get no apply_patch tool). Analytics and plugins off: they
  // reach outside and cost seconds. The base URL is passed per run with -c (the port changes).
  writeUserConfig(home, trustedProjects) {
    const lines = [
      'model = "gpt-5.5"',
      'model_provider = "mock"',
      'approval_policy = "never"',
      'sandbox_mode = "danger-full-access"',
      '',
      '[analytics]',
      'enabled = false',
      '',
      '[features]',
      'plugins = false',
      '',
      '[model_providers.mock]',
      'name = "mock"',
      'base_url = "http://127.0.0.1:9/v1"',
      'env_key = "MOCK_API_KEY"',
      'wire_api = "responses"',
      '',
      // An untrusted project's .codex/ is ignored without a word.
      ...trustedProjects.flatMap((dir) => [
        `[projects.${JSON.stringify(dir)}]`,
        'trust_level = "trusted"',
        '',
      ]),
    ];
    fs.mkdirSync(path.join(home, '.codex'), { recursive: true });
    fs.writeFileSync(path.join(home, '.codex', 'config.toml'), lines.join('\n'));
  },
  args: (prompt, origin, editedHooks) => [
    'exec',
    ...(editedHooks ? ['--dangerously-bypass-hook-trust'] : []),
    '--json',
    '-c',
    `model_providers.mock.base_url=${JSON.stringify(`${origin}/v1`)}`,
    prompt,
  ],
  // Codex reads a linked worktree's hooks from the main checkout.
  hooksFile: (_a, root) => path.join(root, '.codex', 'hooks.json'),
  env: () => ({ MOCK_API_KEY: 'test' }),
  // Paths in the patch as the model writes them: relative to the cwd.
  writeScript: (intent) => ({ name: 'apply_patch', input: patchFor(intent) }),
  // gpt-5.5's shell tool; its hooks see it as tool_name "Bash", tool_input {command}.
  shellScript: (command) => ({ name: 'exec_command', arguments: { cmd: command } }),
  idleScript: { name: 'no_such_tool', input: '' },
  toolResults: (requests) => {
    const out: string[] = [];
    for (const request of requests) {
      const input = (request.json as { input?: unknown })?.input;
      if (!Array.isArray(input)) continue;
      for (const item of input as { type?: string; output?: unknown }[])
        if (/_call_output$/.test(item.type ?? '')) out.push(stringsIn(item.output).join('\n'));
    }
    return out;
  },
  modelTurns: (requests) =>
    requests.filter((r) => r.method === 'POST' && r.url.split('?')[0]!.endsWith('/responses')),
};

export const PROFILES = { claude, gemini, codex, qwen, copilot, opencode } satisfies Partial<
  Record<ClientName, ClientProfile>
>;

export function profileOf(name: ClientName): ClientProfile {
  const profile = (PROFILES as Partial<Record<ClientName, ClientProfile>>)[name];
  if (!profile) throw new Error(`no client profile for ${name} in harness/clientProfiles.ts`);
  return profile;
}
