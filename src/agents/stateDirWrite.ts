import fs from 'node:fs';
import path from 'node:path';

import { POINTER_FILE } from '../project/findProject.js';
import type { Session } from '../store/types.js';

/**
 * Whether an agent's write would land in qlock's own state: the state dir (a plain directory's
 * `.qlock/`, or `<git-common-dir>/qlock/`) or a copy's `.qlock` pointer file. Planted links there
 * made qlock write into the user's files, and a rewritten registry or pointer forges locks and
 * sessions, so such a write is refused. Checked where the write lands: symlinked parents resolved.
 */
export function writesStateDir(abs: string, stateDir: string, sessions: Session[]): boolean {
  const targets = [path.resolve(abs), landing(abs)];
  const state = realOr(stateDir);
  return targets.some(
    (t) =>
      t === state ||
      t.startsWith(state + path.sep) ||
      sessions.some((s) => t === path.join(s.path, POINTER_FILE)),
  );
}

function realOr(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** The path with its nearest existing ancestor's symlinks resolved. */
function landing(abs: string): string {
  let dir = path.resolve(abs);
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync(dir), ...rest);
    } catch {
      const parent = path.dirname(dir);
      if (parent === dir) return path.resolve(abs);
      rest.unshift(path.basename(dir));
      dir = parent;
    }
  }
}
