import fs from 'node:fs';
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import {
  CLIENTS,
  ensureClient,
  INSTALL_TIMEOUT_MS,
  type InstalledClient,
} from '../../helpers/agentClients.js';
import { PROFILES } from './harness/clientProfiles.js';
import { describeRun, runClient, testTimeout } from './harness/runClient.js';
import { makeWorld } from './harness/world.js';

/**
 * The real GitHub Copilot CLI running the hooks qlock wrote for Claude Code
 * (`qlock agent install claude`: .claude/settings.local.json), as it does in a trusted folder, with
 * Claude's tool names but its own arguments (reference/agent-hooks.md §8): the locked write must not
 * happen, and the model must be told who holds the file.
 */

const spec = CLIENTS.copilot;
let client: InstalledClient;

describe(`${spec.pkg}@${spec.version} (real copilot) runs the hooks qlock wrote for Claude Code`, () => {
  beforeAll(async () => {
    client = await ensureClient('copilot');
  }, INSTALL_TIMEOUT_MS + 60_000);

  it(
    'refuses a locked write made with its own argument names, naming the holder to the model',
    async () => {
      // Copilot's user config and trust, qlock's hooks for Claude only.
      const world = await makeWorld({ ...PROFILES.copilot, name: 'claude' });
      expect(fs.existsSync(path.join(world.a, '.github', 'hooks', 'qlock.json'))).toBe(false);
      await world.qlock(['lock', 'src/b.txt', '--reason', 'renaming the b API'], world.b);
      const before = fs.readFileSync(path.join(world.a, 'src/b.txt'), 'utf8');

      const result = await runClient(client, PROFILES.copilot, {
        cwd: world.a,
        homeTemplate: world.home,
        script: PROFILES.copilot.writeScript({
          abs: path.join(world.a, 'src/b.txt'),
          rel: 'src/b.txt',
          content: 'overwritten by the agent\n',
          before,
        }),
        prompt: 'rewrite src/b.txt',
      });

      expect(fs.readFileSync(path.join(world.a, 'src/b.txt'), 'utf8'), describeRun(result)).toBe(
        before,
      );
      const refusal = result.toolResults.find((t) => t.includes('feature-b'));
      expect(refusal, describeRun(result)).toContain(
        'src/b.txt is locked by session feature-b (reason: renaming the b API',
      );
      // The briefing reached the model once (from Claude's SessionStart hook, top-level context).
      const briefings = result.firstTurnText.match(/you are working in session "feature-a"/g);
      expect(briefings?.length, describeRun(result)).toBe(1);
    },
    testTimeout(1),
  );
});
