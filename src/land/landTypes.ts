import type { Lock } from '../store/types.js';
import type { BaseCheckout } from './baseCheckouts.js';
import type { CheckResult } from './runCheck.js';

/** The shapes of `qlock land`. Field names are stable: they are the `--json` output. */

/** How base moves; `copy`: plain directories, the changed files copied back into the main tree. */
export type LandStrategy = 'ff' | 'merge' | 'squash' | 'copy';

/** Where a landing stopped. Before `sync` nothing had changed; after it, everything was put back. */
export type LandStage =
  | 'missing'
  | 'not-git'
  | 'busy'
  | 'on-base'
  | 'dirty'
  | 'locked'
  | 'base-checkout'
  | 'sync'
  | 'check'
  | 'tree-changed'
  | 'autostash'
  | 'base-moved'
  | 'locked-meanwhile'
  | 'copy-back';

export interface LandFailure {
  stage: LandStage;
  /** Conflicting files (sync, autostash), files in the way, files the check changed. */
  files?: string[];
  /** Locks of other sessions on the landed files. */
  locks?: Lock[];
  /** Checkouts of base with files in the way. */
  checkouts?: BaseCheckout[];
  /** How base was brought in (sync). */
  mode?: 'rebase' | 'merge';
  /** git's or the system's own words, when they say more. */
  reason?: string;
}

export interface LandOutcome {
  session: string;
  base: string;
  strategy: LandStrategy;
  ok: boolean;
  /** Base moved (false: it failed, or there was nothing to land). */
  landed: boolean;
  /** Base's tip before, and after (the same when nothing landed). */
  from?: string;
  to?: string;
  /** The session's commits brought into base. */
  commits: number;
  /** Files that changed on base. */
  paths: string[];
  /** Base brought into the session first (`qlock sync`): how, and whether anything came in. */
  sync?: { mode: 'rebase' | 'merge'; from: string; to: string; upToDate: boolean };
  /** The check that ran (null: none configured, nothing was checked). */
  check: CheckResult | null;
  /** Its time limit, as configured. */
  checkTimeout?: string;
  /** Checkouts of base that now show the new tip. */
  baseCheckouts: string[];
  /** Untracked files of the session: they stay there, they are not landed. */
  untracked: string[];
  /** Sessions told that base moved. */
  notified: string[];
  failure?: LandFailure;
  /**
   * A stash entry that holds work qlock could not put back itself (it is in `git stash list`):
   * the autostash when it no longer applies, or changes made in the tree while landing.
   */
  keptStash?: string;
}

/** A landing that has done nothing yet (and nothing failed): each step fills in what it did. */
export function startOutcome(session: string, base: string, strategy: LandStrategy): LandOutcome {
  return {
    session,
    base,
    strategy,
    ok: true,
    landed: false,
    commits: 0,
    paths: [],
    check: null,
    baseCheckouts: [],
    untracked: [],
    notified: [],
  };
}
