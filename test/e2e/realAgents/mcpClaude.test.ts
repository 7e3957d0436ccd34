import fs from 'node:fs';
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import {
  CLIENTS,
  ensureClient,
  INSTALL_TIMEOUT_MS,
  type InstalledClient,
} from '../../helpers/agentClients.js';
import { type ClientProfile, PROFILES } from './harness/clientProfiles.js';
import { type ClientRun, describeRun, runClient } from './harness/runClient.js';
import { makeWorld, type World } from './harness/world.js';

/**
 * The real Claude Code calling qlock's MCP server end to end: the stand-in model is scripted to
 * call `mcp__qlock__lock`, Claude Code starts `qlock mcp` from the `.mcp.json` that
 * `qlock agent install claude` wrote in the session's worktree, and the lock lands in the registry.
 *
 * What a headless run needs, found against Claude Code 2.1.330:
 * - The `.mcp.json` server loads in `-p` mode as installed (no --mcp-config, no trust prompt).
 * - Tool search is on by default: MCP tools are only listed by name ("deferred") and the model
 *   must load them with ToolSearch first. The one-call stand-in calls only a tool offered in the
 *   request's `tools`, so ENABLE_TOOL_SEARCH=false puts them there.
 * - MCP tools need permission: headless, an unapproved call is denied ("Claude requested
 *   permissions to use mcp__qlock__lock, but you haven't granted it yet") and listed under
 *   permission_denials. `--allowedTools mcp__qlock__lock` (or `mcp__qlock` for all of qlock's
 *   tools), or `permissions.allow: ["mcp__qlock"]` in the settings, lets it run.
 * - Claude Code hands the model a tool's structuredContent (the CLI's --json object) when there is
 *   one, and the text of a tool error.
 */

const base = PROFILES.claude;

/** The claude profile of the harness, with MCP tools listed inline and, optionally, allowed. */
function mcpProfile(allowedTools: string[]): ClientProfile {
  return {
    ...base,
    args: (prompt, origin) => [
      ...base.args(prompt, origin),
      ...(allowedTools.length ? ['--allowedTools', allowedTools.join(',')] : []),
    ],
    env: (origin, cwd) => ({ ...base.env(origin, cwd), ENABLE_TOOL_SEARCH: 'false' }),
  };
}

const lockCall = (file: string, reason: string) => ({
  name: 'mcp__qlock__lock',
  input: { paths: [file], reason },
});
const LOCK_CALL = lockCall('src/a.txt', 'claude renames the a API');

const registryLocks = (world: World) =>
  (
    JSON.parse(
      fs.readFileSync(path.join(world.root, '.git', 'qlock', 'registry.json'), 'utf8'),
    ) as { locks: { path: string; session: string; reason: string }[] }
  ).locks.map((l) => [l.path, l.session, l.reason]);

/** The permission denials Claude Code lists in its JSON result. */
const denials = (run: ClientRun) =>
  (
    JSON.parse(run.stdout) as { permission_denials?: { tool_name: string }[] }
  ).permission_denials?.map((d) => d.tool_name) ?? [];

describe(`${CLIENTS.claude.pkg}@${CLIENTS.claude.version} (real claude) calls qlock's MCP tools`, () => {
  let client: InstalledClient;
  beforeAll(async () => {
    client = await ensureClient('claude');
  }, INSTALL_TIMEOUT_MS + 60_000);

  const run = (world: World, profile: ClientProfile, script: unknown) =>
    runClient(client, profile, {
      cwd: world.a,
      homeTemplate: world.home,
      script,
      prompt: 'lock src/a.txt before renaming the a API',
      pathDirs: [world.binDir],
    });

  // One run, two calls (a client start costs seconds): a free lock, then one feature-b holds.
  it('takes a lock through mcp__qlock__lock, registered as `qlock agent install claude` writes it; a lock another session holds comes back naming the holder', async () => {
    const world = await makeWorld(base);
    await world.qlock(['lock', 'src/b.txt', '--reason', 'fixing the b parser'], world.b);
    // What install wrote: the server in the worktree's .mcp.json, approved in the local settings.
    const mcpJson = JSON.parse(fs.readFileSync(path.join(world.a, '.mcp.json'), 'utf8')) as {
      mcpServers: { qlock: { command: string; args: string[] } };
    };
    expect(mcpJson.mcpServers.qlock.args.slice(-1)).toEqual(['mcp']);

    const result = await run(world, mcpProfile(['mcp__qlock']), {
      sequence: [LOCK_CALL, lockCall('src/b.txt', 'claude renames the b API')],
    });

    expect(result.code, describeRun(result)).toBe(0);
    // The model was offered every qlock tool under Claude Code's MCP names.
    const offered = ((result.turns[0]?.json as { tools?: { name: string }[] })?.tools ?? []).map(
      (t) => t.name,
    );
    for (const tool of ['lock', 'unlock', 'who', 'status', 'conflicts', 'inbox', 'note'])
      expect(offered, describeRun(result)).toContain(`mcp__qlock__${tool}`);
    // The free lock is in the registry, held by the session whose worktree Claude runs in; the
    // held one is still feature-b's.
    expect(registryLocks(world).sort(), describeRun(result)).toEqual([
      ['src/a.txt', 'feature-a', 'claude renames the a API'],
      ['src/b.txt', 'feature-b', 'fixing the b parser'],
    ]);
    // And the model read both outcomes.
    const taken = result.toolResults.find((t) => t.includes('src/a.txt'));
    expect(taken, describeRun(result)).toContain('feature-a');
    const answer = result.toolResults.find((t) => t.includes('refused'));
    expect(answer, describeRun(result)).toBeDefined();
    expect(answer).toContain('feature-b');
    expect(answer).toContain('fixing the b parser');
    expect(denials(result)).toEqual([]);
  });

  it('headless, an MCP tool nobody allowed is denied and takes nothing (why the tests allow it)', async () => {
    const world = await makeWorld(base);

    const result = await run(world, mcpProfile([]), LOCK_CALL);

    expect(result.code, describeRun(result)).toBe(0);
    expect(denials(result), describeRun(result)).toEqual(['mcp__qlock__lock']);
    expect(registryLocks(world)).toEqual([]);
  });
});
