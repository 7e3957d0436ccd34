import path from 'node:path';

/**
 * qlock's own hook files in the state dir (per clone, never committed): the runner and the list
 * of base refs it filters on. Here, with the rest of the state dir's layout, because sessions
 * (registering one may add a base) and doctor write or read them, not only the hooks.
 */
export function hooksStateDir(stateDir: string): string {
  return path.join(stateDir, 'hooks');
}

/** The runner every hook block calls (rendered from hooks/run.sh). */
export function runnerPath(stateDir: string): string {
  return path.join(hooksStateDir(stateDir), 'run.sh');
}
