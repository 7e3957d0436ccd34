import fs from 'node:fs';
import path from 'node:path';

/**
 * Whether the user chose to run without qlock's git hooks (`qlock init --no-hooks`, `qlock hooks
 * uninstall`). Doctor then reports missing hooks as that choice instead of a problem; without the
 * record, a project whose hooks are missing (set up by `qlock new` alone, or hooks lost) is
 * flagged, since commits there are not checked against other sessions' locks.
 */
const FILE = 'hooks-declined';

export function hooksDeclined(stateDir: string): boolean {
  return fs.existsSync(path.join(stateDir, FILE));
}

/** Records the choice (declined = true) or clears it; never fails the command that calls it. */
export function recordHooksChoice(stateDir: string, declined: boolean): void {
  const file = path.join(stateDir, FILE);
  try {
    if (declined) {
      fs.mkdirSync(stateDir, { recursive: true });
      fs.writeFileSync(
        file,
        'qlock git hooks declined by the user; `qlock hooks install` undoes it\n',
      );
    } else {
      fs.rmSync(file, { force: true });
    }
  } catch {
    // only doctor's wording depends on it
  }
}
