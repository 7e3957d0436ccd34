import fs from 'node:fs';
import path from 'node:path';

import { listFiles } from '../changes/snapshot.js';
import type { Context } from '../context.js';
import { QlockError, UsageError } from '../errors.js';
import { addWorktree, deleteBranch, isValidBranchName, removeWorktree } from '../git/branches.js';
import { cleanGitEnv } from '../git/exec.js';
import { branchExists, resolveCommit } from '../git/repo.js';
import { POINTER_FILE, type Project, realpathOrSelf } from '../project/findProject.js';
import { openWorkspace, resolveBase } from '../project/openWorkspace.js';
import {
  clearPendingNew,
  interruptedNews,
  undoInterruptedNew,
  writePendingNew,
} from '../sessions/interruptedNew.js';
import { checkCanRegister, checkSessionDir, registerSession } from '../sessions/registerSession.js';
import { validateSessionName } from '../sessions/sessionName.js';
import { worktreePath } from '../sessions/worktreePath.js';
import { withWorktreeMutex } from '../store/mutex.js';
import type { Session } from '../store/types.js';
import { messages } from '../ui/messages.js';
import { shellArg } from '../ui/messages/locks.js';
import { type AgentResult, renderAgent } from './agent.js';

export interface NewOptions {
  name: string;
  base?: string;
  dir?: string;
  branch?: string;
  copy?: boolean;
  agent?: string[];
}

export interface NewResult {
  session: Session;
  agents?: unknown[];
  /** Things the user should know, e.g. that the project was never set up with `qlock init`. */
  notes?: string[];
}

/** A target that exists and is not an empty directory (a file counts: nothing can go there). */
function isOccupied(dir: string): boolean {
  try {
    return !fs.statSync(dir).isDirectory() || fs.readdirSync(dir).length > 0;
  } catch {
    return false;
  }
}

/** Undoes what an interrupted `qlock new NAME` left behind; refuses when that would lose work. */
async function recoverInterrupted(project: Project, name: string): Promise<string[]> {
  const record = interruptedNews(project.stateDir).find((r) => r.name === name);
  if (!record) return [];
  const { removed, kept } = await undoInterruptedNew(project.root, project.stateDir, record);
  if (kept.length) throw new QlockError(messages.newInterruptedKept(name, record.dir, kept));
  return [messages.newInterruptedCleaned(name, removed)];
}

/**
 * Creates a session: a git worktree on a new branch from base (or, without git, a copy of the
 * tree) and registers it. Everything is checked before anything is created.
 */
