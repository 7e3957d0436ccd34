import path from 'node:path';

import type { Config } from './configSchema.js';
import { isCodeConfig, isTrusted, trustedHash } from './configTrust.js';
import { DEFAULT_CONFIG } from './defaultConfig.js';
import {
  configCandidate,
  loadConfig,
  type LoadedConfig,
  readCache,
  readCacheEntry,
  readRawConfig,
} from './loadConfig.js';

/**
 * The configuration the hooks (git and agent) enforce. A config file that cannot be used must
 * never weaken protection: a hook that failed on it used to fail open, so one typo in
 * `.qsessionrc` switched every lock off, `failClosed: true` in the same file included. Instead:
 *
 * - a file that parses but has wrong keys: its valid keys, and the defaults for the wrong ones
 *   (the user's own choices stand, `failClosed` and stricter policies included; a misspelt
 *   `onLocked` falls back to its default, `block`);
 * - a file that does not parse at all: the last configuration that was valid in it on this clone
 *   (what the user ran with until the slip, kept in the state dir's config cache), else the
 *   defaults.
 *
 * - a JavaScript config the user has not trusted in its current content is not run at all: the
 *   configuration its last trusted content gave on this clone, else the defaults.
 *
 * Either way `problem` says, on one line, which file and key are wrong, for the hook to say once.
 */

export interface HookConfig extends LoadedConfig {
  /** Set when the config file could not be used as written: what is wrong and what is enforced. */
  problem?: string;
}

/** The raw config without the keys the schema rejects; undefined when that cannot be done. */
async function validPart(raw: unknown): Promise<{ config: Config; dropped: string[] } | undefined> {
  if (raw === undefined || raw === null) return { config: DEFAULT_CONFIG, dropped: [] };
  if (typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const { configSchema } = await import('./configSchema.js');
  const rest: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  const dropped: string[] = [];
  for (let round = 0; round <= Object.keys(raw).length; round++) {
    const result = configSchema.safeParse(rest);
    if (result.success) return { config: result.data, dropped };
    const issue = result.error.issues[0]!;
    let key = issue.path[0];
    if (key === undefined && issue.code === 'unrecognized_keys') key = issue.keys[0];
    if (typeof key !== 'string' || !(key in rest)) return undefined;
    delete rest[key];
    dropped.push(key);
  }
  return undefined;
}

export async function loadHookConfig(
  root: string,
  stateDir?: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<HookConfig> {
  const found = configCandidate(root);
  // A JavaScript config runs code: the hooks load it only as the user trusted it (configTrust.ts).
  if (found && isCodeConfig(found.file) && !isTrusted(found.file, env)) {
    const { coreMessages: messages } = await import('../ui/messages/core.js');
    const trusted = trustedHash(found.file, env);
    const entry = readCacheEntry(stateDir, found.file);
    // The config its trusted content gave, when this clone ran that content.
    const last = trusted !== undefined && entry?.hash === trusted ? entry.config : undefined;
    return {
      config: last ?? DEFAULT_CONFIG,
      file: found.file,
      problem: messages.configUntrusted(
        path.basename(found.file),
        trusted !== undefined,
        last !== undefined,
      ),
    };
  }
  try {
    return await loadConfig(root, stateDir);
  } catch (error) {
    const found = configCandidate(root);
    if (!found) throw error;
    const { file } = found;
    const { coreMessages: messages } = await import('../ui/messages/core.js');
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
    let raw: unknown;
    let parsed = true;
    try {
      raw = await readRawConfig(file);
    } catch {
      parsed = false;
    }
    const part = parsed ? await validPart(raw) : undefined;
    if (part)
      return {
        config: part.config,
        file,
        problem: messages.configFallbackKeys(reason, part.dropped),
      };
    const last = readCache(stateDir, file, undefined);
    return {
      config: last ?? DEFAULT_CONFIG,
      file,
      problem: messages.configFallbackWhole(reason, Boolean(last)),
    };
  }
}
