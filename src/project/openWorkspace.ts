import type { Context } from '../context.js';
import { defaultBranch } from '../git/repo.js';
import { readRegistry } from '../store/registry.js';
import type { Config } from './configSchema.js';
import { type Project, requireProject } from './findProject.js';
import { loadConfig } from './loadConfig.js';
import { warnMisnamedConfigs } from './misnamedConfigs.js';

/** A project with its configuration: what nearly every command starts from. */
export interface Workspace {
  project: Project;
  config: Config;
  configFile?: string;
}

export async function openWorkspace(ctx: Context): Promise<Workspace> {
  const project = requireProject(ctx.cwd);
  const { config, file } = await loadConfig(project.root, project.stateDir);
  // A `.qlockrc` does nothing: say so wherever the config is read, not only in doctor.
  await warnMisnamedConfigs(project.root, (t) => ctx.err(t));
  return { project, config, ...(file ? { configFile: file } : {}) };
}

/** The base branch: config `base`, else the one recorded at init, else the repository's default. */
export async function resolveBase(ws: Workspace): Promise<string> {
  if (ws.config.base) return ws.config.base;
  if (ws.project.kind === 'dir') return 'snapshot';
  const recorded = readRegistry(ws.project.stateDir).base;
  if (recorded) return recorded;
  return defaultBranch(ws.project.root);
}
