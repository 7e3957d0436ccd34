import fs from 'node:fs';
import path from 'node:path';

import { atomicWrite } from '../store/atomicWrite.js';
import { readRegistry } from '../store/readRegistry.js';
import type { Registry } from '../store/types.js';
import type { Config } from './configSchema.js';
import type { Project } from './findProject.js';
import { hooksStateDir } from './hookPaths.js';
import type { Workspace } from './openWorkspace.js';

/**
 * The base branches in use, as full refs, one per line in `<state>/hooks/bases`. The runner reads
 * it to start node for post-commit, post-merge, post-rewrite and pre-merge-commit only when HEAD
 * is one of them: only a commit on a base moves it, and most commits happen on session branches.
 * Every hook run that loads the registry refreshes it (see runGitHook.ts), so a changed `base`
 * is picked up by the next commit.
 */
export function basesFile(stateDir: string): string {
  return path.join(hooksStateDir(stateDir), 'bases');
}

export async function baseBranches(ws: Workspace, registry: Registry): Promise<string[]> {
  const bases = new Set<string>();
  if (ws.config.base) bases.add(ws.config.base);
  else if (registry.base) bases.add(registry.base);
  else {
    // Rare (no base recorded at init): openWorkspace loads the registry writer.
    const { resolveBase } = await import('./openWorkspace.js');
    bases.add(await resolveBase(ws));
  }
  for (const session of Object.values(registry.sessions)) bases.add(session.base);
  return [...bases].sort();
}

export function renderBaseRefs(bases: string[]): string {
  return bases.map((b) => (b.startsWith('refs/') ? b : `refs/heads/${b}`)).join('\n') + '\n';
}

/** Writes the list when it changed, and only where the hooks are installed. */
export function writeBaseRefs(stateDir: string, bases: string[]): boolean {
  const dir = hooksStateDir(stateDir);
  if (!fs.existsSync(dir)) return false;
  const file = basesFile(stateDir);
  const content = renderBaseRefs(bases);
  try {
    if (fs.readFileSync(file, 'utf8') === content) return false;
  } catch {
    // not written yet
  }
  // Not durable: after a power loss the next qlock command that reads the registry rewrites it.
  atomicWrite(file, content, { durable: false });
  return true;
}

/**
 * After a session registered (its base may be new): the runner skips post-merge on a branch it
 * does not list, so a fast-forward of that base before any other hook ran would go unrecorded.
 */
export async function refreshBaseRefs(project: Project, config: Config): Promise<void> {
  if (project.kind !== 'git' || !fs.existsSync(hooksStateDir(project.stateDir))) return;
  const registry = readRegistry(project.stateDir);
  writeBaseRefs(project.stateDir, await baseBranches({ project, config }, registry));
}
