import type { Context } from '../context.js';
import { recordHooksChoice } from '../doctor/hooksChoice.js';
import { QlockError, UsageError } from '../errors.js';
import { type HooksStatus, hooksStatus } from '../hooks/hooksStatus.js';
import { type HooksReport, installHooks, uninstallHooks } from '../hooks/installHooks.js';
import { requireProject } from '../project/findProject.js';
import { c } from '../ui/color.js';
import { hookMessages } from '../ui/messages/hooks.js';

export interface HooksOptions {
  action: 'install' | 'uninstall' | 'status';
  /** install: into a machine-wide core.hooksPath; uninstall: take the blocks out of it too. */
  force?: boolean;
}

export type HooksResult = HooksReport | (HooksStatus & { action: 'status' });

/** `qlock hooks install|uninstall|status`. */
export async function hooks(options: HooksOptions, ctx: Context): Promise<HooksResult> {
  const project = requireProject(ctx.cwd);
  if (project.kind !== 'git') throw new QlockError(hookMessages.hooksNeedGit(project.root));
  // Doctor reports missing hooks as the user's choice after an uninstall (see doctor/hooksChoice).
  switch (options.action) {
    case 'install': {
      const report = await installHooks(project, { force: !!options.force });
      recordHooksChoice(project.stateDir, false);
      return report;
    }
    case 'uninstall': {
      const report = await uninstallHooks(project, { force: !!options.force });
      recordHooksChoice(project.stateDir, true);
      return report;
    }
    case 'status':
      return { action: 'status', ...(await hooksStatus(project)) };
    default:
      throw new UsageError(hookMessages.badHooksAction(String(options.action)));
  }
}

function renderReport(r: HooksReport): string {
  const width = Math.max(...r.files.map((f) => f.hook.length), 10);
  const lines = [
    r.action === 'install'
      ? hookMessages.installedIn(r.dir, r.mode, r.hooksPath)
      : r.files.length
        ? hookMessages.uninstalledFrom(r.dir)
        : hookMessages.nothingToUninstall(r.dir),
  ];
  for (const f of r.files)
    lines.push(`  ${f.hook.padEnd(width)}  ${hookMessages.fileChange(f.change, f.file)}`);
  if (r.runner) lines.push(hookMessages.runnerAt(r.runner));
  for (const note of r.notes) lines.push(`${c.yellow('note')}: ${note}`);
  return lines.join('\n');
}

function renderStatus(s: HooksStatus): string {
  if (!s.installed) return hookMessages.statusNotInstalled(s.dir);
  const lines = [hookMessages.statusWhere(s.dir, s.mode, s.hooksPath, s.perWorktree)];
  lines.push(
    s.runner.exists
      ? hookMessages.statusRunner(
          s.runner.file,
          s.runner.node!,
          s.runner.bin!,
          !!s.runner.failClosed,
        )
      : hookMessages.problemRunnerMissing(s.runner.file),
  );
  lines.push(
    `Hooks: ${s.hooks.map((h) => `${h.hook} ${h.installed && h.executable ? c.green('ok') : c.red('missing')}`).join(', ')}`,
  );
  for (const p of s.problems) lines.push(`${c.red('problem')}: ${p.message}\n  fix: ${p.fix}`);
  lines.push('Worktrees:');
  for (const w of s.worktrees) {
    const label = `${w.path}${w.session ? ` (${w.session})` : ''}${w.current ? ' [here]' : ''}`;
    lines.push(`  ${w.runs ? c.green('runs') : c.red('no  ')}  ${label}`);
    for (const p of w.problems) lines.push(`        ${p.message}\n        fix: ${p.fix}`);
  }
  lines.push(s.ok ? hookMessages.statusAllGood() : hookMessages.statusSomeBroken());
  return lines.join('\n');
}

export function renderHooks(result: HooksResult): string {
  return result.action === 'status' ? renderStatus(result) : renderReport(result);
}
