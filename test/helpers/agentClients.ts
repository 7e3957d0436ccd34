import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The real agent clients (Claude Code, Gemini CLI, Codex CLI, Qwen Code, GitHub Copilot CLI,
 * OpenCode) for the e2e tests in
 * test/e2e/realAgents: installed on first use, pinned, into a cache OUTSIDE the repository, so they
 * never become dependencies of qlock (package.json does not mention them) and CI downloads them
 * once per cache rather than every user on `npm install`.
 *
 * Layout: `<cache>/<scope+name>@<version>/` holding `node_modules/` and the marker `.qlock-ok`. A
 * client is installed into a private temporary directory beside it and renamed into place only once
 * it runs, so concurrent test files or test runs never see (or leave) a half-installed client: the
 * loser of a rename race discards its copy and uses the winner's.
 *
 * When the registry cannot be reached the install throws an error that says so: the tests that need
 * the client then fail loudly, they are never skipped.
 */

export type ClientName = 'claude' | 'gemini' | 'codex' | 'qwen' | 'copilot' | 'opencode';

export interface ClientSpec {
  name: ClientName;
  /** The npm package and its exact version. */
  pkg: string;
  version: string;
  /** What `--version` prints for this pin (checked once after installing). */
  versionText: string;
  /** The command to run, relative to the install directory (a native binary or a Node script). */
  entry: (dir: string) => { command: string; prefixArgs: string[] };
}

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

const nodeScript = (script: string) => (dir: string) => ({
  command: process.execPath,
  prefixArgs: [path.join(dir, script)],
});

export const CLIENTS: Record<ClientName, ClientSpec> = {
  claude: {
    name: 'claude',
    pkg: '@anthropic-ai/claude-agent-sdk',
    version: '0.3.330',
    versionText: '2.1.330',
    // The native `claude` binary ships in the platform package npm picks from optionalDependencies
    // (@anthropic-ai/claude-agent-sdk-linux-x64, -darwin-arm64, -linux-x64-musl, ...).
    entry: (dir) => ({ command: findClaudeBinary(dir), prefixArgs: [] }),
  },
  gemini: {
    name: 'gemini',
    pkg: '@google/gemini-cli',
    version: '0.61.0',
    versionText: '0.61.0',
    entry: nodeScript('node_modules/@google/gemini-cli/bundle/gemini.js'),
  },
  codex: {
    name: 'codex',
    pkg: '@openai/codex',
    version: '0.169.0',
    versionText: '0.169.0',
    // bin/codex.js finds the native binary of the platform package (an npm alias in
    // optionalDependencies) and runs it.
    entry: nodeScript('node_modules/@openai/codex/bin/codex.js'),
  },
  qwen: {
    name: 'qwen',
    pkg: '@qwen-code/qwen-code',
    version: '0.24.4',
    versionText: '0.24.4',
    entry: nodeScript('node_modules/@qwen-code/qwen-code/cli-entry.js'),
  },
  copilot: {
    name: 'copilot',
    pkg: '@github/copilot',
    version: '1.0.102',
    versionText: '1.0.102',
    // npm-loader.js runs the native binary of the platform package (optionalDependencies).
    entry: nodeScript('node_modules/@github/copilot/npm-loader.js'),
  },
  opencode: {
    name: 'opencode',
    pkg: 'opencode-ai',
    version: '1.18.33',
    versionText: '1.18.33',
    // The package's bin is a placeholder its postinstall replaces (install scripts are not run):
    // the native binary is in the platform package npm picked from optionalDependencies.
    entry: (dir) => ({ command: findOpencodeBinary(dir), prefixArgs: [] }),
  },
};

function findOpencodeBinary(dir: string): string {
  const modules = path.join(dir, 'node_modules');
  const names = fs.existsSync(modules) ? fs.readdirSync(modules) : [];
  // The baseline and musl variants are installed beside the plain one on some platforms: prefer it.
  const ordered = names
    .filter((n) => n.startsWith('opencode-') && n !== 'opencode-ai')
    .sort((a, b) => a.length - b.length);
  for (const name of ordered) {
    const candidate = path.join(modules, name, 'bin', 'opencode');
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(
    `no native opencode binary under ${modules} (found: ${names.join(', ') || 'nothing'}): npm did ` +
      `not install the platform package of ${CLIENTS.opencode.pkg} for ${process.platform}-${process.arch}`,
  );
}

/** Generous: a cold install downloads about 1.5 GB for the six clients. */
export const INSTALL_TIMEOUT_MS = 20 * 60_000;

/** The home directory of whoever runs the tests (test/helpers/setupEnv.ts replaces HOME). */
export function realHome(): string {
  return process.env.QLOCK_TEST_REAL_HOME || os.userInfo().homedir;
}

/** `$QLOCK_AGENT_CACHE`, else `~/.cache/qlock-test-agents` of the real home. */
export function agentCacheDir(): string {
  const configured = process.env.QLOCK_AGENT_CACHE;
  const dir = path.resolve(configured || path.join(realHome(), '.cache', 'qlock-test-agents'));
  // Inside the repository, 870 MB of clients would be linted, formatted, searched and packed.
  const rel = path.relative(REPO_ROOT, dir);
  if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel)))
    throw new Error(
      `QLOCK_AGENT_CACHE=${dir} is inside the repository; choose a directory outside it`,
    );
  return dir;
}

