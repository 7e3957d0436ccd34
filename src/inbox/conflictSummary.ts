import fs from 'node:fs';
import path from 'node:path';

import { atomicWrite } from '../store/atomicWrite.js';

/**
 * A tiny per-session digest of the last conflict prediction, for `qlock prompt` (which runs on
 * every shell prompt and must not compute anything). Written by every full prediction (`qlock
 * status`, `qlock conflicts` without session names; not by the watcher); read without locking:
 * it is replaced by rename, and a missing or unreadable file only means no conflict count.
 */
export interface ConflictSummary {
  version: 1;
  at: string;
  /** Session name → the sessions (or base branch) it is predicted to conflict with. */
  sessions: Record<string, string[]>;
}

export function conflictSummaryPath(stateDir: string): string {
  return path.join(stateDir, 'cache', 'conflict-summary.json');
}

export function readConflictSummary(stateDir: string): ConflictSummary | undefined {
  try {
    const data = JSON.parse(
      fs.readFileSync(conflictSummaryPath(stateDir), 'utf8'),
    ) as ConflictSummary;
    if (data?.version !== 1 || typeof data.sessions !== 'object' || !data.sessions)
      return undefined;
    return data;
  } catch {
    return undefined;
  }
}

/** Builds the digest from conflict pairs (`b` may be a base branch) and writes it atomically. */
export function writeConflictSummary(
  stateDir: string,
  pairs: readonly { a: string; b: string; conflict: boolean }[],
  sessionNames: readonly string[],
  now: Date,
): ConflictSummary {
  const sessions: Record<string, string[]> = {};
  for (const name of sessionNames) sessions[name] = [];
  for (const pair of pairs) {
    if (!pair.conflict) continue;
    sessions[pair.a]?.push(pair.b);
    sessions[pair.b]?.push(pair.a);
  }
  for (const list of Object.values(sessions)) list.sort();
  const summary: ConflictSummary = { version: 1, at: now.toISOString(), sessions };
  if (!fs.existsSync(stateDir)) return summary; // no state dir yet: not worth creating one for this
  const file = conflictSummaryPath(stateDir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  atomicWrite(file, JSON.stringify(summary) + '\n', { durable: false });
  return summary;
}
