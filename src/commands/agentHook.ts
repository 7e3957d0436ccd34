import { parseHookEvent } from '../agents/adapters/index.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { isAgentName } from '../project/agentNames.js';
import { agentMessages as messages } from '../ui/messages/agents.js';

export interface AgentHookOptions {
  agent: string;
  event: string;
}

/**
 * `qlock agent-hook <agent> <event>`, a hot command (src/cli/commandTable.ts). Output goes straight
 * to stdout/stderr in the form the agent reads; the result only carries the exit code.
 */
export async function agentHook(
  options: AgentHookOptions,
  ctx: Context,
): Promise<{ exitCode: number }> {
  if (!isAgentName(options.agent)) throw new UsageError(messages.unknownAgent(options.agent));
  const event = parseHookEvent(options.agent, options.event);
  if (!event) throw new UsageError(messages.unknownHookEvent(options.event));
  const { runHookProcess } = await import('../agents/hookProcess.js');
  return { exitCode: await runHookProcess(options.agent, event, ctx.env, ctx.cwd) };
}