export function clientDir(spec: ClientSpec, cache = agentCacheDir()): string {
  return path.join(cache, `${spec.pkg.replace('/', '+')}@${spec.version}`);
}

const MARKER = '.qlock-ok';

function findClaudeBinary(dir: string): string {
  const scope = path.join(dir, 'node_modules', '@anthropic-ai');
  const names = fs.existsSync(scope) ? fs.readdirSync(scope) : [];
  for (const name of names) {
    if (!name.startsWith('claude-agent-sdk-')) continue;
    for (const file of ['claude', 'claude.exe']) {
      const candidate = path.join(scope, name, file);
      if (fs.existsSync(candidate)) return candidate;
    }
  }
  throw new Error(
    `no native claude binary under ${scope} (found: ${names.join(', ') || 'nothing'}): npm did ` +
      `not install the platform package of ${CLIENTS.claude.pkg} for ${process.platform}-${process.arch}` +
      ' (is `omit=optional` set in your npm config?)',
  );
}

export interface InstalledClient {
  spec: ClientSpec;
  dir: string;
  command: string;
  prefixArgs: string[];
  /** True when this call installed it (false: it was in the cache). */
  installed: boolean;
  /** Milliseconds spent installing (0 when cached). */
  installMs: number;
}

function isComplete(dir: string): boolean {
  return fs.existsSync(path.join(dir, MARKER));
}

/** The entry of a cached client, or undefined when its files are gone (then it is reinstalled). */
function usableEntry(spec: ClientSpec, dir: string) {
  try {
    const entry = spec.entry(dir);
    const files = [entry.command, ...entry.prefixArgs.filter((a) => path.isAbsolute(a))];
    return files.every((f) => fs.existsSync(f)) ? entry : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The environment for npm: the caller's, but with the real HOME (so the user's or CI's ~/.npmrc,
 * registry and proxy settings apply) and none of the variables `npm test` sets for qlock's own
 * package, which would point npm back at this repository.
 */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: realHome() };
  for (const key of Object.keys(env)) {
    if (/^npm_(package_|lifecycle_|config_local_prefix$|config_prefix$)/i.test(key))
      delete env[key];
  }
  return env;
}

/** npm as a child process: the npm that runs `npm test` when there is one, else the one on PATH. */
function npmCommand(): { command: string; prefixArgs: string[] } {
  const cli = process.env.npm_execpath;
  if (cli && /npm-cli\.[cm]?js$/.test(cli) && fs.existsSync(cli))
    return { command: process.execPath, prefixArgs: [cli] };
  return { command: process.platform === 'win32' ? 'npm.cmd' : 'npm', prefixArgs: [] };
}

function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<{
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  timedOut: boolean;
}> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    });
    let output = '';
    const collect = (d: Buffer) => {
      output = (output + d.toString()).slice(-20_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killTree(child.pid);
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output, timedOut });
    });
  });
}

/** Kills a child started with `detached: true` together with everything it started. */
export function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Temporary install directories of crashed or killed runs; anything younger may still be in use. */
function sweepStaleTemps(cache: string): void {
  const cutoff = Date.now() - INSTALL_TIMEOUT_MS * 2;
  for (const name of fs.readdirSync(cache)) {
    if (!name.startsWith('.tmp-') && !name.startsWith('.old-')) continue;
    const full = path.join(cache, name);
    try {
      if (fs.statSync(full).mtimeMs < cutoff) fs.rmSync(full, { recursive: true, force: true });
    } catch {
      // another run removed it first
    }
  }
}

function tail(text: string, lines = 15): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/** npm's error output without stack frames, object dumps and warnings: the lines that say why. */
function npmReason(output: string): string {
  const useful = output
    .split('\n')
    .filter((line) => line.startsWith('npm error'))
    .filter((line) => !/^npm error\s+at |^npm error\s{2,}\w+: |^npm error\s*[{}]?\s*$/.test(line));
  return (useful.length ? useful.slice(0, 10).join('\n') : tail(output)).trim();
}

