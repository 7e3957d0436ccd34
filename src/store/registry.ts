import fs from 'node:fs';
import path from 'node:path';

import { StateError } from '../errors.js';
import { messages } from '../ui/messages.js';
import { atomicWrite } from './atomicWrite.js';
import { appendEventsLocked } from './eventLog.js';
import { withMutex } from './mutex.js';
import { emptyRegistry, type NewEvent, type Registry } from './types.js';

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

export interface Transaction {
  registry: Registry;
  /** Queue events to append to the log in the same critical section. */
  emit(event: NewEvent): void;
}

export function ensureStateDir(stateDir: string): void {
  fs.mkdirSync(stateDir, { recursive: true });
}

/**
 * Read-modify-write of the registry under the mutex. `fn` mutates `tx.registry` (and may queue
 * events); the result is written atomically only if something changed. Events are appended before
 * the registry is written: a crash in between leaves an event that is simply delivered.
 */
export async function updateRegistry<T>(
  stateDir: string,
  fn: (tx: Transaction) => T | Promise<T>,
): Promise<T> {
  ensureStateDir(stateDir);
  return withMutex(stateDir, async (assertHeld) => {
    const registry = readRegistry(stateDir);
    const before = JSON.stringify(registry);
    const events: NewEvent[] = [];
    const result = await fn({ registry, emit: (e) => events.push(e) });
    assertHeld();
    if (events.length) appendEventsLocked(stateDir, events);
    const after = JSON.stringify(registry, null, 2);
    if (JSON.stringify(registry) !== before)
      atomicWrite(registryPath(stateDir), after + '\n', { keepPrevious: true });
    return result;
  });
}
