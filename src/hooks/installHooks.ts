import fs from 'node:fs';
import path from 'node:path';

import { QlockError } from '../errors.js';
import { listWorktrees } from '../git/repo.js';
import { baseBranches, basesFile, writeBaseRefs } from '../project/baseRefs.js';
import type { Project } from '../project/findProject.js';
import { loadConfig } from '../project/loadConfig.js';
import { readRegistry } from '../store/registry.js';
import { hookMessages } from '../ui/messages/hooks.js';
import { factsFiles } from './gitFacts.js';
import {
  checkInstallable,
  type HookFileTarget,
  type InstallChange,
  installHookFile,
  type UninstallChange,
  uninstallHookFile,
} from './hookFile.js';
import { hookFilePath, type HookLocation, hookLocation, type HookMode } from './hookLocation.js';
import { GIT_HOOKS, type HookSpec } from './hookTable.js';
import { type ManifestEntry, readManifest, writeManifest } from './manifest.js';
import { currentRunnerTarget, hooksStateDir, runnerPath, writeRunner } from './runner.js';

/**
 * `qlock hooks install` / `uninstall`: the marked block into every hook of the table, in the
 * place git really runs hooks from (see hookLocation.ts), and the runner into the state dir.
 * Installing twice is the same as once; uninstall restores every file byte for byte.
 */

export interface HooksReport {
  action: 'install' | 'uninstall';
  mode: HookMode;
  /** Where the hook files are. */
  dir: string;
  hooksPath?: string;
  /** The runner (install). */
  runner?: string;
  files: { hook: string; file: string; change: InstallChange | UninstallChange }[];
  notes: string[];
}

export interface InstallOptions {
  /** The hooks to install (tests add rows; default: GIT_HOOKS). */
  table?: Readonly<Record<string, HookSpec>>;
  /** The node and bin/qlock.js the runner records (default: the running qlock's). */
  target?: { node: string; bin: string };
  /**
   * Install into a machine-wide core.hooksPath (see HookLocation.machineWide) / uninstall: take
   * the blocks out of it too, though other projects may use them.
   */
  force?: boolean;
}

/**
 * A machine-wide hooks directory this project has not installed into yet: qlock does not write
 * there unless forced (returned so that init can go on without hooks and say why).
 */
export async function machineWideHooksDir(project: Project): Promise<HookLocation | undefined> {
  if (project.kind !== 'git') return undefined;
  const location = await hookLocation(project.worktreeRoot);
  if (!location.machineWide) return undefined;
  const ours = readManifest(project.stateDir).entries.some(
    (e) => path.dirname(e.file) === location.dir,
  );
  return ours ? undefined : location;
}

function requireGit(project: Project): void {
  if (project.kind !== 'git') throw new QlockError(hookMessages.hooksNeedGit(project.root));
}

export async function installHooks(
  project: Project,
  options: InstallOptions = {},
): Promise<HooksReport> {
  requireGit(project);
  const table = options.table ?? GIT_HOOKS;
  if (!options.force) {
    const shared = await machineWideHooksDir(project);
    if (shared)
      throw new QlockError(hookMessages.hooksDirMachineWide(shared.dir, shared.scope ?? 'global'));
  }
  const location = await hookLocation(project.worktreeRoot);
  const husky = location.mode === 'husky';
  const targets: HookFileTarget[] = Object.entries(table).map(([hook, spec]) => ({
    hook,
    file: hookFilePath(location, hook, spec),
    stdin: spec.stdin,
    husky: husky && !spec.direct,
    refs: spec.filter === 'refs',
  }));
  // Everything that could refuse is checked before anything changes.
  checkHooksDir(location.dir);
  for (const target of targets) checkInstallable(target);

  const { stateDir } = project;
  const { config } = await loadConfig(project.root, stateDir);
  const manifest = readManifest(stateDir);
  const report: HooksReport = {
    action: 'install',
    mode: location.mode,
    dir: location.dir,
    ...(location.hooksPath ? { hooksPath: location.hooksPath } : {}),
    runner: runnerPath(stateDir),
    files: [],
    notes: [],
  };

  // The runner first: a block written before it would just skip.
  fs.mkdirSync(hooksStateDir(stateDir), { recursive: true });
  writeRunner(
    stateDir,
    { ...(options.target ?? currentRunnerTarget()), failClosed: config.failClosed },
    table,
  );
  await refreshBases(project, config);

  // An earlier install somewhere git no longer runs hooks from (husky added since, hooksPath
  // changed): take it out there. Another worktree's own copy (a relative hooksPath, husky's
  // tracked .husky/) is still where that worktree runs its hooks: it stays.
  const wanted = new Set(targets.map((t) => t.file));
  const live = await liveHookDirs(project, location.dir);
  const obsolete = (e: ManifestEntry) => !wanted.has(e.file) && !live.has(path.dirname(e.file));
  for (const entry of manifest.entries.filter(obsolete)) {
    report.files.push({
      hook: entry.hook,
      file: entry.file,
      change: uninstallHookFile(entry.file, entry),
    });
  }
  manifest.entries = manifest.entries.filter((e) => !obsolete(e));

  if (!fs.existsSync(location.dir)) {
    const created = fs.mkdirSync(location.dir, { recursive: true });
    if (created) manifest.createdDirs.push(created);
  }
  for (const target of targets) {
    const previous = manifest.entries.find((e) => e.file === target.file);
    const { change, entry } = installHookFile(target, previous);
    manifest.entries = manifest.entries.filter((e) => e.file !== target.file);
    manifest.entries.push(entry);
    report.files.push({ hook: target.hook, file: target.file, change });
    writeManifest(stateDir, manifest); // after every file: a crash midway still uninstalls exactly
  }

  if (husky) {
    report.notes.push(
      hookMessages.noteHuskyTracked(path.relative(project.worktreeRoot, location.dir)),
    );
    if (!fs.existsSync(path.join(location.gitHooksDir, 'h')))
      report.notes.push(hookMessages.noteHuskyMissing(project.worktreeRoot));
  } else if (location.perWorktree) {
    report.notes.push(hookMessages.noteRelativeHooksPath(location.hooksPath!));
  } else if (location.machineWide) {
    report.notes.push(hookMessages.noteMachineWide(location.dir, location.scope ?? 'global'));
  }
  return report;
}

