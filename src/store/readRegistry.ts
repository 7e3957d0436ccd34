import fs from 'node:fs';
import path from 'node:path';

import { StateError } from '../errors.js';
// The core area's messages, not the aggregator: git hooks start here and need no other area's.
import { coreMessages as messages } from '../ui/messages/core.js';
import { emptyRegistry, type Registry } from './types.js';

/**
 * Reading the registry, apart from the writer (registry.ts) so that hot read-only paths (git
 * hooks) do not load proper-lockfile and the mutex (~20 ms of a node start). registry.ts
 * re-exports these.
 */

export function registryPath(stateDir: string): string {
  return path.join(stateDir, 'registry.json');
}

/** Parses and checks the registry; a damaged file is an error naming it, never a silent reset. */
export function parseRegistry(text: string, file: string): Registry {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new StateError(messages.corruptState(file, (error as Error).message), file, {
      cause: error,
    });
  }
  const reg = data as Partial<Registry> | null;
  if (
    !reg ||
    typeof reg !== 'object' ||
    reg.version !== 1 ||
    !reg.sessions ||
    typeof reg.sessions !== 'object' ||
    Array.isArray(reg.sessions) ||
    !Array.isArray(reg.locks)
  ) {
    throw new StateError(messages.corruptState(file, 'unexpected structure'), file);
  }
  const problem = entryProblem(reg as Registry);
  if (problem) throw new StateError(messages.corruptState(file, problem), file);
  return reg as Registry;
}

const SESSION_KINDS = new Set(['worktree', 'clone', 'dir', 'copy']);
const isText = (v: unknown): v is string => typeof v === 'string';
const isTime = (v: unknown) => isText(v) && !Number.isNaN(Date.parse(v));

/**
 * What is wrong with one of the registry's sessions or locks, if anything. A file that parses but
 * holds a session without a path or a lock without a session (edited by hand, written by a broken
 * tool) is as corrupt as a truncated one: named as such, instead of crashing every command later
 * or letting `doctor --fix` and `gc` act on garbage.
 */
function entryProblem(reg: Registry): string | undefined {
  for (const [key, value] of Object.entries(reg.sessions)) {
    const s = value as unknown as Record<string, unknown> | null;
    const where = `session ${JSON.stringify(key)}`;
    if (!s || typeof s !== 'object' || Array.isArray(s)) return `${where} is not an object`;
    if (s.name !== key) return `${where} is stored under another name`;
    if (!isText(s.path) || !path.isAbsolute(s.path)) return `${where} has no absolute path`;
    if (!SESSION_KINDS.has(s.kind as string)) return `${where} has an unknown kind`;
    if (!isText(s.base)) return `${where} has no base`;
    if (!isTime(s.createdAt) || !isTime(s.lastSeen)) return `${where} has a bad time stamp`;
    if (typeof s.cursor !== 'number' || !(s.cursor >= 0)) return `${where} has a bad inbox cursor`;
    for (const optional of ['branch', 'baseTip', 'snapshot', 'agent'])
      if (s[optional] !== undefined && !isText(s[optional]))
        return `${where} has a bad ${optional}`;
  }
  for (const [index, value] of reg.locks.entries()) {
    const l = value as unknown as Record<string, unknown> | null;
    const where = `lock #${index + 1}`;
    if (!l || typeof l !== 'object' || Array.isArray(l)) return `${where} is not an object`;
    if (!isText(l.path) || !l.path) return `${where} has no path`;
    if (!isText(l.session)) return `${where} (${l.path}) has no session`;
    if (!isText(l.reason)) return `${where} (${l.path}) has no reason`;
    if (!isTime(l.acquiredAt) || (l.expiresAt !== undefined && !isTime(l.expiresAt)))
      return `${where} (${l.path}) has a bad time stamp`;
  }
  return undefined;
}

/**
 * Reads the registry without the mutex: writes are atomic renames, so this always sees a
 * complete version. A missing file is an empty registry (nothing registered yet), unless its
 * previous version is there: then it was deleted, which is an error (see below).
 */
export function readRegistry(stateDir: string): Registry {
  const file = registryPath(stateDir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      // A previous version exists only once the registry was written twice, and writes are
      // atomic renames: no crash removes the file then. So it was deleted, and reading it as
      // empty would silently drop every session and lock (and the next write, the .prev).
      if (fs.existsSync(`${file}.prev`)) throw new StateError(messages.missingState(file), file);
      return emptyRegistry();
    }
    throw new StateError(messages.unreadableState(file, (error as Error).message), file, {
      cause: error,
    });
  }
  return parseRegistry(text, file);
}
