import fs from 'node:fs';
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import {
  CLIENTS,
  ensureClient,
  INSTALL_TIMEOUT_MS,
  type InstalledClient,
} from '../../helpers/agentClients.js';
import { lines, makeRepo, runQlock, tempDir } from '../../helpers/repo.js';
import { type ClientProfile, PROFILES } from './harness/clientProfiles.js';
import { describeRun, runClient, testTimeout } from './harness/runClient.js';

/**
 * The real GitHub Copilot CLI's `--worktree NAME` in a qlock project (qlock's git hooks on,
 * `qlock agent install copilot` in the main checkout): Copilot makes `<root>.worktrees/NAME` with
 * `git worktree add -b NAME … HEAD`, post-checkout's autoJoin makes it a session and installs the
 * main checkout's Copilot hooks there, and Copilot runs them in that worktree (the folder it made
 * from a trusted one is trusted). Before, the worktree was a session but had no qlock hooks: its
 * writes were checked by nobody.
 */

const base = PROFILES.copilot;
const worktreeProfile: ClientProfile = {
  ...base,
  args: (prompt, origin, edited) => ['--worktree', 'fix-y', ...base.args(prompt, origin, edited)],
};

describe(`${CLIENTS.copilot.pkg}@${CLIENTS.copilot.version} (real copilot) --worktree in a qlock project`, () => {
  let client: InstalledClient;
  beforeAll(async () => {
    client = await ensureClient('copilot');
  }, INSTALL_TIMEOUT_MS + 60_000);

  it(
    'the worktree it makes is a session running qlock hooks: briefed, a locked write refused naming the holder, a free one written',
    async () => {
      const repo = makeRepo({ files: { 'README.md': '# test\n', 'src/a.txt': lines('a', 5) } });
      const home = tempDir('qlock-copilot-home');
      const env = { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') };
      const qlock = async (args: string[], cwd: string) => {
        const r = await runQlock(args, { cwd, env });
        expect(r.code, `qlock ${args.join(' ')}: ${r.stderr}`).toBe(0);
        return r;
      };
      await qlock(['init'], repo.root); // git hooks on: post-checkout's autoJoin
      await qlock(['new', 'fb'], repo.root);
      const fb = path.join(repo.parent, 'repo-fb');
      await qlock(['lock', 'src/a.txt', '--reason', 'renaming the a API'], fb);
      await qlock(['agent', 'install', 'copilot'], repo.root);
      base.writeUserConfig(home, [repo.root]);

      const wt = `${repo.root}.worktrees/fix-y`;
      const before = lines('a', 5);
      const result = await runClient(client, worktreeProfile, {
        cwd: repo.root,
        homeTemplate: home,
        script: {
          sequence: [
            base.writeScript({
              abs: path.join(wt, 'src/a.txt'),
              rel: 'src/a.txt',
              content: 'overwritten by the agent\n',
              before,
            }),
            base.writeScript({
              abs: path.join(wt, 'src/new.txt'),
              rel: 'src/new.txt',
              content: 'written by the agent\n',
            }),
          ],
        },
        prompt: 'rewrite src/a.txt, create src/new.txt',
      });

      expect(result.code, describeRun(result)).toBe(0);
      expect(result.stderr).toContain(`Created worktree at ${wt} (branch fix-y)`);
      const status = JSON.parse((await qlock(['status', '--json'], repo.root)).stdout) as {
        sessions: { name: string; path: string }[];
      };
      expect(status.sessions.map((s) => s.name)).toEqual(['fb', 'fix-y']);
      expect(result.firstTurnText, describeRun(result)).toContain(
        'you are working in session "fix-y"',
      );
      expect(fs.readFileSync(path.join(wt, 'src/a.txt'), 'utf8'), describeRun(result)).toBe(before);
      expect(
        result.toolResults.find((t) =>
          t.includes('src/a.txt is locked by session fb (reason: renaming the a API'),
        ),
        describeRun(result),
      ).toBeDefined();
      expect(fs.readFileSync(path.join(wt, 'src/new.txt'), 'utf8'), describeRun(result)).toBe(
        'written by the agent\n',
      );
    },
    testTimeout(1),
  );
});
