import fs from 'node:fs';
import path from 'node:path';

import { recordInSnapshot, unchangedSinceSnapshot } from '../changes/snapshot.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { listWorktrees } from '../git/repo.js';
import { type AgentName, isAgentName } from '../project/agentNames.js';
import { findProject, type Project } from '../project/findProject.js';
import { readRegistry } from '../store/readRegistry.js';
import type { Session } from '../store/types.js';
import { messages } from '../ui/messages.js';
import { ADAPTERS } from './adapters/index.js';
import { agentTargets, codexHome, hooksTarget, type Scope } from './agentTargets.js';
import { codexTrustEntries, type CodexTrustEntry } from './codexTrust.js';
import { ourCommands } from './configEdits.js';
import { readJsonConfig } from './configFile.js';
import { excludeCreated, trackedAmong, unexcludeRemoved } from './gitExclude.js';
import { readInstallRecords, updateInstallRecords } from './installRecords.js';
import { type Change, ChangePlan, type Part } from './planChanges.js';
import { entriesToml, TOML_BEGIN } from './tomlBlock.js';

/**
 * `qlock agent install|uninstall <agent>`: writes qlock's hooks (and its MCP server) into the
 * agent's own configuration, merging with whatever the user has there, and takes exactly that out
 * again. See agentTargets.ts for which files, planChanges.ts for how they are edited.
 */

