import type { Notifier } from '../notify/notify.js';
import type { QlockEvent } from '../store/types.js';
import type { RefreshResult } from './changeSetCache.js';
import type { SessionWatch } from './sessionWatch.js';

/** The types of the watcher (src/watch/startWatcher.ts): what it emits, its options, its sessions. */

export interface WatcherEvents {
  /** An event appended to the log (by this watcher or anyone else) since the watcher started. */
  event: [QlockEvent];
  /** Something the user should know about the watcher itself (one or two lines). */
  notice: [string];
  ready: [{ sessions: string[]; watches: number; polled: string[] }];
  /** A session's change set was re-read (tests wait on this). */
  refreshed: [RefreshResult];
}

export interface WatcherOptions {
  cwd: string;
  now?: () => Date;
  notifier?: Notifier;
  /** Override the inotify budget (default: half of fs.inotify.max_user_watches); for tests. */
  maxWatches?: number;
}

export interface Watched {
  name: string;
  path: string;
  watch?: SessionWatch;
  stopped: boolean;
  seeded: boolean;
  pending: Set<string>;
  flushTimer?: NodeJS.Timeout;
  /** Deleted paths waiting for the next change-set read to confirm they are this session's work. */
  deletes: Map<string, number>;
  lastTouch: number;
}
