import fs from 'node:fs';
import path from 'node:path';

import type { Context } from '../context.js';
import { QlockError } from '../errors.js';
import { defaultBranch, resolveCommit } from '../git/repo.js';
import { findProject, type Project, realpathOrSelf } from '../project/findProject.js';
import { loadConfig } from '../project/loadConfig.js';
import { ensureStateDir, updateRegistry } from '../store/registry.js';
import { messages } from '../ui/messages.js';
import { type AgentResult, renderAgent } from './agent.js';

export interface InitOptions {
  hooks?: boolean;
  agent?: string[];
}

export interface InitResult {
  root: string;
  stateDir: string;
  git: boolean;
  base?: string;
  created: boolean;
  hooks?: unknown;
  /** Why the git hooks were not installed (a machine-wide core.hooksPath). */
  hooksSkipped?: string;
  agents?: unknown[];
}

/**
 * Sets a project up: state dir, the base recorded, git hooks (unless --no-hooks), optional agent
 * hooks. Idempotent. Registers no session: the main worktree becomes one only through `join`.
 */
export async function init(options: InitOptions, ctx: Context): Promise<InitResult> {
  if (options.agent?.length) {
    // A misspelt --agent must fail before anything is set up.
    const { parseAgent } = await import('../agents/installAgent.js');
    for (const agent of options.agent) parseAgent(agent);
  }
  let project: Project | undefined = findProject(ctx.cwd);
  if (project?.kind === 'dir' && project.worktreeRoot !== project.root) {
    throw new QlockError(
      `${ctx.cwd} is a session copy of the project at ${project.root}; run \`qlock init\` there.`,
    );
  }
  if (!project) {
    const root = realpathOrSelf(ctx.cwd);
    project = { kind: 'dir', root, stateDir: path.join(root, '.qlock'), worktreeRoot: root };
  }
  const created = !fs.existsSync(project.stateDir);
  ensureStateDir(project.stateDir);
  const { config } = await loadConfig(project.root, project.stateDir);

  let base: string | undefined;
  if (project.kind === 'git') {
    base = config.base ?? (await defaultBranch(project.root));
    if (config.base && !(await resolveCommit(project.root, config.base))) {
      throw new QlockError(messages.unknownBase(config.base));
    }
  }
  await updateRegistry(project.stateDir, ({ registry }) => {
    if (base && !registry.base) registry.base = base;
  });

  const result: InitResult = {
    root: project.root,
    stateDir: project.stateDir,
    git: project.kind === 'git',
    created,
    ...(base ? { base } : {}),
  };
  if (project.kind === 'git' && options.hooks !== false) {
    const { installHooks, machineWideHooksDir } = await import('../hooks/installHooks.js');
    // A core.hooksPath shared by every repository: not written without `hooks install --force`.
    const shared = await machineWideHooksDir(project);
    if (shared) {
      const { hookMessages } = await import('../ui/messages/hooks.js');
      result.hooksSkipped = hookMessages.hooksDirMachineWide(shared.dir, shared.scope ?? 'global');
      ctx.err(`qlock: warning: ${result.hooksSkipped}`);
    } else result.hooks = await installHooks(project);
  }
  if (project.kind === 'git') {
    // Doctor reports missing hooks as a choice, not a problem, after --no-hooks.
    const { recordHooksChoice } = await import('../doctor/hooksChoice.js');
    recordHooksChoice(project.stateDir, options.hooks === false);
  }
  if (options.agent?.length) {
    const { installAgentForInit } = await import('../agents/installAgent.js');
    result.agents = [];
    const { recordAgentInstall } = await import('../doctor/agentRecords.js');
    for (const agent of options.agent) {
      const report = await installAgentForInit(agent, project, ctx);
      recordAgentInstall(project.stateDir, report);
      result.agents.push(report);
    }
  }
  return result;
}

export function renderInit(result: InitResult): string {
  const lines = [messages.initDone(result.root, result.stateDir)];
  if (result.git) {
    lines.push(`Base branch: ${result.base}.`);
    if (result.hooks) lines.push('Git hooks installed (see `qlock hooks status`).');
    if (result.hooksSkipped) lines.push('Git hooks NOT installed (see the warning above).');
  }
  // --agent wired this checkout; each new session's worktree needs the same flag (its agent
  // config is excluded from git, so a new worktree does not have it).
  const agents = ((result.agents ?? []) as AgentResult[]).map((r) => ` --agent ${r.agent}`);
  const step = (command: string, comment: string) => `  ${command.padEnd(26)} # ${comment}`;
  lines.push(
    '',
    'Next steps:',
    result.git
      ? step(`qlock new feature-a${agents.join('')}`, 'a worktree + branch for one AI session')
      : step(
          `qlock new feature-a --copy${agents.join('')}`,
          'a copy of this tree for one AI session',
        ),
    step('qlock join main', 'register this directory as a session too (optional)'),
    step('qlock status', 'who works where, on what, and what collides'),
    step('qlock lock src/file.ts', 'claim a file before a big change'),
  );
  // What --agent installed, and what is still to do (Codex: trust its hooks).
  for (const report of (result.agents ?? []) as AgentResult[]) lines.push('', renderAgent(report));
  return lines.join('\n');
}
