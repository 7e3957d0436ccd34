import { defaultContext } from '../context.js';
import { GIT_HOOKS } from '../hooks/hookTable.js';
import { directOutput } from '../ui/stdio.js';

/**
 * Fast path for `qlock hook <git-hook> [args...]`, the call every installed git hook makes: no
 * commander, no global options (the hook's arguments are passed through untouched). A name qlock
 * does not handle goes to the full CLI, which reports it, except under the runner: a hook block
 * left by another qlock version must never stop a commit.
 */
export async function runFast(argv: string[]): Promise<number | undefined> {
  const [command, name, ...args] = argv;
  if (command !== 'hook' || !name || name.startsWith('-')) return undefined;
  if (!Object.hasOwn(GIT_HOOKS, name)) return process.env.QLOCK_HOOK_RUNNER === '1' ? 0 : undefined;
  // The handler's modules load while the dispatcher's do (one round of file reads, not two);
  // runGitHook awaits the same import and reports its failure.
  GIT_HOOKS[name]!.load().catch(() => undefined);
  const { runGitHook } = await import('../hooks/runGitHook.js');
  return runGitHook(name, args, defaultContext(directOutput));
}
