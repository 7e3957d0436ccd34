import fs from 'node:fs';

import type { Session } from '../store/types.js';
import { compareText } from '../util/compareText.js';

/**
 * Sessions whose work counts for conflicts: the ones asked for, else every registered session
 * whose directory exists (stale ones too: their uncommitted work still merges one day), by name.
 */
export function selectSessions(all: Record<string, Session>, names?: readonly string[]): Session[] {
  const wanted = names ? new Set(names) : undefined;
  return Object.values(all)
    .filter((s) => (!wanted || wanted.has(s.name)) && fs.existsSync(s.path))
    .sort((a, b) => compareText(a.name, b.name));
}
