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
  return reg as Registry;
}

/**
 * Reads the registry without the mutex: writes are atomic renames, so this always sees a
 * complete version. A missing file is an empty registry (nothing registered yet).
 */
export function readRegistry(stateDir: string): Registry {
  const file = registryPath(stateDir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyRegistry();
    throw new StateError(messages.unreadableState(file, (error as Error).message), file, {
      cause: error,
    });
  }
  return parseRegistry(text, file);
}
