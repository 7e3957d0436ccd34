/** Messages of the agents area (see src/ui/messages.ts). */
export const agentMessages = {};
