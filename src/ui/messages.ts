/**
 * Every user-facing string lives under src/ui/messages/, one file per area, gathered here.
 * Each message names the file, the session or the lock involved, and the command to continue.
 */
import { agentMessages } from './messages/agents.js';
import { conflictMessages } from './messages/conflicts.js';
import { coreMessages } from './messages/core.js';
import { hookMessages } from './messages/hooks.js';
import { landMessages } from './messages/land.js';
import { lockMessages } from './messages/locks.js';
import { newcomerMessages } from './messages/newcomer.js';
import { sharedMessages } from './messages/shared.js';
import { watchMessages } from './messages/watch.js';

export const messages = {
  ...coreMessages,
  ...lockMessages,
  ...hookMessages,
  ...conflictMessages,
  ...watchMessages,
  ...agentMessages,
  ...sharedMessages,
  ...newcomerMessages,
  ...landMessages,
};
