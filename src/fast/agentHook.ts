import { parseHookEvent } from '../agents/adapters/index.js';
import { isAgentName } from '../project/agentNames.js';

/**
 * The fast path of `qlock agent-hook <agent> <event>` (see src/fastPath.ts): it runs inside the
 * agent's tool loop before every write, so it skips commander. Anything but exactly a known agent
 * and event (an option, a typo, a missing argument) returns undefined and the full CLI reports it.
 */
export async function runFast(argv: string[]): Promise<number | undefined> {
  const [command, agent, event, ...rest] = argv;
  if (command !== 'agent-hook' || !agent || !event || rest.length) return undefined;
  if (!isAgentName(agent)) return undefined;
  const hookEvent = parseHookEvent(agent, event);
  if (!hookEvent) return undefined;
  const { runHookProcess } = await import('../agents/hookProcess.js');
  return runHookProcess(agent, hookEvent);
}
