import fs from 'node:fs';

import type { Context } from '../context.js';
import { baseBranches, writeBaseRefs } from '../project/baseRefs.js';
import { findProject } from '../project/findProject.js';
import { loadHookConfig } from '../project/hookConfig.js';
import type { Workspace } from '../project/openWorkspace.js';
import { sessionForPath } from '../sessions/resolveSession.js';
import { readRegistry } from '../store/readRegistry.js';
import type { Registry } from '../store/types.js';
import { createDebug } from '../ui/debug.js';
import { hookMessages } from '../ui/messages/hooks.js';
import { GIT_HOOKS } from './hookTable.js';
import { BLOCK_EXIT } from './hookTypes.js';

const debug = createDebug('hooks');

/**
 * `qlock hook <name> [args...]`: runs one git hook's handler and returns the exit status. It never
 * throws: a failure inside qlock lets the git operation go ahead with a one-line warning (fail
 * open), or blocks it when `failClosed` is set and the hook is one that can block. Called by the
 * `hook` command (src/commands/hook.ts), on the light way in or through commander.
 *
 * Exit status: 0 = go ahead; a block is 1, or BLOCK_EXIT under the runner (QLOCK_HOOK_RUNNER=1),
 * which tells a decision from a crash that way.
 */
export async function runGitHook(name: string, args: string[], ctx: Context): Promise<number> {
  const spec = GIT_HOOKS[name];
  if (!spec || ctx.env.QLOCK === '0') return 0;
  // `qlock doctor`'s probe (see probeHooks.ts): say that this hook ran, and nothing else.
  if (ctx.env.QLOCK_PROBE) {
    fs.appendFileSync(ctx.env.QLOCK_PROBE, `${name}\n`);
    return 0;
  }
  const blockCode = ctx.env.QLOCK_HOOK_RUNNER === '1' ? BLOCK_EXIT : 1;
  // Until the config is read, the runner's recorded setting is the best guess.
  let failClosed = ctx.env.QLOCK_HOOK_FAIL_CLOSED === '1' && !spec.failOpen;
  try {
    const project = findProject(ctx.cwd);
    // Not a qlock project (hooks installed by hand, the state dir removed): nothing to check.
    if (!project || project.kind !== 'git' || !fs.existsSync(project.stateDir)) return 0;
    // A config file that cannot be used never switches enforcement off (see hookConfig.ts); it
    // is named once per git command: post-commit follows a pre-commit that said it already.
    const { config, file, problem } = await loadHookConfig(project.root, project.stateDir);
    if (problem && name !== 'post-commit' && name !== 'reference-transaction') ctx.err(problem);
    failClosed = config.failClosed && !spec.failOpen;
    await refreshRunner(project.stateDir, config.failClosed, ctx.env).catch((error: Error) =>
      debug(`could not refresh the runner: ${error.message}`),
    );
    const ws: Workspace = { project, config, ...(file ? { configFile: file } : {}) };
    const registry = readRegistry(project.stateDir);
    const now = ctx.now();

    const { handle } = await spec.load();
    const outcome = await handle({ ws, registry, args, ctx, now });
    for (const line of outcome.lines) ctx.err(line);
    await upkeep(ws, registry, now).catch((error: Error) =>
      debug(`upkeep after ${name} failed: ${error.message}`),
    );
    debug(`${name}: ${outcome.block ? 'block' : 'ok'}`);
    return outcome.block && spec.mayBlock ? blockCode : 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    debug(`${name} failed: ${error instanceof Error ? error.stack : message}`);
    const reason = message.split('\n')[0] ?? 'unknown error';
    if (spec.mayBlock && failClosed) {
      ctx.err(hookMessages.hookFailedClosed(name, reason));
      return blockCode;
    }
    ctx.err(hookMessages.hookFailedOpen(name, reason));
    return 0;
  }
}

/**
 * Cheap bookkeeping after the decision: the session's lastSeen (rarely written) and the list of
 * base refs the runner filters on.
 */
async function upkeep(ws: Workspace, registry: Registry, now: Date): Promise<void> {
  const { project } = ws;
  const session = sessionForPath(registry, project.worktreeRoot);
  // touchSession writes at most every 30 s (TOUCH_INTERVAL_MS); checking first spares loading the
  // registry writer and proper-lockfile on most runs.
  if (session && now.getTime() - Date.parse(session.lastSeen) >= 30_000) {
    const { touchSession } = await import('../sessions/touchSession.js');
    await touchSession(project.stateDir, session.name, now);
  }
  writeBaseRefs(project.stateDir, await baseBranches(ws, registry));
}

/**
 * The runner records failClosed for the cases where qlock cannot run at all; when the config says
 * otherwise now, or the runner had to fall back to `qlock` on PATH (its recorded node or bin is
 * gone), it is rewritten with the running qlock. Checked on every run (two env lookups).
 */
async function refreshRunner(
  stateDir: string,
  failClosed: boolean,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  if (env.QLOCK_HOOK_RUNNER !== '1') return;
  if ((env.QLOCK_HOOK_FAIL_CLOSED === '1') === failClosed && env.QLOCK_HOOK_FALLBACK !== '1')
    return;
  const { currentRunnerTarget, runnerPath, writeRunner } = await import('./runner.js');
  if (!fs.existsSync(runnerPath(stateDir))) return;
  writeRunner(stateDir, { ...currentRunnerTarget(), failClosed });
}
