import path from 'node:path';

import { makeIgnoreMatcher } from '../changes/snapshot.js';
import type { Config } from '../project/configSchema.js';
import { POINTER_FILE, type Project } from '../project/findProject.js';
import { isInside } from '../sessions/resolveSession.js';
import type { Session } from '../store/types.js';
import { messages } from '../ui/messages.js';
import { checkGitIgnored, IgnoredFiles, type IgnoredPaths, listGitIgnored } from './gitIgnored.js';
import { maxUserWatches, raiseLimitCommands } from './inotifyLimits.js';
import { PollWatcher } from './pollWatcher.js';
import { TreeWatcher, type TreeWatcherOptions, WatchLimitError } from './treeWatcher.js';

/**
 * Watching one session: its directory tree with per-directory inotify watches, or polling when
 * watches are not available. Chooses, starts, and falls back.
 */

/** The watches all sessions share: at most half of the user's inotify limit. */
export interface WatchBudget {
  limit: number;
  used: number;
  /** Set once inotify itself refused a watch: every later session is polled. */
  exhausted?: 'enospc';
}

export interface SessionWatchOptions {
  project: Project;
  config: Config;
  session: Session;
  /** Paths of the other sessions (a session nested in this one is not watched twice). */
  otherPaths: string[];
  budget: WatchBudget;
  /** Re-reads the session's change set (for polling). */
  readChanged(): Promise<ReadonlySet<string> | undefined>;
  onPaths(rels: string[]): void;
  /** Any file-system event in the tree (see TreeWatcherOptions.onActivity). */
  onActivity?(): void;
  onGone(): void;
  /** Switched to polling because of the watch limit (the caller tells the user). */
  onLimit(reason: WatchLimitError['reason']): void;
}

export interface SessionWatch {
  readonly mode: 'watch' | 'poll';
  readonly watchCount: number;
  /** `rels` (reported by onPaths) without the files git ignores that appeared while watching. */
  filterIgnored(rels: string[]): Promise<string[]>;
  close(): void;
}

const EMPTY_IGNORED: IgnoredPaths = { dirs: new Set(), files: new Set() };

export type TreeFilter = Pick<
  TreeWatcherOptions,
  'skipDirs' | 'skipRootNames' | 'isIgnored' | 'filterNewDirs'
>;

/**
 * What is never watched in a session's tree: `.git`, the state dir, sessions nested inside it,
 * the `.qlock` pointer, config `ignore` globs, and what git ignores (asked once, here). Plain
 * directories skip node_modules, as their snapshots do.
 */
export async function treeFilter(
  project: Project,
  config: Config,
  root: string,
  otherPaths: readonly string[],
): Promise<TreeFilter> {
  const ignored =
    project.kind === 'git' ? await listGitIgnored(root).catch(() => EMPTY_IGNORED) : EMPTY_IGNORED;
  const globs = makeIgnoreMatcher(config.ignore);
  const skipDirs = new Set(otherPaths.filter((p) => p !== root && isInside(root, p)));
  skipDirs.add(project.stateDir);
  return {
    skipDirs,
    skipRootNames: new Set([POINTER_FILE]),
    isIgnored: (rel, isDir) => {
      if (globs(rel)) return true;
      if (isDir) {
        if (project.kind === 'dir' && path.basename(rel) === 'node_modules') return true;
        return ignored.dirs.has(rel);
      }
      return ignored.files.has(rel);
    },
    ...(project.kind === 'git'
      ? {
          filterNewDirs: (rels: string[]) =>
            checkGitIgnored(root, rels).catch(() => new Set<string>()),
        }
      : {}),
  };
}

export async function openSessionWatch(options: SessionWatchOptions): Promise<SessionWatch> {
  const { project, config, session, budget } = options;
  let current: TreeWatcher | PollWatcher | undefined;
  let mode: 'watch' | 'poll' = 'watch';
  let closed = false;
  const ignoredFiles = project.kind === 'git' ? new IgnoredFiles(session.path) : undefined;

  const poll = () => {
    mode = 'poll';
    const poller = new PollWatcher({
      root: session.path,
      intervalMs: config.watch.interval,
      readChanged: options.readChanged,
      onPaths: options.onPaths,
      onGone: options.onGone,
    });
    current = poller;
    if (!closed) poller.start();
  };

  if (config.watch.usePolling) {
    poll();
  } else if (budget.used >= budget.limit) {
    options.onLimit(budget.exhausted ?? 'budget');
    poll();
  } else {
    const filter = await treeFilter(project, config, session.path, options.otherPaths);
    const tree = new TreeWatcher({
      root: session.path,
      ...filter,
      reserve: (n) => {
        if (budget.used + n > budget.limit) return false;
        budget.used += n;
        return true;
      },
      release: (n) => {
        budget.used -= n;
      },
      onPaths: options.onPaths,
      ...(options.onActivity ? { onActivity: options.onActivity } : {}),
      onGone: options.onGone,
      onLimit: (error) => {
        if (closed) return;
        options.onLimit(limitReason(error, budget));
        poll();
      },
    });
    current = tree;
    try {
      await tree.start();
    } catch (error) {
      if (!(error instanceof WatchLimitError)) throw error;
      // start() has already closed its watches: they go back to the other programs.
      options.onLimit(limitReason(error, budget));
      poll();
    }
  }

  return {
    get mode() {
      return mode;
    },
    get watchCount() {
      return current instanceof TreeWatcher ? current.watchCount : 0;
    },
    // Polled paths come from the change set, which git's ignore rules already filtered.
    filterIgnored: async (rels) =>
      ignoredFiles && mode === 'watch' ? ignoredFiles.filter(rels) : rels,
    close() {
      closed = true;
      current?.close();
    },
  };
}

/**
 * Why a tree ran out of watches. Sessions start together: one refused by the budget that another
 * session's ENOSPC has just shrunk to nothing ran out because of inotify, not of qlock's share.
 */
function limitReason(error: WatchLimitError, budget: WatchBudget): WatchLimitError['reason'] {
  return error.reason === 'budget' && budget.exhausted ? budget.exhausted : error.reason;
}

/** What to tell the user when a session is polled for lack of watches, with the fix. */
export function limitNotice(
  session: string,
  reason: WatchLimitError['reason'],
  intervalMs: number,
  advised = false,
): string {
  // The fix was given for an earlier session: one line for each further one.
  if (advised) return messages.watchLimitAlsoPolled(session, reason, intervalMs);
  const max = maxUserWatches();
  const raise = raiseLimitCommands(Math.max(524_288, (max ?? 0) * 2));
  return messages.watchLimitReached(session, reason, max, intervalMs, raise);
}

/** The state dir and base's ref could not be watched (ENOSPC): they are polled. */
export function signalsLimitNotice(intervalMs: number, advised: boolean): string {
  if (advised) return messages.watchSignalsPolled(intervalMs);
  const max = maxUserWatches();
  const raise = raiseLimitCommands(Math.max(524_288, (max ?? 0) * 2));
  return `${messages.watchSignalsPolled(intervalMs)}\n${messages.watchRaiseLimit(max, raise)}`;
}