export interface AgentInstallOptions {
  agent: AgentName;
  scope: Scope;
  /** The session's worktree for project scope (ignored for global scope). */
  dir: string;
  /** Codex: record the hooks' trust in the user's Codex config. */
  trust?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface AgentFileReport {
  file: string;
  change: Change;
  holds: string[];
}

export interface CodexTrustReport {
  /** The user's Codex config, where trust is recorded. */
  file: string;
  /** Whether Codex will run qlock's hooks (their trust is recorded, now or before). */
  trusted: boolean;
  entries: CodexTrustEntry[];
}

export interface AgentInstallReport {
  action: 'install' | 'uninstall';
  agent: AgentName;
  scope: Scope;
  dir: string;
  files: AgentFileReport[];
  /** Patterns added to (install) or taken out of (uninstall) the repository's info/exclude. */
  excluded: string[];
  notes: string[];
  codexTrust?: CodexTrustReport;
}

export function parseAgent(name: string): AgentName {
  if (!isAgentName(name)) throw new UsageError(messages.unknownAgent(name));
  return name;
}

function realDir(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}

/** Where Codex looks for hooks.json, as Codex spells the path in its trust keys. */
function codexHooksSource(file: string): string {
  return path.join(realDir(path.dirname(file)), path.basename(file));
}

function codexUserConfig(env: NodeJS.ProcessEnv): string {
  return path.join(codexHome(env), 'config.toml');
}

/** The trust entries qlock's Codex hooks need, and whether the user's config already has them. */
function planCodexTrust(
  plan: ChangePlan,
  hooksFile: string,
  env: NodeJS.ProcessEnv,
  record: boolean,
): CodexTrustReport {
  const source = codexHooksSource(hooksFile);
  const hooksPlan = plan.files.find((p) => p.file === hooksFile);
  const text = hooksPlan?.next ?? '';
  const entries = text ? codexTrustEntries(source, JSON.parse(text)) : [];
  const file = codexUserConfig(env);
  let trusted = false;
  plan.editToml(file, [], (current, _mcp, userTrust) => {
    const next = { ...current, trust: { ...current.trust } };
    // qlock's old entries for this hooks.json (positions or hashes may have changed).
    for (const key of Object.keys(next.trust))
      if (key.startsWith(`${source}:`) && !entries.some((e) => e.key === key))
        delete next.trust[key];
    for (const entry of entries) {
      if (userTrust.has(entry.key)) {
        plan.notes.push(messages.codexTrustUserEntry(entry.key));
        continue;
      }
      if (record) next.trust[entry.key] = entry.hash;
    }
    trusted = entries.every((e) => next.trust[e.key] === e.hash || userTrust.has(e.key));
    return next;
  });
  return { file, trusted, entries };
}

/** Takes qlock's trust entries of one hooks.json out of the user's Codex config. */
function planCodexUntrust(plan: ChangePlan, hooksFile: string, env: NodeJS.ProcessEnv): void {
  const source = codexHooksSource(hooksFile);
  const file = codexUserConfig(env);
  if (!fs.existsSync(file)) return;
  plan.editToml(file, [], (current) => ({
    ...current,
    trust: Object.fromEntries(
      Object.entries(current.trust).filter(([key]) => !key.startsWith(`${source}:`)),
    ),
  }));
}

function report(
  action: 'install' | 'uninstall',
  options: AgentInstallOptions,
  dir: string,
  plan: ChangePlan,
): AgentInstallReport {
  return {
    action,
    agent: options.agent,
    scope: options.scope,
    dir,
    files: plan.files
      .filter((f) => f.change !== 'absent' && (f.holds.length > 0 || f.change !== 'unchanged'))
      .map((f) => ({ file: f.file, change: f.change, holds: f.holds })),
    excluded: [],
    notes: [...new Set(plan.notes)],
  };
}

/**
 * Directories qlock may remove when they are left empty: in a project, up to the worktree that
 * holds the file (`.claude/` goes, the worktree stays); in the user's home, none (the agents' own
 * directories stay).
 */
function stopAt(options: AgentInstallOptions, dir: string): (file: string) => string {
  return (file) =>
    options.scope === 'global'
      ? path.dirname(file)
      : (findProject(path.dirname(file))?.worktreeRoot ?? dir);
}

/**
 * Other worktrees of the repository that still use qlock's Codex configuration: Codex reads the
 * hooks of every linked worktree from the main checkout, so they stay while any of them does.
 */
async function otherCodexUsers(dir: string): Promise<string[]> {
  if (findProject(dir)?.kind !== 'git') return [];
  let worktrees: string[];
  try {
    worktrees = (await listWorktrees(dir)).map((w) => realDir(w.path));
  } catch {
    return [];
  }
  return worktrees.filter((w) => {
    if (w === dir) return false;
    try {
      return fs.readFileSync(path.join(w, '.codex', 'config.toml'), 'utf8').includes(TOML_BEGIN);
    } catch {
      return false;
    }
  });
}

/**
 * Claude Code, Gemini CLI and Codex CLI run the hooks of the user-level and the project-level
 * config both: qlock's hooks in both would brief the model twice and refuse each write twice.
 * The file of the other scope that already holds qlock's hooks for this agent, if any.
 */
function otherScopeHooks(agent: AgentName, scope: Scope, dir: string, env: NodeJS.ProcessEnv) {
  if (!ADAPTERS[agent].bothScopesRun) return undefined; // a workspace agent file replaces the user's
  const other: Scope = scope === 'global' ? 'project' : 'global';
  const otherDir = scope === 'global' ? findProject(dir)?.worktreeRoot : dir;
  if (!otherDir) return undefined;
  const file = hooksTarget(agent, { scope: other, dir: otherDir, env }).file;
  const ours = ourCommands(readHookFile(file)).some((c) => c.includes(`agent-hook ${agent} `));
  return ours ? { file, scope: other } : undefined;
}

/**
 * In a plain-directory session (no git, no info/exclude), the config files this install or
 * uninstall is about to write that are, until then, as the session's snapshot has them: after the
 * write they are recorded in the snapshot again, so qlock's own configs are no work of the session
 * (no overlap between two untouched agent sessions, `rm` removes an untouched one), while a
 * config the user had already changed stays the session's change.
 */
function plainSessionFiles(dir: string, plan: ChangePlan) {
  const project = findProject(dir);
  if (project?.kind !== 'dir') return undefined;
  const session = Object.values(readRegistry(project.stateDir).sessions).find(
    (s) => s.snapshot && realDir(s.path) === dir,
  );
  if (!session?.snapshot) return undefined;
  const rels = plan.files
    .map((f) => path.relative(dir, f.file))
    .filter((rel) => rel && !rel.startsWith('..') && !path.isAbsolute(rel))
    .map((rel) => rel.split(path.sep).join('/'));
  try {
    const unchanged = unchangedSinceSnapshot(project.stateDir, session.snapshot, dir, rels);
    return { stateDir: project.stateDir, snapshot: session.snapshot, rels: unchanged };
  } catch {
    return undefined; // a damaged snapshot is named by status and doctor; install goes on
  }
}

async function run(
  action: 'install' | 'uninstall',
  options: AgentInstallOptions,
  parts: Part[],
): Promise<AgentInstallReport> {
  const env = options.env ?? process.env;
  const dir = realDir(options.dir);
  const targets = agentTargets(options.agent, { scope: options.scope, dir, env });
  const plan = new ChangePlan(readInstallRecords(env));
  let trust: CodexTrustReport | undefined;
  if (action === 'install') {
    plan.install(targets, parts);
    const twice = parts.includes('hooks')
      ? otherScopeHooks(options.agent, options.scope, dir, env)
      : undefined;
    if (twice) plan.notes.push(messages.agentHooksTwice(options.agent, twice.file, twice.scope));
    if (ADAPTERS[options.agent].trustStep && parts.includes('hooks'))
      trust = planCodexTrust(
        plan,
        hooksTarget(options.agent, { ...options, dir, env }).file,
        env,
        options.trust === true,
      );
  } else {
    let uninstallParts = parts;
    // Codex reads every worktree's hooks from the main checkout: shared, so kept while in use.
    if (options.agent === 'codex' && options.scope === 'project' && parts.includes('hooks')) {
      const users = await otherCodexUsers(dir);
      if (users.length) {
        uninstallParts = parts.filter((p) => p !== 'hooks');
        plan.notes.push(messages.codexHooksShared(users));
      }
    }
    plan.uninstall(targets, uninstallParts);
    if (ADAPTERS[options.agent].trustStep && uninstallParts.includes('hooks'))
      planCodexUntrust(plan, hooksTarget(options.agent, { ...options, dir, env }).file, env);
  }
  const own = options.scope === 'project' ? plainSessionFiles(dir, plan) : undefined;
  plan.commit(stopAt(options, dir));
  if (own) await recordInSnapshot(own.stateDir, own.snapshot, dir, own.rels);
  await updateInstallRecords(env, plan.records);
  const result = report(action, options, dir, plan);
  if (trust) result.codexTrust = trust;
  if (options.scope === 'project') {
    const changed = (c: Change) => plan.files.filter((f) => f.change === c).map((f) => f.file);
    result.excluded =
      action === 'install'
        ? await excludeCreated(changed('created'))
        : await unexcludeRemoved(changed('deleted'));
    if (action === 'install')
      for (const file of await trackedAmong(changed('updated')))
        result.notes.push(messages.agentConfigTracked(file));
  }
  return result;
}

export function installAgent(options: AgentInstallOptions): Promise<AgentInstallReport> {
  return run('install', options, ['hooks', 'mcp']);
}

export function uninstallAgent(options: AgentInstallOptions): Promise<AgentInstallReport> {
  return run('uninstall', options, ['hooks', 'mcp']);
}

/** Registers only qlock's MCP server (`qlock mcp`) in the agent's config. */
export function registerMcpServer(options: AgentInstallOptions): Promise<AgentInstallReport> {
  return run('install', options, ['mcp']);
}

/** Removes only qlock's MCP server entry from the agent's config. */
export function unregisterMcpServer(options: AgentInstallOptions): Promise<AgentInstallReport> {
  return run('uninstall', options, ['mcp']);
}

/** The snippet a user adds to Codex's config.toml to trust qlock's hooks by hand. */
export function codexTrustSnippet(entries: CodexTrustEntry[]): string {
  return entriesToml({ trust: Object.fromEntries(entries.map((e) => [e.key, e.hash])) });
}

/** `qlock init --agent <name>`: project-level hooks in the worktree init runs in. */
export async function installAgentForInit(
  agent: string,
  project: Project,
  ctx: Context,
): Promise<AgentInstallReport> {
  return installAgent({
    agent: parseAgent(agent),
    scope: 'project',
    dir: project.worktreeRoot,
    env: ctx.env,
  });
}

/** `qlock new NAME --agent <name>`: project-level hooks in the new session's worktree. */
export async function installAgentForSession(
  agent: string,
  session: Session,
  ctx: Context,
): Promise<AgentInstallReport> {
  return installAgent({
    agent: parseAgent(agent),
    scope: 'project',
    dir: session.path,
    env: ctx.env,
  });
}

/** Reads qlock's hook commands in an agent's hook file (doctor; comments are fine to read). */
export function readHookFile(file: string): unknown {
  try {
    return readJsonConfig(file, { comments: true }).value;
  } catch {
    return undefined;
  }
}
