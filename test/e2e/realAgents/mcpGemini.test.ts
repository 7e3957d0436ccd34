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

const LOCK_CALL = {
  name: 'mcp_qlock_lock',
  args: { paths: ['src/a.txt'], reason: 'gemini renames the a API' },
};

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

  const run = (world: World) =>
    runClient(client, profile, {
      cwd: world.a,
      homeTemplate: world.home,
      script: LOCK_CALL,
      prompt: 'lock src/a.txt before renaming the a API',
      pathDirs: [world.binDir],
    });

  it('takes a lock through mcp_qlock_lock, and the model reads the CLI text', async () => {
    const world = await makeWorld(profile);

    const result = await run(world);

    expect(result.code, describeRun(result)).toBe(0);
    expect(registryLocks(world), describeRun(result)).toEqual([
      ['src/a.txt', 'feature-a', 'gemini renames the a API'],
    ]);
    expect(result.toolResults.join('\n'), describeRun(result)).toContain('Locked src/a.txt.');
  });

  it('a lock another session holds comes back as an answer naming the holder, and nothing is taken', async () => {
    const world = await makeWorld(profile);
    await world.qlock(['lock', 'src/a.txt', '--reason', 'fixing the a parser'], world.b);

    const result = await run(world);

    expect(result.code, describeRun(result)).toBe(0);
    const answer = result.toolResults.find((t) => t.includes('Not locked'));
    expect(answer, describeRun(result)).toContain('feature-b (reason: fixing the a parser');
    expect(registryLocks(world)).toEqual([['src/a.txt', 'feature-b', 'fixing the a parser']]);
  });
});
