import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { GIT_HOOKS, hookNames } from '../hooks/hookTable.js';
import { runGitHook } from '../hooks/runGitHook.js';
import { hookMessages } from '../ui/messages/hooks.js';

export interface HookOptions {
  name: string;
  args?: string[];
}

export interface HookResult {
  hook: string;
  /** 0: go ahead; 1 (BLOCK_EXIT under the runner): the hook blocks. */
  exitCode: number;
}

/**
 * `qlock hook <git-hook> [args...]`, a hot command (src/cli/commandTable.ts): the call every
 * installed git hook makes. A name qlock does not handle is a usage error, except under the
 * runner: a hook block left by another qlock version must never stop a commit. The handler's
 * messages go to stderr; the result only sets the exit code.
 */
export async function hook(options: HookOptions, ctx: Context): Promise<HookResult> {
  const { name } = options;
  if (!Object.hasOwn(GIT_HOOKS, name)) {
    if (ctx.env.QLOCK_HOOK_RUNNER === '1') return { hook: name, exitCode: 0 };
    throw new UsageError(hookMessages.unknownHook(name, hookNames()));
  }
  return { hook: name, exitCode: await runGitHook(name, options.args ?? [], ctx) };
}
