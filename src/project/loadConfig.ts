import fs from 'node:fs';
import path from 'node:path';

import { QlockError } from '../errors.js';
import { messages } from '../ui/messages.js';
import type { Config } from './configSchema.js';
import { DEFAULT_CONFIG } from './defaultConfig.js';

/**
 * Configuration is looked up with cosmiconfig (module name `qsession`) in the project root, the
 * same for every worktree. The hot paths (git and agent hooks) must not pay for importing
 * cosmiconfig and zod on every call, so: no config file → defaults without any import; otherwise
 * the validated result is cached in the state dir, keyed by the file's path, size and mtime.
 */

export const SEARCH_PLACES = [
  'package.json',
  '.qsessionrc',
  '.qsessionrc.json',
  '.qsessionrc.yaml',
  '.qsessionrc.yml',
  '.qsessionrc.js',
  '.qsessionrc.cjs',
  '.qsessionrc.mjs',
  'qsession.config.js',
  'qsession.config.cjs',
  'qsession.config.mjs',
];

export interface LoadedConfig {
  config: Config;
  /** The file it came from, or undefined for the defaults. */
  file?: string;
}

interface CacheEntry {
  file: string;
  size: number;
  mtimeMs: number;
  config: Config;
}

function candidate(root: string): { file: string; stat: fs.Stats } | undefined {
  for (const name of SEARCH_PLACES) {
    const file = path.join(root, name);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      continue;
    }
    if (!stat.isFile()) continue;
    if (name === 'package.json') {
      // Only a package.json with a `qsession` key counts; most don't have one.
      const text = fs.readFileSync(file, 'utf8');
      if (!text.includes('"qsession"')) continue;
      try {
        const pkg = JSON.parse(text) as Record<string, unknown>;
        if (!('qsession' in pkg)) continue;
      } catch {
        continue;
      }
    }
    return { file, stat };
  }
  return undefined;
}

function readCache(stateDir: string | undefined, file: string, stat: fs.Stats): Config | undefined {
  if (!stateDir) return undefined;
  try {
    const entry = JSON.parse(
      fs.readFileSync(path.join(stateDir, 'config-cache.json'), 'utf8'),
    ) as CacheEntry;
    if (entry.file === file && entry.size === stat.size && entry.mtimeMs === stat.mtimeMs)
      return entry.config;
  } catch {
    // no cache, or an unreadable one: it is only a cache, so read the file again
  }
  return undefined;
}

function writeCache(stateDir: string | undefined, entry: CacheEntry): void {
  if (!stateDir || !fs.existsSync(stateDir)) return;
  const target = path.join(stateDir, 'config-cache.json');
  const tmp = `${target}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, JSON.stringify(entry));
    fs.renameSync(tmp, target);
  } catch {
    fs.rmSync(tmp, { force: true });
  }
}

/** Validates a raw config object; throws a QlockError naming the file and the key. */
export async function validateConfig(raw: unknown, file: string): Promise<Config> {
  const { configSchema } = await import('./configSchema.js');
  const result = configSchema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  let key = issue.path.join('.');
  let problem = issue.message;
  if (issue.code === 'unrecognized_keys') {
    key = [...issue.path, issue.keys[0]].join('.');
    problem = 'unknown key';
  }
  throw new QlockError(messages.badConfig(file, key || '(root)', problem));
}

export async function loadConfig(root: string, stateDir?: string): Promise<LoadedConfig> {
  const found = candidate(root);
  if (!found) return { config: DEFAULT_CONFIG };
  const { file, stat } = found;
  const cached = readCache(stateDir, file, stat);
  if (cached) return { config: cached, file };

  const { cosmiconfig } = await import('cosmiconfig');
  const explorer = cosmiconfig('qsession', {
    searchPlaces: SEARCH_PLACES,
    searchStrategy: 'none',
    cache: false,
  });
  let raw: unknown;
  try {
    const result = await explorer.load(file);
    raw = result?.config;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new QlockError(messages.unreadableConfig(file, reason ?? ''), 1, { cause: error });
  }
  const config = await validateConfig(raw, file);
  writeCache(stateDir, { file, size: stat.size, mtimeMs: stat.mtimeMs, config });
  return { config, file };
}
