/**
 * The fast path for hot commands: git hooks, agent hooks, lock/unlock and the prompt segment run
 * inside `git commit`, the agent's tool loop and every shell prompt, and status is run all the
 * time with a tight budget, so they skip commander.
 *
 * Each handler parses its own arguments strictly and returns undefined for anything it does not
 * handle (help, a typo, an unknown option): the full CLI then takes over and reports it the usual
 * way. So the fast path can never give a different answer, only a quicker one.
 */
type FastHandler = (args: string[]) => Promise<number | undefined>;

const HANDLERS: Record<string, () => Promise<{ runFast: FastHandler }>> = {
  hook: () => import('./fast/hook.js'),
  'agent-hook': () => import('./fast/agentHook.js'),
  lock: () => import('./fast/lock.js'),
  unlock: () => import('./fast/lock.js'),
  prompt: () => import('./fast/prompt.js'),
  status: () => import('./fast/status.js'),
};

export async function runFast(argv: string[]): Promise<number | undefined> {
  const [command] = argv;
  if (!command || argv.includes('--help') || argv.includes('-h')) return undefined;
  const load = HANDLERS[command];
  if (!load) return undefined;
  const { runFast: handler } = await load();
  return handler(argv);
}
