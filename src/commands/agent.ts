import { ADAPTERS } from '../agents/adapters/index.js';
import {
  type AgentInstallReport,
  codexTrustSnippet,
  installAgent,
  parseAgent,
  uninstallAgent,
} from '../agents/installAgent.js';
import type { Context } from '../context.js';
import { QlockError, UsageError } from '../errors.js';
import { findProject } from '../project/findProject.js';
import { currentSession } from '../sessions/resolveSession.js';
import { readRegistry } from '../store/registry.js';
import { c } from '../ui/color.js';
import { messages } from '../ui/messages.js';

export interface AgentOptions {
  action: 'install' | 'uninstall';
  agent: string;
  global?: boolean;
  trust?: boolean;
}

export type AgentResult = AgentInstallReport;

/**
 * The directory project-level hooks go to: the current session's worktree (--session NAME,
 * QLOCK_SESSION, or the session containing the cwd), else the worktree the cwd is in.
 */
function projectDir(ctx: Context): string {
  const project = findProject(ctx.cwd);
  if (!project) throw new QlockError(messages.agentNoProjectDir(ctx.cwd));
  const session = currentSession(ctx, readRegistry(project.stateDir));
  return session?.path ?? project.worktreeRoot;
}

export async function agentCommand(options: AgentOptions, ctx: Context): Promise<AgentResult> {
  const agent = parseAgent(options.agent);
  if (options.action !== 'install' && options.action !== 'uninstall')
    throw new UsageError(`Unknown action "${options.action}": use install or uninstall.`);
  if (options.trust && !ADAPTERS[agent].trustStep)
    throw new UsageError(messages.trustOnlyCodex(agent));
  const scope = options.global ? 'global' : 'project';
  const dir = scope === 'global' ? ctx.cwd : projectDir(ctx);
  const run = options.action === 'install' ? installAgent : uninstallAgent;
  const report = await run({ agent, scope, dir, trust: options.trust === true, env: ctx.env });
  // Remembered so that `qlock doctor` notices if project hooks disappear later.
  const project = findProject(ctx.cwd);
  if (project) {
    const { recordAgentInstall } = await import('../doctor/agentRecords.js');
    recordAgentInstall(project.stateDir, report);
  }
  return report;
}

const CHANGE_WORDS: Record<string, string> = {
  created: 'created',
  updated: 'updated',
  unchanged: 'already set',
  deleted: 'deleted',
  absent: 'absent',
};

export function renderAgent(result: AgentResult): string {
  const lines = [
    result.action === 'install'
      ? messages.agentInstalled(result.agent, result.scope, result.dir)
      : messages.agentUninstalled(result.agent, result.scope, result.dir),
  ];
  for (const f of result.files) {
    const word =
      f.change === 'unchanged' && result.action === 'uninstall'
        ? 'untouched'
        : (CHANGE_WORDS[f.change] ?? f.change);
    const painted = f.change === 'unchanged' ? c.dim(word.padEnd(11)) : c.green(word.padEnd(11));
    lines.push(`  ${painted} ${f.file}${f.holds.length ? ` (${f.holds.join(', ')})` : ''}`);
  }
  if (
    result.action === 'uninstall' &&
    !result.files.some((f) => f.change === 'deleted' || f.change === 'updated')
  )
    lines.push(messages.agentNothingToRemove(result.agent));
  if (result.excluded.length)
    lines.push(
      result.action === 'install'
        ? messages.agentExcluded(result.excluded)
        : messages.agentUnexcluded(result.excluded),
    );
  for (const note of result.notes) lines.push(c.yellow(note));
  const trust = result.codexTrust;
  if (trust && result.action === 'install') {
    if (trust.trusted && trust.entries.length)
      lines.push(
        result.files.some((f) => f.file === trust.file && f.change !== 'unchanged')
          ? messages.codexTrustRecorded(trust.file, trust.entries.length)
          : messages.codexTrustAlready(trust.file),
      );
    else if (!trust.trusted)
      lines.push(
        c.yellow(
          messages.codexTrustNeeded(
            trust.file,
            codexTrustSnippet(trust.entries),
            result.scope,
            result.dir,
          ),
        ),
      );
  }
  if (result.action === 'install')
    lines.push(...messages.agentNext(result.agent, result.scope, result.dir));
  return lines.join('\n');
}
