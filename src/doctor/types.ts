import type { Context } from '../context.js';
import type { Workspace } from '../project/openWorkspace.js';

/** One finding of `qlock doctor`: what is wrong, how to fix it, and whether --fix may do it. */
export interface Finding {
  check: string;
  ok: boolean;
  /**
   * With ok: something worth saying that harms nobody (a stale lock blocks no one): printed as a
   * note, never fails doctor, and --fix still applies its `apply`.
   */
  note?: boolean;
  message: string;
  fix?: string;
  /** Set when --fix can apply the fix safely; returns what it did. */
  apply?: () => Promise<string>;
  fixed?: string;
}

export type Check = (ws: Workspace, ctx: Context) => Promise<Finding[]>;
