import fs from 'node:fs';
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import {
  type ClientName,
  CLIENTS,
  ensureClient,
  INSTALL_TIMEOUT_MS,
  type InstalledClient,
} from '../../../helpers/agentClients.js';
import { lines } from '../../../helpers/repo.js';
import { profileOf } from './clientProfiles.js';
import { describeRun, runClient, testTimeout } from './runClient.js';
import { makeWorld, type World } from './world.js';

/**
 * The end-to-end tests every real client must pass (issue 9): the client, driven by a scripted
 * stand-in of its model, runs the hooks `qlock agent install` wrote, in a real repository with two
 * sessions. Each test builds its own repository and each client run gets its own HOME and request
 * log. QLOCK_E2E_TIMINGS=1 prints how long every qlock call and client run took;
 * QLOCK_AGENT_CACHE moves the clients' cache (test/helpers/agentClients.ts).
 */

/**
 * qlock's one-line notice that main moved under the session's work, naming the file
 * ("main moved (1 commit): src/a.txt changed under your work — …"). Matched on one line: the words
 * "main moved" alone also appear in the description of qlock's MCP inbox tool.
 */
const MAIN_MOVED = /main moved[^\n]*src\/a\.txt/i;

/** feature-b locks src/b.txt (`qlock lock` run as that session, in its worktree). */
const lockAsB = (world: World) =>
  world.qlock(['lock', 'src/b.txt', '--reason', 'renaming the b API'], world.b);

const read = (dir: string, rel: string) => fs.readFileSync(path.join(dir, rel), 'utf8');
const exists = (dir: string, rel: string) => fs.existsSync(path.join(dir, rel));

