import fs from 'node:fs';

import { atomicWrite } from './atomicWrite.js';
import { appendEventsLocked } from './eventLog.js';
import { withMutex } from './mutex.js';
import { readRegistry, registryPath } from './readRegistry.js';
import type { NewEvent, Registry } from './types.js';

export { parseRegistry, readRegistry, registryPath } from './readRegistry.js';

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
