import fs from 'node:fs';
import path from 'node:path';

import { ADAPTERS } from '../agents/adapters/index.js';
import { codexHome, hooksTarget, type Scope } from '../agents/agentTargets.js';
import { codexTrustEntries } from '../agents/codexTrust.js';
import { isObject, ourCommands } from '../agents/configEdits.js';
import { commandReachable } from '../agents/hookCommand.js';
import { installAgent, readHookFile } from '../agents/installAgent.js';
import { type AgentName, AGENTS } from '../project/agentNames.js';
import { readRegistry } from '../store/registry.js';
import { messages } from '../ui/messages.js';
import type { Check, Finding } from './types.js';

/**
 * `qlock doctor` for agent hooks, in every session's worktree, the main worktree and the user's
 * own configuration:
 * - which agents have qlock's hooks where (informational);
 * - hooks that run a node or qlock that no longer exists (a moved checkout, an nvm switch), or
 *   that are incomplete or out of date: `--fix` installs them again;
 * - Codex hooks whose trust is not recorded (Codex skips them silently): the fix is the user's
 *   opt-in (`agent install codex --trust`), so `--fix` leaves it to them;
 * - Codex project hooks in a project Codex does not trust (it ignores `.codex/` there).
 */

interface Place {
  scope: Scope;
  dir: string;
  label: string;
}

function places(ws: Parameters<Check>[0], env: NodeJS.ProcessEnv): Place[] {
  const seen = new Set<string>();
  const out: Place[] = [];
  const add = (scope: Scope, dir: string, label: string) => {
    const key = `${scope}:${dir}`;
    if (seen.has(key) || (scope === 'project' && !fs.existsSync(dir))) return;
    seen.add(key);
    out.push({ scope, dir, label });
  };
  let sessions: { name: string; path: string }[] = [];
  try {
    sessions = Object.values(readRegistry(ws.project.stateDir).sessions);
  } catch {
    // an unreadable registry is checkState's finding
  }
  for (const s of sessions) add('project', s.path, `session ${s.name}`);
  add('project', ws.project.worktreeRoot, ws.project.worktreeRoot);
  add('global', env.HOME ?? '', 'your user configuration');
  return out;
}

/** Codex's project trust: `[projects."<dir or an ancestor>"] trust_level = "trusted"`. */
async function codexTrustsProject(configText: string, dirs: string[]): Promise<boolean> {
  const { parse } = await import('smol-toml');
  let projects: unknown;
  try {
    projects = (parse(configText) as Record<string, unknown>).projects;
  } catch {
    return true; // unreadable: not this check's business
  }
  if (!isObject(projects)) return false;
  return dirs.some((d) => {
    for (let dir = d; ; dir = path.dirname(dir)) {
      const entry = (projects as Record<string, unknown>)[dir];
      if (isObject(entry) && entry.trust_level === 'trusted') return true;
      if (path.dirname(dir) === dir) return false;
    }
  });
}

async function recordedTrust(file: string): Promise<Record<string, string>> {
  const { parse } = await import('smol-toml');
  try {
    const state = (parse(fs.readFileSync(file, 'utf8')) as { hooks?: { state?: unknown } }).hooks
      ?.state;
    if (!isObject(state)) return {};
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(state))
      if (isObject(value) && typeof value.trusted_hash === 'string') out[key] = value.trusted_hash;
    return out;
  } catch {
    return {};
  }
}

async function checkPlace(
  place: Place,
  agent: AgentName,
  env: NodeJS.ProcessEnv,
  projectRoot: string,
): Promise<{ installed: boolean; findings: Finding[] }> {
  const target = hooksTarget(agent, { scope: place.scope, dir: place.dir, env });
  const findings: Finding[] = [];
  if (!fs.existsSync(target.file)) return { installed: false, findings };
  // Codex reads a worktree's hooks from the main checkout, but only for a worktree that has a
  // .codex/ of its own (qlock puts its MCP server there).
  if (place.scope === 'project' && ADAPTERS[agent].projectHooksActive?.(place.dir) === false)
    return { installed: false, findings };
  const config = readHookFile(target.file);
  const commands = ourCommands(config);
  if (!isObject(config) || !commands.length) return { installed: false, findings };
  const reinstall = () => async () => {
    const report = await installAgent({
      agent,
      scope: place.scope,
      dir: place.dir,
      env,
      trust: false,
    });
    return (
      report.files
        .filter((f) => f.change !== 'unchanged')
        .map((f) => `${f.change} ${f.file}`)
        .join('; ') || 'nothing to change'
    );
  };
  const fix = messages.doctorAgentFix(agent, place.scope, place.dir);
  const broken = commands.find((c) => !commandReachable(c));
  const desired = structuredClone(config);
  target.hooks!.install(desired);
  if (broken) {
    findings.push({
      check: 'agents',
      ok: false,
      message: messages.doctorAgentBroken(target.file, messages.doctorAgentUnreachable(broken)),
      fix,
      apply: reinstall(),
    });
  } else if (JSON.stringify(desired) !== JSON.stringify(config)) {
    const have = new Set(commands);
    const missing = ourCommands(desired)
      .filter((c) => !have.has(c))
      .map((c) => c.replace(/^.*agent-hook /, ''));
    findings.push({
      check: 'agents',
      ok: false,
      message: messages.doctorAgentBroken(
        target.file,
        messages.doctorAgentPartial(missing.length ? missing : ['settings changed']),
      ),
      fix,
      apply: reinstall(),
    });
  }
  if (ADAPTERS[agent].trustStep) {
    const source = path.join(fs.realpathSync(path.dirname(target.file)), 'hooks.json');
    const userConfig = path.join(codexHome(env), 'config.toml');
    const recorded = await recordedTrust(userConfig);
    const untrusted = codexTrustEntries(source, config).filter((e) => recorded[e.key] !== e.hash);
    if (untrusted.length)
      findings.push({
        check: 'agents',
        ok: false,
        message: messages.doctorCodexUntrusted(target.file, untrusted.length),
        // No `apply`: trusting hooks writes the user's own ~/.codex/config.toml, which stays
        // their opt-in (`agent install codex --trust`), never a "safe fix" of --fix.
        fix: messages.doctorCodexFix(place.scope, place.dir),
      });
    if (place.scope === 'project') {
      let text = '';
      try {
        text = fs.readFileSync(userConfig, 'utf8');
      } catch {
        // no user config: nothing is trusted
      }
      if (!(await codexTrustsProject(text, [place.dir, projectRoot])))
        findings.push({
          check: 'agents',
          ok: false,
          message: messages.doctorCodexProjectUntrusted(place.dir, userConfig),
        });
    }
  }
  return { installed: true, findings };
}

export const checkAgents: Check = async (ws, ctx) => {
  const findings: Finding[] = [];
  const env = ctx.env;
  for (const place of places(ws, env)) {
    const installed: AgentName[] = [];
    for (const agent of AGENTS) {
      const result = await checkPlace(place, agent, env, ws.project.root);
      if (result.installed) installed.push(agent);
      findings.push(...result.findings);
    }
    if (installed.length)
      findings.push({
        check: 'agents',
        ok: true,
        message: messages.doctorAgentsOk(place.label, installed),
      });
  }
  if (!findings.length)
    findings.push({ check: 'agents', ok: true, message: messages.doctorAgentsNone() });
  // Codex's hooks file is shared by the worktrees: report each problem once.
  const seen = new Set<string>();
  return findings.filter((f) => !seen.has(f.message) && seen.add(f.message));
};
