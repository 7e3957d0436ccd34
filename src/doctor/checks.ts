import { checkShared } from '../shared/checkShared.js';
import { checkAgentRecords } from './checkAgentRecords.js';
import { checkAgents } from './checkAgents.js';
import { checkConfigName } from './checkConfigName.js';
import { checkConflicts } from './checkConflicts.js';
import { checkGit } from './checkGit.js';
import { checkHooks } from './checkHooks.js';
import { checkLocks } from './checkLocks.js';
import { checkSessions } from './checkSessions.js';
import { checkState } from './checkState.js';
import { checkWatchLimits } from './checkWatchLimits.js';
import type { Check } from './types.js';

/** Every check `qlock doctor` runs, in the order it reports them. Each area adds its own module. */
export const CHECKS: Check[] = [
  checkGit,
  checkState,
  checkConfigName,
  checkSessions,
  checkLocks,
  checkWatchLimits,
  checkHooks,
  checkConflicts,
  checkAgents,
  checkAgentRecords,
  checkShared,
];
