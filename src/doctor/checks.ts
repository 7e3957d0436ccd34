import { checkState } from './checkState.js';
import type { Check } from './types.js';

/** Every check `qlock doctor` runs, in the order it reports them. Each area adds its own module. */
export const CHECKS: Check[] = [checkState];
