import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { onTestFinished } from 'vitest';

import type { Config } from '../../src/project/configSchema.js';
import { DEFAULT_CONFIG } from '../../src/project/defaultConfig.js';
import { findProject, type Project } from '../../src/project/findProject.js';
import { registerSession } from '../../src/sessions/registerSession.js';
import { type SharedSettings, sharedSettings } from '../../src/shared/settings.js';
import { gitSyncIn, lines, tempDir } from './repo.js';

/**
 * Several clones of one bare remote, for shared-mode tests: reached over file:// or over a real
 * `git daemon` on 127.0.0.1. Each clone has its own git identity (the person) and sessions.
 */

export interface SharedClone {
  name: string;
  root: string;
  project: Project;
  config: Config;
  settings: SharedSettings;
  git(args: string[], cwd?: string): string;
  /** Registers a session: the main worktree for the first, a new linked worktree otherwise. */
  session(name: string): Promise<string>;
}

export interface CloneOptions {
  /** How the clone reaches the remote (default file://). */
  url?: string;
  shared?: Partial<NonNullable<Config['shared']>>;
}

export interface SharedWorld {
  dir: string;
  bare: string;
  fileUrl: string;
  clone(name: string, options?: CloneOptions): SharedClone;
}

export const SHARED_TEST_SETTINGS = { remote: 'origin', timeout: '5s', cacheTtl: '10s' };

/** A bare remote with one commit on main. */
export function makeSharedWorld(): SharedWorld {
  const dir = tempDir('qlock-shared');
  const bare = path.join(dir, 'remote.git');
  fs.cpSync(sharedRemote(), dir, { recursive: true });
  const fileUrl = `file://${bare}`;
  return {
    dir,
    bare,
    fileUrl,
    clone: (name, options = {}) =>
      makeClone(dir, options.url ?? fileUrl, name, options.shared ?? {}),
  };
}

let builtRemote: string | undefined;

/**
 * The bare remote (`remote.git`, with the `seed` repository that pushed its first commit), built
 * once per test file and copied by makeSharedWorld: a bare repository holds no path of its own
 * and the commit is the same each time (fixed identity and dates, setupEnv.ts).
 */
function sharedRemote(): string {
  if (builtRemote && fs.existsSync(builtRemote)) return builtRemote;
  const templates = process.env.QLOCK_TEST_TEMPLATES;
  const dir = templates
    ? fs.mkdtempSync(path.join(templates, 'shared-'))
    : tempDir('qlock-shared-template');
  const bare = path.join(dir, 'remote.git');
  gitSyncIn(dir, ['init', '-q', '--bare', '-b', 'main', bare]);
  const seed = path.join(dir, 'seed');
  fs.mkdirSync(seed);
  gitSyncIn(seed, ['init', '-q', '-b', 'main']);
  fs.mkdirSync(path.join(seed, 'src'));
  fs.writeFileSync(path.join(seed, 'src/a.txt'), lines('a', 10));
  fs.writeFileSync(path.join(seed, 'src/b.txt'), lines('b', 10));
  fs.writeFileSync(path.join(seed, 'README.md'), '# shared\n');
  gitSyncIn(seed, ['add', '-A']);
  gitSyncIn(seed, ['commit', '-q', '-m', 'initial']);
  gitSyncIn(seed, ['push', '-q', bare, 'main']);
  if (templates) builtRemote = dir;
  return dir;
}

function makeClone(
  dir: string,
  url: string,
  name: string,
  shared: Partial<NonNullable<Config['shared']>>,
): SharedClone {
  const root = path.join(dir, name);
  gitSyncIn(dir, ['clone', '-q', url, root]);
  gitSyncIn(root, ['config', 'user.name', name]);
  gitSyncIn(root, ['config', 'user.email', `${name}@example.com`]);
  const sharedConfig = { ...SHARED_TEST_SETTINGS, ...shared };
  // The config file, for child processes that load it; excluded so `git status` stays clean.
  fs.writeFileSync(path.join(root, '.qsessionrc.json'), JSON.stringify({ shared: sharedConfig }));
  fs.appendFileSync(path.join(root, '.git/info/exclude'), '.qsessionrc.json\n');
  const config = {
    ...DEFAULT_CONFIG,
    shared: { refPrefix: 'refs/qlock', ...sharedConfig },
  } as Config;
  const project = findProject(root)!;
  fs.mkdirSync(project.stateDir, { recursive: true });
  let first = true;
  const clone: SharedClone = {
    name,
    root,
    project,
    config,
    settings: sharedSettings(config)!,
    git: (args, cwd = root) => gitSyncIn(cwd, args),
    session: async (session) => {
      let where = root;
      if (!first) {
        where = path.join(dir, `${name}-${session}`);
        gitSyncIn(root, ['worktree', 'add', '-q', '-b', `${name}-${session}`, where, 'main']);
        where = fs.realpathSync(where);
      }
      first = false;
      await registerSession(
        project,
        config,
        { name: session, path: where, kind: 'clone', branch: 'main', base: 'main' },
        new Date(),
      );
      return where;
    },
  };
  return clone;
}

/** A free TCP port on 127.0.0.1 (bound, read, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface Daemon {
  port: number;
  url(bare: string): string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/**
 * `git daemon` serving `baseDir` on 127.0.0.1 with pushes enabled. It runs in its own process
 * group (git forks git-daemon, which forks per connection), so stop() ends all of it.
 */
export async function startDaemon(baseDir: string, port?: number): Promise<Daemon> {
  const chosen = port ?? (await freePort());
  let child: ReturnType<typeof spawn> | undefined;
  const start = async () => {
    child = spawn(
      'git',
      [
        'daemon',
        '--export-all',
        '--enable=receive-pack',
        `--base-path=${baseDir}`,
        '--listen=127.0.0.1',
        `--port=${chosen}`,
        '--reuseaddr',
        baseDir,
      ],
      { detached: true, stdio: 'ignore' },
    );
    const deadline = Date.now() + 10_000;
    while (!(await canConnect(chosen))) {
      if (Date.now() > deadline) throw new Error(`git daemon did not listen on ${chosen}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const stop = async () => {
    const pid = child?.pid;
    child = undefined;
    if (!pid) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
    const deadline = Date.now() + 10_000;
    while (await canConnect(chosen)) {
      if (Date.now() > deadline) throw new Error(`git daemon still listening on ${chosen}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  await start();
  onTestFinished(stop);
  return {
    port: chosen,
    url: (bare) => `git://127.0.0.1:${chosen}/${path.relative(baseDir, bare)}`,
    stop,
    start,
  };
}
