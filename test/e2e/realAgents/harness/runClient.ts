import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { type InstalledClient, killTree } from '../../../helpers/agentClients.js';
import { tempDir } from '../../../helpers/repo.js';
import type { ClientProfile } from './clientProfiles.js';
import { type LoggedRequest, startMockApi, stringsIn } from './mockApi.js';

/**
 * One headless run of a real client against a fresh stand-in of its model API, in its own temporary
 * HOME (a copy of a prepared template) with its own request log. Bounded: a run that does not end
 * in time is killed with everything it started, and the test fails saying so.
 */

export interface ClientRunOptions {
  cwd: string;
  /** The stand-in's SCRIPT (what the model does on its first turn). */
  script: unknown;
  prompt?: string;
  /** A prepared HOME to copy (user config, plus whatever `qlock agent install` put there). */
  homeTemplate: string;
  timeoutMs?: number;
  /** Directories put first on PATH. */
  pathDirs?: string[];
  /** The test changed a hook qlock installed (see ClientProfile.args). */
  editedHooks?: boolean;
  /** When to delete the run's directory and stop its stand-in (default: when the test finishes). */
  cleanup?: (fn: () => void) => void;
}

export interface ClientRun {
  code: number | null;
  stdout: string;
  stderr: string;
  home: string;
  requests: LoggedRequest[];
  /** The model turns only. */
  turns: LoggedRequest[];
  /** Tool results the client sent back to the model. */
  toolResults: string[];
  /** Everything the model was sent in its turns, as plain text (each turn's strings joined). */
  turnTexts: string[];
  /** The text of the first model turn: what the model knew when the session started. */
  firstTurnText: string;
  durationMs: number;
}

/**
 * A run takes 1 to 10 s on an idle machine (Qwen Code and OpenCode are the slowest), but several
 * times that on a loaded one (Qwen Code: 40-50 s at a load of 25 on 2 cores); past this it is stuck
 * and gets killed.
 */
export const RUN_TIMEOUT_MS = 120_000;

/** A test's own limit: its client runs at their limit, plus a minute for qlock and git. */
export const testTimeout = (runs: number) => runs * RUN_TIMEOUT_MS + 60_000;

/**
 * Variables of whatever runs the suite that would steer a client elsewhere: real credentials and
 * endpoints, the settings of an agent the suite itself may run in, proxies (all traffic is
 * loopback), a session name for qlock.
 */
const INHERITED_NOT_WANTED =
  /^(ANTHROPIC_|CLAUDE|GEMINI_|GOOGLE_|CODEX_|OPENAI_|AZURE_|VERTEX|CLOUDSDK_|QWEN|DASHSCOPE|COPILOT|GITHUB_|GH_|OPENCODE|(HTTPS?|ALL|NO)_PROXY$|QLOCK_SESSION$|QLOCK$)/i;

export function clientEnv(
  home: string,
  extra: NodeJS.ProcessEnv,
  pathDirs: string[] = [],
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!INHERITED_NOT_WANTED.test(key)) env[key] = value;
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_STATE_HOME: path.join(home, '.local', 'state'),
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    PATH: [...pathDirs, process.env.PATH ?? ''].join(path.delimiter),
    ...extra,
  };
}

const tail = (text: string, n = 40) => text.trim().split('\n').slice(-n).join('\n');

export async function runClient(
  client: InstalledClient,
  profile: ClientProfile,
  options: ClientRunOptions,
): Promise<ClientRun> {
  const runDir = tempDir(`qlock-${profile.name}-run`, options.cleanup);
  const home = path.join(runDir, 'home');
  fs.cpSync(options.homeTemplate, home, { recursive: true });
  const mock = await startMockApi(profile.api, options.script, runDir, options.cleanup);
  const env = clientEnv(home, profile.env(mock.origin, options.cwd), options.pathDirs);
  const args = [
    ...client.prefixArgs,
    ...profile.args(options.prompt ?? 'do it', mock.origin, options.editedHooks),
  ];
  const timeoutMs = options.timeoutMs ?? RUN_TIMEOUT_MS;
  const started = Date.now();

  const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(client.command, args, {
        cwd: options.cwd,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: process.platform !== 'win32',
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => {
        killTree(child.pid);
        reject(
          new Error(
            `${profile.name} did not finish within ${timeoutMs / 1000} s and was killed ` +
              `(cwd ${options.cwd}).\nstdout: ${tail(stdout)}\nstderr: ${tail(stderr)}`,
          ),
        );
      }, timeoutMs);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        // Hooks or helpers a client left running in the background must not outlive the run.
        killTree(child.pid);
        resolve({ code, stdout, stderr });
      });
    },
  ).finally(() => mock.close());

  if (process.env.QLOCK_E2E_TIMINGS)
    console.info(`${profile.name} run in ${options.cwd}: ${Date.now() - started} ms`);
  const requests = mock.requests();
  const turns = profile.modelTurns(requests);
  const turnTexts = turns.map((turn) => stringsIn(turn.json).join('\n'));
  return {
    ...result,
    home,
    requests,
    turns,
    toolResults: profile.toolResults(turns),
    turnTexts,
    firstTurnText: turnTexts[0] ?? '',
    durationMs: Date.now() - started,
  };
}

/** A one-paragraph account of a run, for assertion messages. */
export function describeRun(run: ClientRun): string {
  return [
    `exit ${run.code} after ${run.durationMs} ms; ${run.turns.length} model turns`,
    `tool results: ${JSON.stringify(run.toolResults).slice(0, 2000)}`,
    `stdout: ${tail(run.stdout, 20).slice(0, 3000)}`,
    `stderr: ${tail(run.stderr, 20).slice(0, 3000)}`,
  ].join('\n');
}
