import path from 'node:path';

import type { Project } from '../project/findProject.js';

/** Expands the `worktreeDir` template ({repo}, {name}) relative to the project root. */
export function worktreePath(template: string, project: Project, name: string): string {
  const repo = path.basename(project.root).replace(/\.git$/, '');
  const expanded = template.replaceAll('{repo}', repo).replaceAll('{name}', name);
  return path.resolve(project.root, expanded);
}
