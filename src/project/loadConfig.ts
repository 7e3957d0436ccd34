import fs from 'node:fs';
import path from 'node:path';

import type { ZodTypeAny } from 'zod';

import { QlockError } from '../errors.js';
import { atomicWrite } from '../store/atomicWrite.js';
// The core area's messages, not the aggregator: git hooks start here and need no other area's.
import { coreMessages as messages } from '../ui/messages/core.js';
import type { Config } from './configSchema.js';
import { contentHash, isCodeConfig, isTrusted, trustedHash } from './configTrust.js';
import { DEFAULT_CONFIG } from './defaultConfig.js';

/**
 * Configuration is looked up with cosmiconfig (module name `qsession`) in the project root, the
 * same for every worktree. The hot paths (git and agent hooks) must not pay for importing
 * cosmiconfig and zod on every call, so: no config file → defaults without any import; otherwise
 * the validated result is cached in the state dir, keyed by the file's path, size and mtime.
 */

/** Set by `qlock mcp`: JavaScript configs load only as trusted (see configTrust.ts). */
export const TRUSTED_ONLY_ENV = 'QLOCK_TRUSTED_CONFIG_ONLY';

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

export interface CacheEntry {
  file: string;
  size: number;
  mtimeMs: number;
  config: Config;
  /** A JavaScript config: the SHA-256 of the content this config came from (see configTrust.ts). */
  hash?: string;
}

export function configCandidate(root: string): { file: string; stat: fs.Stats } | undefined {
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

export function readCache(
  stateDir: string | undefined,
  file: string,
  stat: Pick<fs.Stats, 'size' | 'mtimeMs'> | undefined,
): Config | undefined {
  const entry = readCacheEntry(stateDir, file);
  // No stat: the last config that was valid in this file, whatever it holds now.
  if (entry && (!stat || (entry.size === stat.size && entry.mtimeMs === stat.mtimeMs)))
    return entry.config;
  return undefined;
}

/** The cached config of `file`, whatever the file holds now. */
export function readCacheEntry(stateDir: string | undefined, file: string): CacheEntry | undefined {
  if (!stateDir) return undefined;
  try {
    const entry = JSON.parse(
      fs.readFileSync(path.join(stateDir, 'config-cache.json'), 'utf8'),
    ) as CacheEntry;
    if (entry.file === file) return entry;
  } catch {
    // no cache, or an unreadable one: it is only a cache, so read the file again
  }
  return undefined;
}

function writeCache(stateDir: string | undefined, entry: CacheEntry): void {
  if (!stateDir || !fs.existsSync(stateDir)) return;
  const target = path.join(stateDir, 'config-cache.json');
  try {
    atomicWrite(target, JSON.stringify(entry), { durable: false });
  } catch {
    // only a cache: the next command reads the config file again
  }
}

/**
 * The reason a config file did not load, on one line. cosmiconfig's YAML and JSON errors start
 * with a line that only names the file ("YAML Error in <file>:"); the useful part follows.
 */
function parseFailure(error: unknown, file: string): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.endsWith(`${file}:`));
  return lines[0] ?? text;
}

/**
 * Loads a JavaScript config without Node's module cache, so that a long-running qlock (watch, mcp)
 * or a test sees an edited file: ES modules through a query that changes with the file's mtime,
 * CommonJS through require with its cache entry dropped.
 */
async function loadJsFresh(file: string): Promise<unknown> {
  const { pathToFileURL } = await import('node:url');
  const { createRequire } = await import('node:module');
  const require = createRequire(file);
  if (!isCommonJs(file)) {
    const url = `${pathToFileURL(file).href}?mtime=${fs.statSync(file).mtimeMs}`;
    return ((await import(url)) as { default?: unknown }).default;
  }
  delete require.cache[require.resolve(file)];
  return require(file) as unknown;
}

/** .cjs, or .js under a package.json that is not `"type": "module"`. */
function isCommonJs(file: string): boolean {
  if (file.endsWith('.cjs')) return true;
  if (file.endsWith('.mjs')) return false;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        type?: string;
      };
      return pkg.type !== 'module';
    } catch {
      // no (readable) package.json here: look further up
    }
    if (path.dirname(dir) === dir) return true;
  }
}

/** The keys of the object schema at `where` (the config's own keys at the root). */
function keysAt(schema: ZodTypeAny, where: (string | number)[]): string[] {
  const unwrap = (s: ZodTypeAny): ZodTypeAny => {
    const def = s._def as { innerType?: ZodTypeAny; schema?: ZodTypeAny };
    return def.innerType ? unwrap(def.innerType) : def.schema ? unwrap(def.schema) : s;
  };
  let at: ZodTypeAny | undefined = unwrap(schema);
  for (const part of where) {
    const shape: Record<string, ZodTypeAny> | undefined = (
      at as { shape?: Record<string, ZodTypeAny> } | undefined
    )?.shape;
    at = shape?.[part] ? unwrap(shape[part]) : undefined;
  }
  return Object.keys((at as { shape?: Record<string, unknown> } | undefined)?.shape ?? {});
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
    const { nearest } = await import('../ui/usageErrors.js');
    const known = nearest(issue.keys[0]!, keysAt(configSchema, issue.path));
    problem = known ? `unknown key (did you mean "${known}"?)` : 'unknown key';
  }
  throw new QlockError(messages.badConfig(file, key || '(root)', problem));
}

/** A config file's content as written, before validation; a QlockError when it cannot be read. */
export async function readRawConfig(file: string): Promise<unknown> {
  const { cosmiconfig } = await import('cosmiconfig');
  const explorer = cosmiconfig('qsession', {
    searchPlaces: SEARCH_PLACES,
    searchStrategy: 'none',
    cache: false,
    loaders: { '.js': loadJsFresh, '.mjs': loadJsFresh, '.cjs': loadJsFresh },
  });
  try {
    const result = await explorer.load(file);
    return result?.config;
  } catch (error) {
    throw new QlockError(messages.unreadableConfig(file, parseFailure(error, file)), 1, {
      cause: error,
    });
  }
}

export async function loadConfig(root: string, stateDir?: string): Promise<LoadedConfig> {
  const found = configCandidate(root);
  if (!found) return { config: DEFAULT_CONFIG };
  const { file, stat } = found;
  // Started by an agent CLI, not by the user (`qlock mcp`): a JavaScript config runs only as
  // trusted, as in the hooks (see configTrust.ts); the tool calls say what to do.
  if (process.env[TRUSTED_ONLY_ENV] === '1' && isCodeConfig(file) && !isTrusted(file, process.env))
    throw new QlockError(
      messages.configUntrustedServer(
        path.basename(file),
        trustedHash(file, process.env) !== undefined,
      ),
    );
  const cached = readCache(stateDir, file, stat);
  if (cached) return { config: cached, file };

  // Hashed before it runs: the hash names the content this config came from, not a later one.
  const hash = isCodeConfig(file) ? contentHash(file) : undefined;
  const raw = await readRawConfig(file);
  const config = await validateConfig(raw, file);
  writeCache(stateDir, {
    file,
    size: stat.size,
    mtimeMs: stat.mtimeMs,
    config,
    ...(hash ? { hash } : {}),
  });
  return { config, file };
}
