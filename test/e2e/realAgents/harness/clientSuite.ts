import fs from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  type ClientName,
  CLIENTS,
  ensureClient,
  INSTALL_TIMEOUT_MS,
  type InstalledClient,
} from '../../../helpers/agentClients.js';
import { lines } from '../../../helpers/repo.js';
import { profileOf } from './clientProfiles.js';
import { type ClientRun, describeRun, runClient, testTimeout } from './runClient.js';
import { makeWorld, type World } from './world.js';

/**
 * The end-to-end tests every real client must pass (issue 9): the client, driven by a scripted
 * stand-in of its model, runs the hooks `qlock agent install` wrote, in a real repository with two
 * sessions. A client start costs seconds (OpenCode and Qwen Code about ten), so the client runs
 * twice per suite, not once per check (issue 20's time budget): one session whose scripted model
 * takes every step in turn (a locked write by its file tool, one by its shell, a free write, a
 * write to a file the other session is changing) while main moves under its work, then the next
 * session in the same worktree. Each check below reads those two runs; each run gets its own HOME
 * and request log. QLOCK_E2E_TIMINGS=1 prints how long every qlock call and client run took;
 * QLOCK_AGENT_CACHE moves the clients' cache (test/helpers/agentClients.ts).
 */

/**
 * qlock's one-line notice that main moved under the session's work, naming the file
 * ("main moved (1 commit): src/a.txt changed under your work — …"). Matched on one line: the words
 * "main moved" alone also appear in the description of qlock's MCP inbox tool.
 */
const MAIN_MOVED = /main moved[^\n]*src\/a\.txt/i;

/** The steps of a stand-in SCRIPT: one call, or a `{sequence}` of them. */
const stepsOf = (script: unknown): unknown[] =>
  Array.isArray((script as { sequence?: unknown[] })?.sequence)
    ? (script as { sequence: unknown[] }).sequence
    : [script];

const read = (dir: string, rel: string) => fs.readFileSync(path.join(dir, rel), 'utf8');
const exists = (dir: string, rel: string) => fs.existsSync(path.join(dir, rel));

