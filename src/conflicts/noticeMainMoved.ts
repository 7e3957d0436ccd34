import type { Project } from '../project/findProject.js';
import { loadConfig } from '../project/loadConfig.js';
import type { Workspace } from '../project/openWorkspace.js';
import { createDebug } from '../ui/debug.js';

const debug = createDebug('conflicts');

/**
 * Records "main moved" events (checkMainMoved) before a command that shows events or conflicts:
 * base can move with no qlock hook running (`git fetch origin main:main`, `update-ref`, another
 * clone's push), and without a watcher only a qlock run notices. Costs a ref read when nothing
 * moved; a failure only delays the notice, it never fails the command.
 */
export async function noticeMainMoved(
  where: Workspace | { project: Project },
  now: Date,
): Promise<void> {
  if (where.project.kind !== 'git') return;
  try {
    const ws: Workspace =
      'config' in where
        ? where
        : {
            project: where.project,
            config: (await loadConfig(where.project.root, where.project.stateDir)).config,
          };
    const { checkMainMoved } = await import('./mainMoved.js');
    await checkMainMoved(ws, now);
  } catch (error) {
    debug(`main-moved check failed: ${(error as Error).message}`);
  }
}