export async function newSession(options: NewOptions, ctx: Context): Promise<NewResult> {
  const name = validateSessionName(options.name);
  if (options.agent?.length) {
    // A misspelt --agent must fail before the worktree exists, not after.
    const { parseAgent } = await import('../agents/installAgent.js');
    for (const agent of options.agent) parseAgent(agent);
  }
  const ws = await openWorkspace(ctx);
  const { project, config } = ws;
  checkCanRegister(project, config, name);
  const dir = options.dir
    ? path.resolve(ctx.cwd, options.dir)
    : worktreePath(config.worktreeDir, project, name);
  checkSessionDir(project, dir);
  const notes: string[] = [];
  // A `qlock new NAME` killed midway left a branch or worktree: clean it up if that loses nothing.
  if (project.kind === 'git') notes.push(...(await recoverInterrupted(project, name)));
  if (isOccupied(dir)) throw new QlockError(messages.dirNotEmpty(dir));

  let session: Session;
  if (project.kind === 'git') {
    if (options.copy) throw new UsageError(messages.copyInGit());
    const base = options.base ?? (await resolveBase(ws));
    const baseTip = await resolveCommit(project.root, base);
    if (!baseTip) {
      const anyCommit = await resolveCommit(project.root, 'HEAD');
      if (!anyCommit) throw new QlockError(messages.noCommits());
      // --base naming nothing is a bad argument (exit 2); a bad configured base is not.
      throw options.base
        ? new UsageError(messages.unknownBase(base))
        : new QlockError(messages.unknownBase(base));
    }
    const branch = options.branch ?? `${config.branchPrefix}${name}`;
    if (!(await isValidBranchName(project.root, branch)))
      throw new UsageError(messages.badBranchName(branch));
    const reuse = await branchExists(project.root, branch);
    if (reuse && !options.branch) throw new QlockError(messages.branchExists(branch));
    // QLOCK=0: our own post-checkout hook must not auto-join this worktree under another name.
    const env = { ...cleanGitEnv(), QLOCK: '0' };
    writePendingNew(project.stateDir, {
      name,
      dir,
      branch,
      createdBranch: !reuse,
      baseTip,
      pid: process.pid,
      startedAt: ctx.now().toISOString(),
    });
    try {
      await withWorktreeMutex(project.stateDir, () =>
        addWorktree(project.root, dir, branch, { env, ...(reuse ? {} : { from: base }) }),
      );
    } catch (error) {
      clearPendingNew(project.stateDir, name);
      // `worktree add -b` creates the branch before it fails on the directory: remove it again.
      if (!reuse && (await resolveCommit(project.root, `refs/heads/${branch}`)) === baseTip)
        await deleteBranch(project.root, branch);
      throw error;
    }
    const realDir = realpathOrSelf(dir);
    try {
      ({ session } = await registerSession(
        project,
        config,
        { name, path: realDir, kind: 'worktree', branch, base, baseTip },
        ctx.now(),
      ));
    } catch (error) {
      // Registration refused (a race for the name or the last slot): undo the worktree we made.
      await withWorktreeMutex(project.stateDir, () =>
        removeWorktree(project.root, realDir, { force: true }),
      );
      if (!reuse) await deleteBranch(project.root, branch);
      clearPendingNew(project.stateDir, name);
      throw error;
    }
    clearPendingNew(project.stateDir, name);
  } else {
    if (!options.copy) throw new UsageError(messages.copyNeeded());
    const existed = fs.existsSync(dir);
    // Undo a half-made copy (a copy error, a refused registration): nothing may be left behind.
    const undo = () => {
      if (existed)
        for (const n of fs.readdirSync(dir))
          fs.rmSync(path.join(dir, n), { recursive: true, force: true });
      else fs.rmSync(dir, { recursive: true, force: true });
    };
    try {
      fs.mkdirSync(dir, { recursive: true });
      const copied = listFiles(project.root, config.ignore);
      // Say what was left out: the copy has no ignored files, no node_modules.
      const leftOut = listFiles(project.root).length - copied.length;
      const modules = fs.existsSync(path.join(project.root, 'node_modules'));
      if (leftOut > 0 || modules) notes.push(messages.copyLeftOut(leftOut, modules));
      for (const rel of copied) {
        const target = path.join(dir, rel);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.cpSync(path.join(project.root, rel), target, { verbatimSymlinks: true });
      }
      fs.writeFileSync(
        path.join(dir, POINTER_FILE),
        JSON.stringify({ stateDir: project.stateDir }) + '\n',
      );
    } catch (error) {
      undo();
      throw error;
    }
    const realDir = realpathOrSelf(dir);
    try {
      ({ session } = await registerSession(
        project,
        config,
        { name, path: realDir, kind: 'copy', base: 'snapshot' },
        ctx.now(),
      ));
    } catch (error) {
      undo();
      throw error;
    }
  }
  const result: NewResult = { session };
  if (notes.length) result.notes = notes;
  if (project.kind === 'git') {
    // Hooks that live per worktree (husky's untracked .husky/_): make them run in the new one.
    const { prepareWorktreeHooks } = await import('../hooks/worktreeHooks.js');
    const hookNotes = await prepareWorktreeHooks(project, session.path);
    if (hookNotes.length) result.notes = [...(result.notes ?? []), ...hookNotes];
    // `qlock new` works without `qlock init`, but then no git hook checks the commits.
    const { runnerPath } = await import('../project/hookPaths.js');
    const { hooksDeclined } = await import('../doctor/hooksChoice.js');
    if (!fs.existsSync(runnerPath(project.stateDir)) && !hooksDeclined(project.stateDir))
      result.notes = [...(result.notes ?? []), messages.newWithoutHooks()];
  }
  if (options.agent?.length) {
    const { installAgentForSession } = await import('../agents/installAgent.js');
    // Remembered so that `qlock doctor` notices if these hooks disappear later.
    const { recordAgentInstall } = await import('../doctor/agentRecords.js');
    result.agents = [];
    for (const agent of options.agent) {
      const report = await installAgentForSession(agent, session, ctx);
      recordAgentInstall(project.stateDir, report);
      result.agents.push(report);
    }
  }
  return result;
}

export function renderNew(result: NewResult): string {
  const s = result.session;
  const lines = [
    `Created session "${s.name}" at ${s.path}${s.branch ? ` (branch ${s.branch} from ${s.base})` : ''}.`,
    '',
    'Start an agent there, for example:',
    // Shell-quoted, not JSON-quoted: "$", "`" and "\\" stay literal in the pasted command.
    `  cd ${shellArg(s.path)} && claude      # or: q chat, kiro-cli chat, gemini, codex`,
  ];
  // What --agent installed, and what is still to do (Codex: trust its hooks).
  for (const report of (result.agents ?? []) as AgentResult[]) lines.push('', renderAgent(report));
  for (const note of result.notes ?? []) lines.push('', note);
  return lines.join('\n');
}
