import fs from 'node:fs';
import path from 'node:path';

import { listFiles } from '../changes/snapshot.js';
import type { Context } from '../context.js';
import { QlockError, UsageError } from '../errors.js';
import { cleanGitEnv, git } from '../git/exec.js';
import { branchExists, resolveCommit } from '../git/repo.js';
import { POINTER_FILE, realpathOrSelf } from '../project/findProject.js';
import { openWorkspace, resolveBase } from '../project/openWorkspace.js';
import { checkCanRegister, registerSession } from '../sessions/registerSession.js';
import { validateSessionName } from '../sessions/sessionName.js';
import { worktreePath } from '../sessions/worktreePath.js';
import type { Session } from '../store/types.js';
import { messages } from '../ui/messages.js';

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
}

function isNonEmptyDir(dir: string): boolean {
  try {
    return fs.readdirSync(dir).length > 0;
  } catch {
    return false;
  }
}

/**
 * Creates a session: a git worktree on a new branch from base (or, without git, a copy of the
 * tree) and registers it. Everything is checked before anything is created.
 */
export async function newSession(options: NewOptions, ctx: Context): Promise<NewResult> {
  const name = validateSessionName(options.name);
  const ws = await openWorkspace(ctx);
  const { project, config } = ws;
  checkCanRegister(project, config, name);
  const dir = options.dir
    ? path.resolve(ctx.cwd, options.dir)
    : worktreePath(config.worktreeDir, project, name);
  if (isNonEmptyDir(dir)) throw new QlockError(messages.dirNotEmpty(dir));

  let session: Session;
  if (project.kind === 'git') {
    if (options.copy) throw new UsageError(messages.copyInGit());
    const base = options.base ?? (await resolveBase(ws));
    const baseTip = await resolveCommit(project.root, base);
    if (!baseTip) {
      const anyCommit = await resolveCommit(project.root, 'HEAD');
      throw new QlockError(anyCommit ? messages.unknownBase(base) : messages.noCommits());
    }
    const branch = options.branch ?? `${config.branchPrefix}${name}`;
    const reuse = await branchExists(project.root, branch);
    if (reuse && !options.branch) throw new QlockError(messages.branchExists(branch));
    // QLOCK=0: our own post-checkout hook must not auto-join this worktree under another name.
    const env = { ...cleanGitEnv(), QLOCK: '0' };
    const args = reuse
      ? ['worktree', 'add', dir, branch]
      : ['worktree', 'add', '-b', branch, dir, base];
    await git(args, { cwd: project.root, env });
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
      await git(['worktree', 'remove', '--force', realDir], {
        cwd: project.root,
        okCodes: [0, 128],
      });
      if (!reuse) await git(['branch', '-D', branch], { cwd: project.root, okCodes: [0, 1] });
      throw error;
    }
  } else {
    if (!options.copy) throw new UsageError(messages.copyNeeded());
    fs.mkdirSync(dir, { recursive: true });
    for (const rel of listFiles(project.root, config.ignore)) {
      const target = path.join(dir, rel);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.cpSync(path.join(project.root, rel), target, { verbatimSymlinks: true });
    }
    fs.writeFileSync(
      path.join(dir, POINTER_FILE),
      JSON.stringify({ stateDir: project.stateDir }) + '\n',
    );
    const realDir = realpathOrSelf(dir);
    try {
      ({ session } = await registerSession(
        project,
        config,
        { name, path: realDir, kind: 'copy', base: 'snapshot' },
        ctx.now(),
      ));
    } catch (error) {
      fs.rmSync(realDir, { recursive: true, force: true });
      throw error;
    }
  }
  const result: NewResult = { session };
  if (options.agent?.length) {
    const { installAgentForSession } = await import('../agents/installAgent.js');
    result.agents = [];
    for (const agent of options.agent)
      result.agents.push(await installAgentForSession(agent, session, ctx));
  }
  return result;
}

export function renderNew(result: NewResult): string {
  const s = result.session;
  const lines = [
    `Created session "${s.name}" at ${s.path}${s.branch ? ` (branch ${s.branch} from ${s.base})` : ''}.`,
    '',
    'Start an agent there, for example:',
    `  cd ${JSON.stringify(s.path)} && claude      # or: q chat, kiro-cli chat, gemini, codex`,
  ];
  return lines.join('\n');
}
