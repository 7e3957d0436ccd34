import fs from 'node:fs';
import path from 'node:path';

import { atomicWrite } from '../store/atomicWrite.js';
import type { Session } from '../store/types.js';
import { createDebug } from '../ui/debug.js';

const debug = createDebug('agents');

/** Matches sessions/touchSession.ts: lastSeen is refreshed at most this often. */
const TOUCH_INTERVAL_MS = 30_000;

/**
 * Records that the session is alive (its agent just ran a hook). Loading the registry writer
 * costs ~13 ms, so it happens only when lastSeen is old enough to be refreshed at all.
 */
export async function touchIfStale(stateDir: string, session: Session, now: Date): Promise<void> {
  if (now.getTime() - Date.parse(session.lastSeen) < TOUCH_INTERVAL_MS) return;
  try {
    const { touchSession } = await import('../sessions/touchSession.js');
    await touchSession(stateDir, session.name, now);
  } catch (error) {
    debug(`touch failed: ${(error as Error).message}`);
  }
}

/** The same soft warning is repeated to a session at most this often. */
export const WARN_AGAIN_MS = 10 * 60_000;

/**
 * Whether to give a session a soft warning identified by `key` now: an agent editing one file in
 * ten steps hears about the other session changing it once, not ten times. Kept per session in
 * `<state dir>/agents/warned-<session>.json`; losing it only means a warning is repeated.
 */
export function warnOnce(stateDir: string, session: string, key: string, now: Date): boolean {
  const file = path.join(stateDir, 'agents', `warned-${session}.json`);
  let seen: Record<string, number> = {};
  try {
    seen = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, number>;
  } catch {
    // first warning, or an unreadable file: start again
  }
  const t = now.getTime();
  if (typeof seen[key] === 'number' && t - seen[key] < WARN_AGAIN_MS) return false;
  for (const [k, at] of Object.entries(seen)) if (t - at >= WARN_AGAIN_MS) delete seen[k];
  seen[key] = t;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    atomicWrite(file, JSON.stringify(seen), { durable: false });
  } catch (error) {
    debug(`cannot record warning: ${(error as Error).message}`);
  }
  return true;
}
