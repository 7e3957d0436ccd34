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
import { describeRun, runClient } from './harness/runClient.js';
import { makeWorld, type World } from './harness/world.js';

/**
 * The real Gemini CLI calling qlock's MCP server end to end, from the `mcpServers` entry that
 * `qlock agent install gemini` wrote into the worktree's .gemini/settings.json. Found against
 * Gemini CLI 0.61.0: the tools are offered to the model as `mcp_qlock_<tool>`, run without a
 * prompt in the harness's `--approval-mode yolo`, and the model reads the tool's text content
 * (wrapped in <untrusted_context>), not its structured content.
 */

const profile = PROFILES.gemini;

const lockCall = (file: string, reason: string) => ({
  name: 'mcp_qlock_lock',
  args: { paths: [file], reason },
});

const registryLocks = (world: World) =>
  (
    JSON.parse(
      fs.readFileSync(path.join(world.root, '.git', 'qlock', 'registry.json'), 'utf8'),
    ) as { locks: { path: string; session: string; reason: string }[] }
  ).locks.map((l) => [l.path, l.session, l.reason]);

describe(`${CLIENTS.gemini.pkg}@${CLIENTS.gemini.version} (real gemini) calls qlock's MCP tools`, () => {
  let client: InstalledClient;
  beforeAll(async () => {
    client = await ensureClient('gemini');
  }, INSTALL_TIMEOUT_MS + 60_000);

  // One run, two calls (a client start costs seconds): a free lock, then one feature-b holds.
  it('takes a lock through mcp_qlock_lock, the model reads the CLI text; a lock another session holds comes back naming the holder, and nothing is taken', async () => {
    const world = await makeWorld(profile);
    await world.qlock(['lock', 'src/b.txt', '--reason', 'fixing the b parser'], world.b);

    const result = await runClient(client, profile, {
      cwd: world.a,
      homeTemplate: world.home,
      script: {
        sequence: [
          lockCall('src/a.txt', 'gemini renames the a API'),
          lockCall('src/b.txt', 'gemini renames the b API'),
        ],
      },
      prompt: 'lock src/a.txt and src/b.txt before renaming their APIs',
      pathDirs: [world.binDir],
    });

    expect(result.code, describeRun(result)).toBe(0);
    expect(registryLocks(world).sort(), describeRun(result)).toEqual([
      ['src/a.txt', 'feature-a', 'gemini renames the a API'],
      ['src/b.txt', 'feature-b', 'fixing the b parser'],
    ]);
    expect(result.toolResults.join('\n'), describeRun(result)).toContain('Locked src/a.txt.');
    const answer = result.toolResults.find((t) => t.includes('Not locked'));
    expect(answer, describeRun(result)).toContain('feature-b (reason: fixing the b parser');
  });
});
