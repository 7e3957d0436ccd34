import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { denyOutcome, warnOutcome } from '../../src/agents/hookOutput.js';
import { payload } from '../fixtures/agents/payloads.js';
import { ensureClient, INSTALL_TIMEOUT_MS } from '../helpers/agentClients.js';
import { REPO_ROOT, tempDir } from '../helpers/repo.js';

/**
 * The Claude Code fixtures and qlock's Claude output, type-checked against the declarations of the
 * pinned @anthropic-ai/claude-agent-sdk (sdk.d.ts, sdk-tools.d.ts). The SDK is not a dependency:
 * it comes from the real-client cache (test/helpers/agentClients.ts) that the real-agent e2e
 * tests use anyway. A deliberately wrong payload must fail, so the check can fail.
 */

const VARS = { cwd: '/w/repo', file: '/w/repo/src/a.ts', command: 'npm test', home: '/home/me' };

function tsc(dir: string, source: string): { status: number | null; output: string } {
  fs.writeFileSync(path.join(dir, 'check.ts'), source);
  const result = spawnSync(
    process.execPath,
    [
      path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'),
      '--noEmit',
      '--strict',
      '--skipLibCheck',
      '--target',
      'es2022',
      '--module',
      'esnext',
      '--moduleResolution',
      'bundler',
      'check.ts',
    ],
    { cwd: dir, encoding: 'utf8' },
  );
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('Claude Code payloads and outputs against the Agent SDK’s types', () => {
  it(
    'every Claude fixture and output satisfies the SDK’s hook types',
    async () => {
      const client = await ensureClient('claude');
      const sdk = path.join(client.dir, 'node_modules/@anthropic-ai/claude-agent-sdk');
      expect(fs.existsSync(path.join(sdk, 'sdk.d.ts'))).toBe(true);
      const dir = tempDir('claude-types');
      const header = [
        `import type { PreToolUseHookInput, SessionStartHookInput, UserPromptSubmitHookInput, SyncHookJSONOutput } from ${JSON.stringify(path.join(sdk, 'sdk'))};`,
        `import type { BashInput, FileEditInput, FileWriteInput, NotebookEditInput } from ${JSON.stringify(path.join(sdk, 'sdk-tools'))};`,
      ];
      const checks = [
        ['SessionStartHookInput', payload('claude.SessionStart', VARS)],
        ['UserPromptSubmitHookInput', payload('claude.UserPromptSubmit', VARS)],
        [
          'PreToolUseHookInput & { tool_input: FileEditInput }',
          payload('claude.PreToolUse.Edit', VARS),
        ],
        [
          'PreToolUseHookInput & { tool_input: FileWriteInput }',
          payload('claude.PreToolUse.Write', VARS),
        ],
        [
          'PreToolUseHookInput & { tool_input: NotebookEditInput }',
          payload('claude.PreToolUse.NotebookEdit', VARS),
        ],
        [
          'PreToolUseHookInput & { tool_input: BashInput }',
          payload('claude.PreToolUse.Bash', VARS),
        ],
        // MultiEdit has no declaration in current SDKs (kept in the matcher for older clients).
        ['PreToolUseHookInput', payload('claude.PreToolUse.MultiEdit', VARS)],
        ['SyncHookJSONOutput', denyOutcome('claude', 'pre-tool', 'locked').stdout],
        ['SyncHookJSONOutput', warnOutcome('claude', 'pre-tool', 'careful').stdout],
      ];
      const good = tsc(
        dir,
        [
          ...header,
          ...checks.map(
            ([type, json], i) => `export const c${i} = ${json!.trim()} satisfies ${type};`,
          ),
        ].join('\n'),
      );
      expect(good.output).toBe('');
      expect(good.status).toBe(0);

      const wrong = payload('claude.PreToolUse.Edit', VARS).replace(
        /"effort":\s*\{\s*"level":\s*"medium"\s*\}/,
        '"effort": "medium"',
      );
      expect(wrong).toContain('"effort": "medium"');
      const bad = tsc(
        dir,
        [...header, `export const c = ${wrong.trim()} satisfies PreToolUseHookInput;`].join('\n'),
      );
      expect(bad.status).not.toBe(0);
      expect(bad.output).toContain("Type 'string' is not assignable to type '{ level: string; }'");
    },
    INSTALL_TIMEOUT_MS,
  );
});