/** Refuses a hooks directory that is a file (core.hooksPath pointing at one). */
function checkHooksDir(dir: string): void {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(dir);
  } catch {
    return; // missing: install creates it (git already refused a path below a file)
  }
  if (!stat.isDirectory()) throw new QlockError(hookMessages.hooksDirNotDir(dir));
}

/** The hook directories qlock edits for every worktree of the repository, as git resolves them. */
async function liveHookDirs(project: Project, here: string): Promise<Set<string>> {
  const dirs = new Set([here]);
  const worktrees = await listWorktrees(project.worktreeRoot).catch(() => []);
  const locations = await Promise.all(
    worktrees
      .filter((w) => !w.bare && fs.existsSync(w.path))
      .map((w) => hookLocation(w.path).catch(() => undefined)),
  );
  for (const l of locations) if (l) dirs.add(l.dir);
  return dirs;
}

async function refreshBases(
  project: Project,
  config: Awaited<ReturnType<typeof loadConfig>>['config'],
): Promise<void> {
  try {
    const registry = readRegistry(project.stateDir);
    writeBaseRefs(project.stateDir, await baseBranches({ project, config }, registry));
  } catch {
    // no base yet (an empty repository): the runner then lets node decide on every run
  }
}

export async function uninstallHooks(
  project: Project,
  options: Pick<InstallOptions, 'table' | 'force'> = {},
): Promise<HooksReport> {
  requireGit(project);
  const table = options.table ?? GIT_HOOKS;
  const location = await hookLocation(project.worktreeRoot);
  const { stateDir } = project;
  const manifest = readManifest(stateDir);
  const report: HooksReport = {
    action: 'uninstall',
    mode: location.mode,
    dir: location.dir,
    ...(location.hooksPath ? { hooksPath: location.hooksPath } : {}),
    files: [],
    notes: [],
  };
  // A machine-wide hooks directory: every qlock project on the machine runs the same blocks from
  // there, each through its own runner. Taking them out would switch the others off; without this
  // project's runner they do nothing here. Kept (with their records, for an exact later removal)
  // unless forced.
  const keepShared = location.machineWide && !options.force;
  const kept = (file: string) => keepShared && path.dirname(file) === location.dir;
  const files = new Map<string, string>();
  for (const entry of manifest.entries) files.set(entry.file, entry.hook);
  for (const [hook, spec] of Object.entries(table))
    files.set(hookFilePath(location, hook, spec), hook);
  for (const [file, hook] of files) {
    if (kept(file)) continue;
    const entry = manifest.entries.find((e) => e.file === file);
    const change = uninstallHookFile(file, entry);
    if (change !== 'absent') report.files.push({ hook, file, change });
  }
  for (const dir of [...manifest.createdDirs].sort((a, b) => b.length - a.length)) {
    if (!(keepShared && dir === location.dir)) removeEmptyDirs(dir);
  }
  for (const file of [runnerPath(stateDir), basesFile(stateDir), ...factsFiles(stateDir)])
    fs.rmSync(file, { force: true });
  const keptEntries = manifest.entries.filter((e) => kept(e.file));
  writeManifest(stateDir, {
    version: 1,
    entries: keptEntries,
    createdDirs: keptEntries.length ? manifest.createdDirs.filter((d) => d === location.dir) : [],
  });
  if (keptEntries.length)
    report.notes.push(hookMessages.noteMachineWideKept(location.dir, location.scope ?? 'global'));
  removeEmptyDirs(hooksStateDir(stateDir));
  if (location.mode === 'husky' && report.files.length)
    report.notes.push(
      hookMessages.noteHuskyUninstalled(path.relative(project.worktreeRoot, location.dir)),
    );
  return report;
}

/** Removes `dir` and the empty directories below it; keeps anything that holds a file. */
function removeEmptyDirs(dir: string): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) if (e.isDirectory()) removeEmptyDirs(path.join(dir, e.name));
  try {
    fs.rmdirSync(dir);
  } catch {
    // not empty: keep it
  }
}
