import type { Context } from '../context.js';
import { CHECKS } from '../doctor/checks.js';
import type { Check, Finding } from '../doctor/types.js';
import { DEFAULT_CONFIG } from '../project/defaultConfig.js';
import { requireProject } from '../project/findProject.js';
import { loadConfig } from '../project/loadConfig.js';
import type { Workspace } from '../project/openWorkspace.js';
import { c } from '../ui/color.js';
import { messages } from '../ui/messages.js';

export interface DoctorOptions {
  fix?: boolean;
}

/** One finding as printed and in --json: `canFix` says whether `--fix` would apply its fix. */
export type DoctorFinding = Omit<Finding, 'apply'> & { canFix?: boolean };

export interface DoctorResult {
  ok: boolean;
  findings: DoctorFinding[];
  exitCode: number;
}

async function workspace(ctx: Context): Promise<{ ws: Workspace; finding: Finding }> {
  const project = requireProject(ctx.cwd);
  try {
    const { config, file } = await loadConfig(project.root, project.stateDir);
    return {
      ws: { project, config, ...(file ? { configFile: file } : {}) },
      finding: {
        check: 'config',
        ok: true,
        message: file ? `config ${file} is valid` : 'no config file: defaults in use',
      },
    };
  } catch (error) {
    return {
      ws: { project, config: DEFAULT_CONFIG },
      finding: {
        check: 'config',
        ok: false,
        message: (error as Error).message.split('\n')[0]!,
        fix: 'edit the file as the message says',
      },
    };
  }
}

/** A check that crashes is itself a finding; the other checks still run. */
async function runCheck(check: Check, ws: Workspace, ctx: Context): Promise<Finding[]> {
  try {
    return await check(ws, ctx);
  } catch (error) {
    const name = check.name.replace(/^check/, '').toLowerCase() || 'check';
    return [
      {
        check: name,
        ok: false,
        message: `the check itself failed: ${(error as Error).message.split('\n')[0]}`,
        fix: `run \`qlock doctor --debug\` and report it`,
      },
    ];
  }
}

async function runChecks(ctx: Context): Promise<Finding[]> {
  const { ws, finding } = await workspace(ctx);
  const findings = [finding];
  for (const check of CHECKS) findings.push(...(await runCheck(check, ws, ctx)));
  return findings;
}

/** A fix may uncover another (gc leaves a conflicts-cache entry behind): a few rounds at most. */
const MAX_FIX_ROUNDS = 3;

/**
 * `qlock doctor [--fix]`: every area's checks (src/doctor/checks.ts), each problem with its fix.
 * --fix applies only the fixes a check marked safe, then checks again (and fixes what that
 * uncovered), so what is reported, and the exit code, is the state after the fixes.
 */
export async function doctor(options: DoctorOptions, ctx: Context): Promise<DoctorResult> {
  let findings = await runChecks(ctx);
  if (options.fix) {
    const seen = [...findings];
    const fixed: Finding[] = [];
    const key = (f: Finding) => `${f.check}\0${f.message}`;
    const tried = new Set<string>();
    /** Why a fix failed, by finding: the checks run again after it, and must still say so. */
    const failed = new Map<string, string>();
    for (let round = 0; round < MAX_FIX_ROUNDS; round++) {
      const todo = findings.filter((f) => (!f.ok || f.note) && f.apply && !tried.has(key(f)));
      if (!todo.length) break;
      for (const finding of todo) {
        tried.add(key(finding));
        try {
          finding.fixed = await finding.apply!();
          fixed.push(finding);
        } catch (error) {
          failed.set(key(finding), (error as Error).message.split('\n')[0]!);
        }
      }
      findings = await runChecks(ctx);
      seen.push(...findings);
    }
    for (const finding of findings) {
      const reason = failed.get(key(finding));
      if ((finding.ok && !finding.note) || reason === undefined) continue;
      finding.fix = messages.doctorFixFailed(finding.fix, reason);
      delete finding.apply; // tried and failed: not a safe fix to offer again
    }
    // The fixed problems, then what the last run found, in the order the checks run.
    const order = [...new Set(seen.map((f) => f.check))];
    findings = [...fixed, ...findings].sort(
      (a, b) => order.indexOf(a.check) - order.indexOf(b.check),
    );
  }
  const remaining = findings.filter((f) => !f.ok && !f.fixed);
  return {
    ok: remaining.length === 0,
    findings: findings.map(({ apply, ...rest }) =>
      (rest.ok && !rest.note) || rest.fixed ? rest : { ...rest, canFix: apply !== undefined },
    ),
    exitCode: remaining.length ? 1 : 0,
  };
}

export function renderDoctor(result: DoctorResult): string {
  const lines = result.findings.map((f) => {
    if (f.fixed) return `${c.green('fixed')} ${f.check}: ${f.message}\n      → ${f.fixed}`;
    if (f.ok && f.note)
      return `${c.yellow('note')}  ${f.check}: ${f.message}${f.fix ? `\n      fix: ${f.fix}` : ''}`;
    if (f.ok) return `${c.green('ok')}    ${f.check}: ${f.message}`;
    return `${c.red('fail')}  ${f.check}: ${f.message}${f.fix ? `\n      fix: ${f.fix}` : ''}`;
  });
  const fixed = result.findings.filter((f) => f.fixed).length;
  const fixable = result.findings.filter((f) => f.canFix).length;
  lines.push(
    '',
    result.ok
      ? fixed
        ? messages.doctorSummaryFixed(fixed)
        : messages.doctorSummaryOk()
      : messages.doctorSummaryFailed(fixable),
  );
  return lines.join('\n');
}