/** The soft warning on src/c.txt, feature-b's uncommitted work. */
const SOFT_WARNING = /src\/c\.txt is also being changed by session "feature-b"/;

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

    let world: World;
    /** What the files were before the session. */
    const before: Record<string, string> = {};
    const FREE = 'written by the agent\n';
    const SOFT = 'rewritten by the agent\n';
    let onMain: string;
    /** The session: every step in one client run. */
    let session: ClientRun;
    /** The next session in the same worktree, with nothing to do. */
    let next: ClientRun;

    // The two runs are made once for all the checks below: their directories and processes live
    // until the last check is done.
    const cleanups: (() => void)[] = [];
    const cleanup = (fn: () => void) => void cleanups.push(fn);
    afterAll(() => {
      for (const fn of cleanups.reverse()) fn();
    });

    beforeAll(async () => {
      world = await makeWorld(profile, { cleanup });
      await world.qlock(
        ['lock', 'src/b.txt', 'src/d.txt', '--reason', 'renaming the b API'],
        world.b,
      );
      // feature-b's uncommitted work on src/c.txt (nobody holds a lock on it); feature-a's on
      // src/a.txt.
      fs.writeFileSync(
        path.join(world.b, 'src/c.txt'),
        'c1 changed by feature-b\n' + lines('c', 20).slice(3),
      );
      fs.writeFileSync(
        path.join(world.a, 'src/a.txt'),
        'a1 changed by feature-a\n' + lines('a', 20).slice(3),
      );
      for (const rel of ['src/a.txt', 'src/b.txt', 'src/c.txt', 'src/d.txt'])
        before[rel] = read(world.a, rel);
      // main moves once the session has started (its briefing is written): a commit in the main
      // worktree touching the file feature-a changed. So only the prompt hook can tell.
      onMain = world.repo.write('main-a.txt', lines('a', 19) + 'a20 changed on main\n');
      const restore = world.afterSessionStart(
        `cd ${JSON.stringify(world.root)} && mv main-a.txt src/a.txt && ` +
          "git commit -q --no-verify -m 'main: change a20' src/a.txt",
      );
      const write = (rel: string, content: string, existing: boolean) =>
        stepsOf(
          profile.writeScript({
            abs: path.join(world.a, rel),
            rel,
            content,
            before: existing ? before[rel] : undefined,
          }),
        );
      const script = {
        sequence: [
          ...write('src/b.txt', 'overwritten by the agent\n', true),
          ...stepsOf(profile.shellScript("printf 'overwritten by the shell\\n' > src/d.txt")),
          ...write('src/new.txt', FREE, false),
          ...write('src/c.txt', SOFT, true),
        ],
      };
      try {
        session = await runClient(client, profile, {
          cwd: world.a,
          homeTemplate: world.home,
          script,
          prompt: 'rewrite src/b.txt and src/d.txt, create src/new.txt, rewrite src/c.txt',
          editedHooks: true,
          cleanup,
        });
      } finally {
        restore();
      }
      next = await runClient(client, profile, {
        cwd: world.a,
        homeTemplate: world.home,
        script: profile.idleScript,
        prompt: 'and the next',
        cleanup,
      });
    }, testTimeout(2));

    it('both client runs end cleanly', () => {
      expect(session.code, describeRun(session)).toBe(0);
      expect(next.code, describeRun(next)).toBe(0);
    });

    it('briefs the model at start: its session, the other one, and what that one holds', () => {
      // The session-start briefing reached the model before its first turn (the prompt names
      // src/b.txt too: match the briefing's own lines).
      expect(session.firstTurnText, describeRun(session)).toContain(
        'you are working in session "feature-a"',
      );
      expect(session.firstTurnText).toMatch(/- feature-b \(active, branch qlock\/feature-b\)/);
      expect(session.firstTurnText).toMatch(
        /- src\/b\.txt: feature-b \(reason: renaming the b API/,
      );
    });

    it('does not write a file another session has locked, and tells the model who holds it', () => {
      expect(read(world.a, 'src/b.txt'), describeRun(session)).toBe(before['src/b.txt']);
      // The tool result is what the model reads about its refused write: it names the holder,
      // the reason and the way forward.
      const refusal = session.toolResults.find((text) =>
        text.includes('src/b.txt is locked by session feature-b'),
      );
      expect(refusal, describeRun(session)).toBeDefined();
      expect(refusal).toContain(
        'src/b.txt is locked by session feature-b (reason: renaming the b API',
      );
      expect(refusal).toContain('qlock unlock src/b.txt');
    });

    it('does not let a shell command write a file another session has locked', () => {
      expect(read(world.a, 'src/d.txt'), describeRun(session)).toBe(before['src/d.txt']);
      expect(
        session.toolResults.find((text) =>
          text.includes('src/d.txt is locked by session feature-b'),
        ),
        describeRun(session),
      ).toBeDefined();
    });

    it('writes a file nobody has locked, and says nothing about it', () => {
      expect(exists(world.a, 'src/new.txt'), describeRun(session)).toBe(true);
      expect(read(world.a, 'src/new.txt')).toBe(FREE);
      expect(
        session.toolResults.filter((text) => text.includes('src/new.txt is locked')),
        describeRun(session),
      ).toEqual([]);
    });

    it('warns the model, without blocking, when it writes a file another session is changing', () => {
      expect(read(world.a, 'src/c.txt'), describeRun(session)).toBe(SOFT);
      // Not before that write (the briefing does not say it), and after it: with the result of
      // the write (Claude, Codex: PreToolUse additionalContext; Gemini: AfterTool's; …).
      expect(session.firstTurnText, describeRun(session)).not.toMatch(SOFT_WARNING);
      expect(session.turnTexts.at(-1), describeRun(session)).toMatch(SOFT_WARNING);
    });

    it('tells the model at the next prompt that main moved under its changes', () => {
      expect(fs.existsSync(onMain), 'the hook moved main').toBe(false);
      expect(world.repo.git(['log', '-1', '--format=%s', 'main'])).toBe('main: change a20');
      // The prompt's digest ("… since your last prompt:") names the file, before the model's
      // first turn.
      expect(session.firstTurnText, describeRun(session)).toMatch(
        /since your last prompt:\n(?:- [^\n]*\n)*- main moved[^\n]*src\/a\.txt/,
      );
    });

    it('tells it once: not again within the session, nor in the next one', () => {
      // The last turn carries the whole conversation: the notice is in it once, however many
      // times the client ran its prompt hook (Qwen Code runs it again after tool results).
      const last = session.turnTexts.at(-1) ?? '';
      expect(last.match(new RegExp(MAIN_MOVED.source, 'gi')), describeRun(session)).toHaveLength(1);
      expect(next.turnTexts.join('\n'), describeRun(next)).not.toMatch(MAIN_MOVED);
    });
  });
}
