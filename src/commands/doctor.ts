import type { Context } from '../context.js';
import { CHECKS } from '../doctor/checks.js';
import type { Finding } from '../doctor/types.js';
import { DEFAULT_CONFIG } from '../project/defaultConfig.js';
import { requireProject } from '../project/findProject.js';
import { loadConfig } from '../project/loadConfig.js';
import type { Workspace } from '../project/openWorkspace.js';
import { c } from '../ui/color.js';

export interface DoctorOptions {
  fix?: boolean;
}

export interface DoctorResult {
  ok: boolean;
  findings: Omit<Finding, 'apply'>[];
  exitCode: number;
}

export async function doctor(options: DoctorOptions, ctx: Context): Promise<DoctorResult> {
  const project = requireProject(ctx.cwd);
  const findings: Finding[] = [];
  let ws: Workspace;
  try {
    const { config, file } = await loadConfig(project.root, project.stateDir);
    ws = { project, config, ...(file ? { configFile: file } : {}) };
    findings.push({
      check: 'config',
      ok: true,
      message: file ? `config ${file} is valid` : 'no config file: defaults in use',
    });
  } catch (error) {
    ws = { project, config: DEFAULT_CONFIG };
    findings.push({
      check: 'config',
      ok: false,
      message: (error as Error).message.split('\n')[0]!,
      fix: 'edit the file as the message says',
    });
  }
  for (const check of CHECKS) findings.push(...(await check(ws, ctx)));
  if (options.fix) {
    for (const finding of findings) {
      if (!finding.ok && finding.apply) {
        finding.fixed = await finding.apply();
      }
    }
  }
  const remaining = findings.filter((f) => !f.ok && !f.fixed);
  return {
    ok: remaining.length === 0,
    findings: findings.map(({ apply: _apply, ...rest }) => rest),
    exitCode: remaining.length ? 1 : 0,
  };
}

export function renderDoctor(result: DoctorResult): string {
  const lines = result.findings.map((f) => {
    if (f.ok) return `${c.green('ok')}    ${f.check}: ${f.message}`;
    if (f.fixed) return `${c.green('fixed')} ${f.check}: ${f.message}\n      → ${f.fixed}`;
    return `${c.red('fail')}  ${f.check}: ${f.message}${f.fix ? `\n      fix: ${f.fix}` : ''}`;
  });
  lines.push(
    '',
    result.ok
      ? 'Everything looks right.'
      : 'Some checks failed; see the fixes above (`qlock doctor --fix` applies the safe ones).',
  );
  return lines.join('\n');
}
