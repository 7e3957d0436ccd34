import fs from 'node:fs';
import path from 'node:path';

import {
  BIN,
  lines,
  makeRepo,
  type Repo,
  runQlock,
  type RunResult,
  tempDir,
} from '../../../helpers/repo.js';
import type { ClientProfile } from './clientProfiles.js';

/**
 * The setting of every real-client test: a real repository with two sessions made by the built CLI
 * (`feature-a`, where the agent runs, and `feature-b`, the other session), qlock's hooks installed
 * for the client in feature-a's worktree with `qlock agent install <client>`, and a template HOME
 * holding the client's user configuration (plus whatever that install recorded there, e.g. the
 * Codex hook trust). Each client run copies the template into its own HOME.
 */

export interface World {
  repo: Repo;
  /** The main worktree. */
  root: string;
  /** feature-a's worktree: the agent's cwd. */
  a: string;
  /** feature-b's worktree. */
  b: string;
  /** The HOME template for client runs. */
  home: string;
  /**
   * A directory holding a `qlock` that runs the built CLI, for runs that want it on PATH
   * (`pathDirs`). The suite's own runs leave it off: qlock's hooks must not need it.
   */
  binDir: string;
  /**
   * Runs the built CLI with the world's HOME; fails the test on an exit other than
   * `expectCode` (default 0; null: any).
   */
  qlock(args: string[], cwd: string, expectCode?: number | null): Promise<RunResult>;
  /** What `qlock agent install` printed. */
  install: RunResult;
  /**
   * Makes `command` run (output discarded) right after qlock's session-start hook, in the same
   * hook command, so it happens between the session-start briefing and the first prompt's hook.
   * Copilot CLI may run its sessionStart and userPromptSubmitted hooks concurrently, so the prompt
   * hook is made to wait (at most 20 s) until the command is done: the order is the test's, not
   * the machine load's. Returns what puts the hooks file back.
   */
  afterSessionStart(command: string): () => void;
}

/** Extra arguments of `qlock agent install <client>`. */
const INSTALL_FLAGS: Record<string, string[]> = {
  // Codex runs a project's hooks only once their trust is recorded in the user's Codex config.
  codex: ['--trust'],
};

/**
 * The project. The client suite gives each file one part in its one session: src/a.txt is
 * feature-a's work that main moves under, src/b.txt (file tool) and src/d.txt (shell) are locked
 * by feature-b, src/c.txt is feature-b's uncommitted work that feature-a also writes.
 */
const FILES = {
  'README.md': '# test project\n',
  'src/a.txt': lines('a', 20),
  'src/b.txt': lines('b', 20),
  'src/c.txt': lines('c', 20),
  'src/d.txt': lines('d', 20),
};

export async function makeWorld(
  profile: ClientProfile,
  options: {
    installFlags?: string[];
    /** When to delete its directories (default: when the test finishes). */
    cleanup?: (fn: () => void) => void;
  } = {},
): Promise<World> {
  const repo = makeRepo({ files: FILES, cleanup: options.cleanup });
  const home = tempDir(`qlock-${profile.name}-home`, options.cleanup);
  const binDir = tempDir('qlock-bin', options.cleanup);
  fs.writeFileSync(
    path.join(binDir, 'qlock'),
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`,
    { mode: 0o755 },
  );
  // No `qlock` on PATH: the hooks qlock writes must find it by themselves, as for a user.
  const env = { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') };
  const qlock = async (args: string[], cwd: string, expectCode: number | null = 0) => {
    const started = Date.now();
    const result = await runQlock(args, { cwd, env });
    if (process.env.QLOCK_E2E_TIMINGS)
      console.info(`qlock ${args.join(' ')}: ${Date.now() - started} ms`);
    if (expectCode !== null && result.code !== expectCode) {
      throw new Error(
        `qlock ${args.join(' ')} (in ${cwd}) exited ${result.code}, expected ${expectCode}\n` +
          `stdout: ${result.stdout}\nstderr: ${result.stderr}`,
      );
    }
    return result;
  };

  // No git hooks: the agent's own hooks must notice everything by themselves here.
  await qlock(['init', '--no-hooks'], repo.root);
  const created = async (name: string) => {
    const result = await qlock(['new', name, '--json'], repo.root);
    return (JSON.parse(result.stdout) as { session: { path: string } }).session.path;
  };
  const a = await created('feature-a');
  const b = await created('feature-b');

  profile.writeUserConfig(home, [a]);
  const own = profile.projectConfig;
  if (own) {
    fs.mkdirSync(path.dirname(path.join(a, own.file)), { recursive: true });
    fs.writeFileSync(path.join(a, own.file), own.text);
  }
  const install = await qlock(
    [
      'agent',
      'install',
      profile.name,
      ...(options.installFlags ?? INSTALL_FLAGS[profile.name] ?? []),
    ],
    a,
  );
  profile.prepareWorktree?.(a);
  if (own) {
    const merged = fs.readFileSync(path.join(a, own.file), 'utf8');
    for (const comment of own.text.match(/\/\/.*$/gm) ?? [])
      if (!merged.includes(comment))
        throw new Error(`qlock agent install lost "${comment}" of ${own.file}:\n${merged}`);
  }
  const afterSessionStart = (command: string) => {
    const file = profile.hooksFile(a, repo.root);
    const original = fs.readFileSync(file, 'utf8');
    // Edited as text, inside the JSON string of qlock's command: the file may hold comments.
    const hook = / agent-hook \w+ session-start"/g;
    if (original.match(hook)?.length !== 1)
      throw new Error(`not one qlock session-start hook in ${file}:\n${original}`);
    const done = path.join(home, 'session-start-command-done');
    // qlock's exit status stays the hook's: the client judges the briefing by it.
    const then = `; status=$?; { ${command} ; } >/dev/null 2>&1; : > '${done}'; exit $status`;
    const wait = `i=0; while [ ! -e '${done}' ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done; `;
    const asJson = (text: string) => JSON.stringify(text).slice(1, -1);
    // The prompt hook's command: the whole JSON string that ends in "agent-hook <client> prompt".
    const prompt = /"((?:[^"\\]|\\.)* agent-hook \w+ prompt)"/g;
    if (original.match(prompt)?.length !== 1)
      throw new Error(`not one qlock prompt hook in ${file}:\n${original}`);
    fs.writeFileSync(
      file,
      original
        .replace(hook, (m) => `${m.slice(0, -1)}${asJson(then)}"`)
        .replace(prompt, (_m, cmd: string) => `"${asJson(wait)}${cmd}"`),
    );
    return () => fs.writeFileSync(file, original);
  };
  return { repo, root: repo.root, a, b, home, binDir, qlock, install, afterSessionStart };
}
