import fs from 'node:fs';
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import {
  ensureClient,
  INSTALL_TIMEOUT_MS,
  type InstalledClient,
} from '../../helpers/agentClients.js';
import { PROFILES } from './harness/clientProfiles.js';
import { realClientSuite } from './harness/clientSuite.js';
import { describeRun, runClient, testTimeout } from './harness/runClient.js';
import { makeWorld, type World } from './harness/world.js';

// The real Codex CLI against a loopback stand-in of its model API (see harness/clientSuite.ts),
// with `qlock agent install codex --trust`.
realClientSuite('codex');

/**
 * Codex runs hooks only when their trust is recorded in the user's config, and skips the others
 * without a word. Checked against the real client: without --trust qlock's hooks really do not run,
 * `qlock doctor` says so, and the snippet `qlock agent install codex` prints makes them run.
 */
describe('@openai/codex@0.169.0 (real codex) and the trust of qlock hooks', () => {
  const profile = PROFILES.codex;
  let client: InstalledClient;
  beforeAll(async () => {
    client = await ensureClient('codex');
  }, INSTALL_TIMEOUT_MS + 60_000);

  const codexFindings = async (world: World) => {
    const doctor = await world.qlock(['doctor', '--json'], world.a, null);
    const { findings } = JSON.parse(doctor.stdout) as {
      findings: { check: string; ok: boolean; message: string }[];
    };
    return findings.filter((f) => f.check === 'agents' && !f.ok && /codex/i.test(f.message));
  };

  it(
    'without --trust Codex skips the hooks, doctor says so, and the printed snippet makes them run',
    async () => {
      const world = await makeWorld(profile, { installFlags: [] });
      await world.qlock(['lock', 'src/b.txt', '--reason', 'renaming the b API'], world.b);
      const file = path.join(world.a, 'src/b.txt');
      const before = fs.readFileSync(file, 'utf8');
      const script = profile.writeScript({ abs: file, rel: 'src/b.txt', content: 'x\n', before });
      const run = () =>
        runClient(client, profile, {
          cwd: world.a,
          homeTemplate: world.home,
          script,
        });

      // What qlock says: the hooks are not trusted, and exactly how to trust them.
      expect(world.install.stdout).toContain('qlock agent install codex --trust');
      expect(await codexFindings(world)).not.toEqual([]);
      // And it is so: the locked file gets written.
      const unprotected = await run();
      expect(fs.readFileSync(file, 'utf8'), describeRun(unprotected)).not.toBe(before);
      fs.writeFileSync(file, before);

      // The snippet install printed, added by hand to the user's Codex config.
      const text = world.install.stdout;
      const end = text.indexOf('\n', text.lastIndexOf('trusted_hash = '));
      const snippet = text.slice(text.indexOf('[hooks.state.'), end);
      expect(snippet).toMatch(/^\[hooks\.state\."[^"]+hooks\.json:pre_tool_use:\d+:\d+"\]$/m);
      fs.appendFileSync(path.join(world.home, '.codex', 'config.toml'), `\n${snippet}\n`);

      expect(await codexFindings(world)).toEqual([]);
      const guarded = await run();
      expect(fs.readFileSync(file, 'utf8'), describeRun(guarded)).toBe(before);
      expect(guarded.toolResults.join('\n'), describeRun(guarded)).toContain('feature-b');
    },
    testTimeout(2),
  );
});

/**
 * Codex applies `apply_patch` itself when the model runs it through its shell tool (exec_command's
 * `cmd`, a here-document): its hooks see a plain `Bash` command, not an apply_patch call (issue 19).
 */
describe('@openai/codex@0.169.0 (real codex): apply_patch through the shell tool', () => {
  const profile = PROFILES.codex;
  let client: InstalledClient;
  beforeAll(async () => {
    client = await ensureClient('codex');
  }, INSTALL_TIMEOUT_MS + 60_000);

  const shellPatch = (header: string, before: string, after: string) =>
    profile.shellScript(
      [
        "apply_patch <<'EOF'",
        '*** Begin Patch',
        header,
        '@@',
        ...before
          .replace(/\n$/, '')
          .split('\n')
          .map((l) => `-${l}`),
        `+${after}`,
        '*** End Patch',
        'EOF',
      ].join('\n'),
    );

  // One run, both patches (a client start costs seconds): the locked file, then a free one.
  it(
    'refuses a locked file and tells the model who holds it; patches a free file',
    async () => {
      const world = await makeWorld(profile);
      await world.qlock(['lock', 'src/b.txt', '--reason', 'renaming the b API'], world.b);
      const locked = path.join(world.a, 'src/b.txt');
      const before = fs.readFileSync(locked, 'utf8');
      const free = path.join(world.a, 'src/a.txt');
      const freeBefore = fs.readFileSync(free, 'utf8');
      const result = await runClient(client, profile, {
        cwd: world.a,
        homeTemplate: world.home,
        script: {
          sequence: [
            shellPatch('*** Update File: src/b.txt', before, 'patched by the agent'),
            // The same form on a file nobody holds: Codex applies it, and qlock says nothing.
            shellPatch('*** Update File: src/a.txt', freeBefore, 'patched by the agent'),
          ],
        },
        prompt: 'patch src/b.txt and src/a.txt from the shell',
      });
      expect(fs.readFileSync(locked, 'utf8'), describeRun(result)).toBe(before);
      const refusal = result.toolResults.find((t) => t.includes('feature-b'));
      expect(refusal, describeRun(result)).toContain(
        'src/b.txt is locked by session feature-b (reason: renaming the b API',
      );
      expect(fs.readFileSync(free, 'utf8'), describeRun(result)).toBe('patched by the agent\n');
      expect(
        result.toolResults.filter((t) => t.includes('src/a.txt is locked')),
        describeRun(result),
      ).toEqual([]);
    },
    testTimeout(1),
  );
});
