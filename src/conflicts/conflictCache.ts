import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { atomicWrite } from '../store/atomicWrite.js';
import type { PairReport } from './types.js';

/**
 * Results cached by object ids in `<stateDir>/cache/conflicts.json`, so that a run where nothing
 * changed spends one `git add -A` per session and no merge. It is only a cache: a missing or
 * unreadable file means "compute again", and a lost race between two writers loses nothing but
 * time (each write is a rename of a complete file).
 */

export const CACHE_VERSION = 2;
/** Pair results kept across runs (oldest dropped first). */
const MAX_PAIRS = 2000;

/** One changed path of a session relative to its merge-base with base. */
export interface ChangeEntry {
  path: string;
  /** A, M, D, T… from diff-tree; R for a rename (then `from` is the old path). */
  status: string;
  from?: string;
}

export interface SessionEntry {
  /** Signature of the real index (and ignore globs) the private index was seeded from. */
  seed: string;
  /** Signature of the private index right after its tree was written. */
  index: string;
  /** When the scan that confirmed `tree` started (ms since epoch): see activityJournal.ts. */
  scannedAt?: number;
  /**
   * The session's uncommitted paths (staged, unstaged, untracked) as `git status` listed them
   * for the scan that gave `tree`, when the caller had them (qlock status): see sessionSnapshot.
   */
  uncommitted?: string[];
  tree: string;
  head?: string;
  commit?: string;
  baseTip?: string;
  /** null: no merge-base (unrelated histories, no commits yet). */
  mergeBase?: string | null;
  /** `<head>:<baseTip>` the merge-base was computed for. */
  mergeBaseKey?: string;
  /** Change set for `changesKey` = `<mergeBase>:<tree>`. */
  changesKey?: string;
  changes?: ChangeEntry[];
}

export type CachedPair = Omit<PairReport, 'a' | 'b'>;

export interface CacheData {
  version: number;
  sessions: Record<string, SessionEntry>;
  pairs: Record<string, CachedPair>;
  /** merge-base of two commits, keyed `<x>:<y>` with x < y. */
  bases: Record<string, string | null>;
  /** Whether the git binary (keyed by path, size and mtime) has merge-tree --write-tree. */
  git?: { key: string; mergeTree: boolean };
}

export function cacheDir(stateDir: string): string {
  return path.join(stateDir, 'cache');
}

function cacheFile(stateDir: string): string {
  return path.join(cacheDir(stateDir), 'conflicts.json');
}

function empty(): CacheData {
  return { version: CACHE_VERSION, sessions: {}, pairs: {}, bases: {} };
}

export function loadCache(stateDir: string): CacheData {
  try {
    const data = JSON.parse(fs.readFileSync(cacheFile(stateDir), 'utf8')) as CacheData;
    if (data?.version !== CACHE_VERSION || typeof data.pairs !== 'object') return empty();
    return { ...empty(), ...data };
  } catch {
    return empty();
  }
}

/** Writes the cache (without fsync: losing it costs only time) if it changed. */
export function saveCache(stateDir: string, data: CacheData, before: string): void {
  const keys = Object.keys(data.pairs);
  for (const key of keys.slice(0, Math.max(0, keys.length - MAX_PAIRS))) delete data.pairs[key];
  const bases = Object.keys(data.bases);
  for (const key of bases.slice(0, Math.max(0, bases.length - MAX_PAIRS))) delete data.bases[key];
  const text = JSON.stringify(data);
  if (text === before) return;
  // A project qlock keeps no state for yet (no `init`, no session): a read-only command must not
  // create the state dir just for a cache.
  if (!fs.existsSync(stateDir)) return;
  const file = cacheFile(stateDir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    atomicWrite(file, text, { durable: false });
  } catch {
    // only a cache: the next scan computes again
  }
}

/** Marks a pair result as used (moves it to the end, so the oldest are dropped first). */
export function touchPair(data: CacheData, key: string, value: CachedPair): void {
  delete data.pairs[key];
  data.pairs[key] = value;
}

/** A short stable hash for cache keys. */
export function hashKey(...parts: readonly string[]): string {
  return crypto.createHash('sha1').update(parts.join('\0')).digest('hex');
}

/** Identity of a file's current version: inode, size, change and modification times (ns). */
export function fileSignature(file: string): string {
  try {
    const s = fs.statSync(file, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return 'none';
  }
}
