import type { Context } from '../context.js';
import type { Config } from '../project/configSchema.js';
import { type Project, requireProject } from '../project/findProject.js';
import { loadConfig } from '../project/loadConfig.js';
import { warnMisnamedConfigs } from '../project/misnamedConfigs.js';
import { requireCurrentSession } from '../sessions/resolveSession.js';
import { readRegistry } from '../store/readRegistry.js';
import type { Registry, Session } from '../store/types.js';
import { normalizeLockPath } from './lockPath.js';

export interface LockTarget {
  project: Project;
  config: Config;
  registry: Registry;
  session: Session;
  /** The normalised lock paths, in the order given. */
  paths: string[];
}

/**
 * What `lock` and `unlock` start from: the project, its config, the current session (which must
 * exist) and the normalised paths. Deliberately not openWorkspace: the hot path loads no git
 * module (this needs no git at all).
 */
export async function resolveLockTarget(ctx: Context, inputs: string[]): Promise<LockTarget> {
  const project = requireProject(ctx.cwd);
  // Bad paths are usage errors (exit 2): check them before anything else can fail.
  const paths = inputs.map((p) => normalizeLockPath(project, ctx.cwd, p));
  const { config } = await loadConfig(project.root, project.stateDir);
  await warnMisnamedConfigs(project.root, (t) => ctx.err(t));
  const registry = readRegistry(project.stateDir);
  const session = requireCurrentSession(ctx, registry);
  return { project, config, registry, session, paths };
}