function installFailure(spec: ClientSpec, cache: string, why: string): Error {
  return new Error(
    [
      `Could not install ${spec.pkg}@${spec.version} for the real-client e2e tests: ${why}`,
      `These tests need the npm registry once to fill the cache ${cache} ` +
        '(about 1.5 GB for the six clients); they are never skipped. Make the registry reachable ' +
        '(npm config: registry, proxy), or point QLOCK_AGENT_CACHE at a directory that already ' +
        'holds the clients.',
    ].join('\n'),
  );
}

/** The client's `--version`, checked against the pin so a wrong or broken install never passes. */
async function checkVersion(spec: ClientSpec, dir: string): Promise<void> {
  const { command, prefixArgs } = spec.entry(dir);
  // A throw-away HOME: a client may write its config there, and neither the cache nor the user's
  // real configuration should get it.
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'qlock-agent-version-'));
  const result = spawnSync(command, [...prefixArgs, '--version'], {
    cwd: home,
    env: { ...process.env, HOME: home },
    encoding: 'utf8',
    timeout: 60_000,
  });
  fs.rmSync(home, { recursive: true, force: true });
  const text = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0 || !text.includes(spec.versionText)) {
    throw new Error(
      `\`${spec.name} --version\` in ${dir} exited ${result.status ?? result.signal} and printed ` +
        `${JSON.stringify(tail(text, 5))}, expected ${spec.versionText}`,
    );
  }
}

/**
 * The client, installed into the cache when it is not there yet. Safe to call from several test
 * files and several runs at once.
 */
export async function ensureClient(
  name: ClientName,
  options: { cache?: string; timeoutMs?: number } = {},
): Promise<InstalledClient> {
  const spec = CLIENTS[name];
  const cache = options.cache ?? agentCacheDir();
  const dir = clientDir(spec, cache);
  const cached = isComplete(dir) ? usableEntry(spec, dir) : undefined;
  if (cached) return { spec, dir, ...cached, installed: false, installMs: 0 };

  const started = Date.now();
  let tmp: string;
  try {
    fs.mkdirSync(cache, { recursive: true });
    sweepStaleTemps(cache);
    tmp = fs.mkdtempSync(path.join(cache, `.tmp-${path.basename(dir)}-`));
  } catch (error) {
    throw new Error(
      `Cannot use ${cache} as the cache of the real agent clients (${(error as Error).message}); ` +
        'set QLOCK_AGENT_CACHE to a writable directory outside the repository.',
    );
  }
  try {
    const npm = npmCommand();
    const args = [
      ...npm.prefixArgs,
      'install',
      '--prefix',
      tmp,
      '--no-save',
      '--no-package-lock',
      // None of them needs its install scripts: the binaries come in platform packages
      // (optionalDependencies, hence --include=optional even where the user's config omits them);
      // the scripts that would run only try to build native modules the clients do without.
      '--ignore-scripts',
      '--include=optional',
      '--no-audit',
      '--no-fund',
      '--no-update-notifier',
      '--loglevel=warn',
      `${spec.pkg}@${spec.version}`,
    ];
    const timeoutMs = options.timeoutMs ?? INSTALL_TIMEOUT_MS;
    const result = await run(npm.command, args, { cwd: tmp, env: npmEnv(), timeoutMs });
    if (result.timedOut) {
      throw installFailure(
        spec,
        cache,
        `npm install did not finish within ${Math.round(timeoutMs / 1000)} s and was killed ` +
          `(is the registry reachable?)\n${tail(result.output)}`,
      );
    }
    if (result.code !== 0) {
      const unreachable =
        /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|network|proxy/i.test(result.output);
      throw installFailure(
        spec,
        cache,
        `npm install exited ${result.code ?? result.signal}` +
          (unreachable ? ' because the npm registry could not be reached' : '') +
          `:\n${npmReason(result.output)}`,
      );
    }
    try {
      await checkVersion(spec, tmp);
    } catch (error) {
      throw installFailure(spec, cache, (error as Error).message);
    }
    fs.chmodSync(tmp, 0o755); // mkdtemp made it private
    fs.writeFileSync(
      path.join(tmp, MARKER),
      JSON.stringify({
        pkg: spec.pkg,
        version: spec.version,
        installedAt: new Date().toISOString(),
      }),
    );
    publish(spec, tmp, dir);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return {
    spec,
    dir,
    ...spec.entry(dir),
    installed: true,
    installMs: Date.now() - started,
  };
}

/** Renames the finished install into place; a usable copy already there (a racing run) wins. */
function publish(spec: ClientSpec, tmp: string, dir: string): void {
  try {
    fs.renameSync(tmp, dir);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOTEMPTY' && code !== 'EPERM') throw error;
  }
  if (isComplete(dir) && usableEntry(spec, dir)) return;
  // An incomplete or damaged directory under the final name: move it aside first.
  const aside = `${path.join(path.dirname(dir), '.old-')}${path.basename(dir)}-${process.pid}`;
  fs.renameSync(dir, aside);
  fs.rmSync(aside, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
}
