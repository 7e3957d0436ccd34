import path from 'node:path';

/** qlock's own hook files in the state dir (per clone, never committed). */
export function hooksStateDir(stateDir: string): string {
  return path.join(stateDir, 'hooks');
}

/** The runner every hook block calls (rendered from hooks/run.sh). */
export function runnerPath(stateDir: string): string {
  return path.join(hooksStateDir(stateDir), 'run.sh');
}