export function realClientSuite(name: ClientName): void {
  const profile = profileOf(name);
  const spec = CLIENTS[name];
  let client: InstalledClient;

  describe(`${spec.pkg}@${spec.version} (real ${name}) runs qlock's hooks`, () => {
    // Installs into the cache on first use (minutes); loud failure when the registry is unreachable.
    beforeAll(async () => {
      client = await ensureClient(name);
      if (client.installed)
        console.info(
          `installed ${spec.pkg}@${spec.version} in ${client.installMs} ms: ${client.dir}`,
        );
    }, INSTALL_TIMEOUT_MS + 60_000);

    const run = (world: World, script: unknown, prompt?: string, editedHooks?: boolean) =>
      runClient(client, profile, {
        cwd: world.a,
        homeTemplate: world.home,
        script,
        prompt,
        editedHooks,
      });

    it(
      'briefs the model at start; does not write a file another session has locked, and tells the model who holds it',
      async () => {
        const world = await makeWorld(profile);
        await lockAsB(world);
        const before = read(world.a, 'src/b.txt');

        const result = await run(
          world,
          profile.writeScript({
            abs: path.join(world.a, 'src/b.txt'),
            rel: 'src/b.txt',
            content: 'overwritten by the agent\n',
            before,
          }),
          'rewrite src/b.txt',
        );

        // The session-start briefing reached the model before its first turn: which session it is,
        // who else works here and what they hold (the prompt names src/b.txt too: match the
        // briefing's own lines).
        expect(result.firstTurnText, describeRun(result)).toContain(
          'you are working in session "feature-a"',
        );
        expect(result.firstTurnText).toMatch(/- feature-b \(active, branch qlock\/feature-b\)/);
        expect(result.firstTurnText).toMatch(
          /- src\/b\.txt: feature-b \(reason: renaming the b API/,
        );

        expect(read(world.a, 'src/b.txt'), describeRun(result)).toBe(before);
        // The tool result is what the model reads about its refused write: it names the holder,
        // the reason and the way forward.
        const refusal = result.toolResults.find((text) => text.includes('feature-b'));
        expect(refusal, describeRun(result)).toBeDefined();
        expect(refusal).toContain(
          'src/b.txt is locked by session feature-b (reason: renaming the b API',
        );
        expect(refusal).toContain('qlock unlock src/b.txt');
      },
      testTimeout(1),
    );

    it(
      'does not let a shell command write a file another session has locked',
      async () => {
        const world = await makeWorld(profile);
        await lockAsB(world);
        const before = read(world.a, 'src/b.txt');

        const result = await run(
          world,
          profile.shellScript("printf 'overwritten by the shell\\n' > src/b.txt"),
          'rewrite src/b.txt from the shell',
        );

        expect(read(world.a, 'src/b.txt'), describeRun(result)).toBe(before);
        expect(
          result.toolResults.find((text) =>
            text.includes('src/b.txt is locked by session feature-b'),
          ),
          describeRun(result),
        ).toBeDefined();
      },
      testTimeout(1),
    );

    it(
      'writes a file nobody has locked',
      async () => {
        const world = await makeWorld(profile);
        await lockAsB(world);
        const content = 'written by the agent\n';

        const result = await run(
          world,
          profile.writeScript({
            abs: path.join(world.a, 'src/new.txt'),
            rel: 'src/new.txt',
            content,
          }),
          'create src/new.txt',
        );

        expect(exists(world.a, 'src/new.txt'), describeRun(result)).toBe(true);
        expect(read(world.a, 'src/new.txt')).toBe(content);
        expect(result.toolResults.join('\n'), describeRun(result)).not.toContain('feature-b');
      },
      testTimeout(1),
    );

    it(
      'warns the model, without blocking, when it writes a file another session is changing',
      async () => {
        const world = await makeWorld(profile);
        // feature-b's uncommitted work on src/a.txt; nobody holds a lock.
        fs.writeFileSync(
          path.join(world.b, 'src/a.txt'),
          'a1 changed by feature-b\n' + lines('a', 20).slice(3),
        );
        const before = read(world.a, 'src/a.txt');
        const content = 'rewritten by the agent\n';

        const result = await run(
          world,
          profile.writeScript({
            abs: path.join(world.a, 'src/a.txt'),
            rel: 'src/a.txt',
            content,
            before,
          }),
          'rewrite src/a.txt',
        );

        expect(read(world.a, 'src/a.txt'), describeRun(result)).toBe(content);
        // The soft warning reached the model with the result of its write (Claude and Codex:
        // PreToolUse additionalContext; Gemini: AfterTool's).
        expect(result.turnTexts.slice(1).join('\n'), describeRun(result)).toMatch(
          /src\/a\.txt is also being changed by session "feature-b"/,
        );
      },
      testTimeout(1),
    );

    it(
      'tells the model at the next prompt that main moved under its changes, and only once',
      async () => {
        const world = await makeWorld(profile);
        // feature-a's uncommitted work on src/a.txt.
        fs.writeFileSync(
          path.join(world.a, 'src/a.txt'),
          'a1 changed by feature-a\n' + lines('a', 20).slice(3),
        );
        // main moves once the session has started (its briefing is written): a commit in the main
        // worktree touching the file feature-a changed. So only the prompt hook can tell.
        const onMain = world.repo.write('main-a.txt', lines('a', 19) + 'a20 changed on main\n');
        const restore = world.afterSessionStart(
          `cd ${JSON.stringify(world.root)} && mv main-a.txt src/a.txt && ` +
            "git commit -q --no-verify -m 'main: change a20' src/a.txt",
        );
        const moved = await run(world, profile.idleScript, 'next step', true);
        restore();
        expect(moved.code, describeRun(moved)).toBe(0);
        expect(fs.existsSync(onMain), 'the hook moved main').toBe(false);
        expect(world.repo.git(['log', '-1', '--format=%s', 'main'])).toBe('main: change a20');
        // The prompt's digest ("… since your last prompt:") names the file.
        expect(moved.turnTexts.join('\n'), describeRun(moved)).toMatch(
          /since your last prompt:\n(?:- [^\n]*\n)*- main moved[^\n]*src\/a\.txt/,
        );

        // Delivered once: neither the next briefing nor the next prompt repeats it.
        const after = await run(world, profile.idleScript, 'and the next');
        expect(after.code, describeRun(after)).toBe(0);
        expect(after.turnTexts.join('\n'), describeRun(after)).not.toMatch(MAIN_MOVED);
      },
      testTimeout(2),
    );
  });
}
