import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { atomicWrite } from '../store/atomicWrite.js';

/**
 * A JavaScript config file (`qsession.config.js`, `.qsessionrc.cjs`, …) is code: loading it runs
 * it. The git and agent hooks run on every commit and every agent write, so a config file that
 * arrived with a pull would run at the next `git commit` without anyone having read it. The hooks
 * therefore run a JavaScript config only once the user has trusted that exact content
 * (`qlock config trust`); a changed file is untrusted again.
 *
 * Trust is kept per user, outside every work tree (a commit cannot carry it):
 * `$XDG_STATE_HOME/qlock/trusted-configs.json`, by default
 * `~/.local/state/qlock/trusted-configs.json`, mapping the file's real path to the SHA-256 of its
 * content.
 */

const JS_EXTENSIONS = ['.js', '.cjs', '.mjs', '.ts', '.cts', '.mts'];

/**
 * node:crypto, loaded only when a JavaScript config is hashed: every hook and `lock` load this
 * module, and importing node:crypto costs them ~6 ms each time (measured: 103 → 109 ms for
 * `node -e` with it), which a project with a JSON config or none would pay for nothing.
 */
const crypto = () => process.getBuiltinModule('node:crypto');

/** Whether loading `file` runs code. */
export function isCodeConfig(file: string): boolean {
  return JS_EXTENSIONS.includes(path.extname(file));
}

export function trustFile(env: NodeJS.ProcessEnv): string {
  const home = env.HOME || os.homedir();
  const state = env.XDG_STATE_HOME || path.join(home, '.local', 'state');
  return path.join(path.resolve(state), 'qlock', 'trusted-configs.json');
}

function keyOf(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

/** The SHA-256 of the file's bytes (undefined when it cannot be read). */
export function contentHash(file: string): string | undefined {
  try {
    return crypto().createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  } catch {
    return undefined;
  }
}

function readTrust(env: NodeJS.ProcessEnv): Record<string, string> {
  try {
    const data = JSON.parse(fs.readFileSync(trustFile(env), 'utf8')) as unknown;
    if (!data || typeof data !== 'object' || Array.isArray(data)) return {};
    return Object.fromEntries(
      Object.entries(data).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  } catch {
    return {}; // none yet, or unreadable: nothing is trusted
  }
}

/** The content hash the user trusted for `file`, if any. */
export function trustedHash(file: string, env: NodeJS.ProcessEnv): string | undefined {
  return readTrust(env)[keyOf(file)];
}

/** Whether `file` holds exactly the content the user trusted. */
export function isTrusted(file: string, env: NodeJS.ProcessEnv): boolean {
  const hash = contentHash(file);
  return hash !== undefined && trustedHash(file, env) === hash;
}

/** Records the file's current content as trusted; returns its hash. */
export function trustConfig(file: string, env: NodeJS.ProcessEnv): string {
  const hash = contentHash(file);
  if (hash === undefined) throw new Error(`cannot read ${file}`);
  const target = trustFile(env);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const trust = readTrust(env);
  trust[keyOf(file)] = hash;
  atomicWrite(target, JSON.stringify(trust, null, 2) + '\n');
  return hash;
}
