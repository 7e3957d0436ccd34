import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';

import { parseStatusZ } from '../changes/changeSet.js';
import { readChangeSet } from '../changes/readChangeSet.js';
import { ActivityJournal } from '../conflicts/activityJournal.js';
import { fullRefName, statusOfPaths } from '../git/repo.js';
import { notifyEvent } from '../notify/notify.js';
import { resolveBase, type Workspace } from '../project/openWorkspace.js';
import { TOUCH_INTERVAL_MS } from '../sessions/touchSession.js';
import type { Registry } from '../store/types.js';
import { messages } from '../ui/messages.js';
import { BaseMoves } from './baseMoves.js';
import { ChangeSetCache, type RefreshResult } from './changeSetCache.js';
import { watchBudget } from './inotifyLimits.js';
import { LogTail } from './logTail.js';
import { OverlapTracker, type OverlapView, overlapView } from './overlapTracker.js';
import { ProjectSignals } from './projectSignals.js';
import { recordOverlaps } from './recordOverlaps.js';
import { RegistryFollower } from './registryFollower.js';
import {
  limitNotice,
  openSessionWatch,
  signalsLimitNotice,
  type WatchBudget,
} from './sessionWatch.js';
import type { Watched, WatcherEvents, WatcherOptions } from './watcherTypes.js';
import { acquireWatchPidFile, releaseWatchPidFile } from './watchPidFile.js';

export type { WatcherEvents, WatcherOptions } from './watcherTypes.js';

/** Re-read the registry this often even without a file event (and retry a corrupt one). */
const RECONCILE_MS = 5000;
/** Ask whether base moved this often even without a ref event (reftable, missed events). */
const MAIN_MOVED_MS = 30_000;
/** Paths per `git status` when checking written files (an argument list stays well below limits). */
const STATUS_CHUNK = 500;

/**
 * The live coordinator behind `qlock watch`: watches every session's tree and base's ref, records
 * overlap and main-moved events in the log, and re-emits every new log event for printing.
 */
export class Watcher extends EventEmitter<WatcherEvents> {
  private readonly ws: Workspace;
  private readonly options: WatcherOptions;
  private readonly now: () => Date;
  private readonly stateDir: string;
  private readonly follower: RegistryFollower;
  private base = '';
  private readonly sessions = new Map<string, Watched>();
  private readonly missing = new Set<string>();
  private readonly tracker = new OverlapTracker();
  private readonly budget: WatchBudget;
  private readonly cache: ChangeSetCache;
  /** Tells conflict checks which trees had no file event since their last scan (conflicts area). */
  private readonly activity: ActivityJournal;
  private readonly signals: ProjectSignals;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly log: LogTail;
  private readonly mainMoved: BaseMoves;
  private closed = false;
  private owner = false;
  /** The advice to raise the inotify limit was printed (once per run is enough). */
  private limitAdvised = false;

  constructor(ws: Workspace, options: WatcherOptions) {
    super();
    this.ws = ws;
    this.options = options;
    this.now = options.now ?? (() => new Date());
    this.stateDir = ws.project.stateDir;
    this.budget = { limit: options.maxWatches ?? watchBudget(), used: 0 };
    this.log = new LogTail(this.stateDir);
    this.follower = new RegistryFollower(
      this.stateDir,
      () => void this.reconcile(),
      (text) => this.emit('notice', text),
    );
    this.mainMoved = new BaseMoves(ws, this.now, {
      onMoved: () => {
        this.drainLog();
        // Merge-bases may have changed: re-read every change set.
        for (const name of this.sessions.keys()) this.cache.schedule(name);
      },
      notice: (text) => this.emit('notice', text),
    });
    this.signals = new ProjectSignals(this.stateDir, ws.config.watch.interval, {
      onRegistry: () => this.follower.schedule(),
      onEvents: () => this.drainLog(),
      onBaseRef: () => this.mainMoved.schedule(),
      onPoll: () => {
        this.follower.reload(true);
        this.drainLog();
        void this.mainMoved.run();
      },
      onLimit: () => {
        const { interval } = this.ws.config.watch;
        this.emit('notice', signalsLimitNotice(interval, this.limitAdvised));
        this.limitAdvised = true;
      },
    });
    this.activity = new ActivityJournal(this.stateDir);
    this.cache = new ChangeSetCache({
      load: (name) => this.loadChangeSet(name),
      onRefreshed: (result) => this.onRefreshed(result),
    });
  }

  get watchCount(): number {
    let total = 0;
    for (const w of this.sessions.values()) total += w.watch?.watchCount ?? 0;
    return total;
  }

  /** Session name → 'watch' | 'poll' (tests and the ready message). */
  modes(): Record<string, 'watch' | 'poll'> {
    const out: Record<string, 'watch' | 'poll'> = {};
    for (const w of this.sessions.values()) if (w.watch) out[w.name] = w.watch.mode;
    return out;
  }

  async start(): Promise<void> {
    const { project } = this.ws;
    await acquireWatchPidFile(this.stateDir, this.options.cwd, this.now());
    if (this.closed) {
      releaseWatchPidFile(this.stateDir); // stopped while taking the slot
      return;
    }
    this.owner = true;
    try {
      this.base = await resolveBase(this.ws);
      if (this.closed) return;
      this.follower.reload(false);
      if (this.ws.config.watch.usePolling) {
        this.emit('notice', messages.watchPollingConfigured(this.ws.config.watch.interval));
        this.signals.poll();
      }
      this.signals.watchState();
      if (project.kind === 'git' && project.commonDir) {
        const fullRef = await fullRefName(project.root, this.base).catch(() => '');
        if (this.closed) return;
        this.signals.watchRef(project.commonDir, fullRef || `refs/heads/${this.base}`);
      }
      await this.reconcile();
      await Promise.all([...this.sessions.keys()].map((name) => this.cache.refresh(name)));
      // Stopped while starting (a signal during the walk): start nothing more.
      if (this.closed) return;
      this.timers.push(setInterval(() => this.follower.reload(true), RECONCILE_MS));
      if (project.kind === 'git') {
        // Base may have moved while no watcher ran; and a safety net for missed ref events.
        await this.mainMoved.run();
        if (this.closed) return;
        this.timers.push(setInterval(() => this.mainMoved.schedule(), MAIN_MOVED_MS));
      }
      const polled = Object.entries(this.modes())
        .filter(([, mode]) => mode === 'poll')
        .map(([name]) => name);
      if (!this.sessions.size) this.emit('notice', messages.watchNoSessions());
      this.emit('ready', { sessions: [...this.sessions.keys()], watches: this.watchCount, polled });
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Refused at start (another watcher runs): its pid file and activity journal are not ours.
    if (!this.owner) return;
    for (const timer of this.timers) clearInterval(timer);
    this.follower.close();
    this.mainMoved.close();
    for (const name of [...this.sessions.keys()]) this.stopSession(name);
    this.cache.close();
    this.activity.close();
    await this.signals.close();
    releaseWatchPidFile(this.stateDir);
  }

  // ---- registry and sessions ----

  /** The last good registry. */
  private registry(): Registry {
    return this.follower.registry;
  }

  /** Starts watching new sessions and stops watching removed or vanished ones. */
  private async reconcile(): Promise<void> {
    const starting: Promise<void>[] = [];
    for (const session of Object.values(this.registry().sessions)) {
      const watched = this.sessions.get(session.name);
      const exists = fs.existsSync(session.path);
      if (watched && (watched.path !== session.path || !exists)) this.stopSession(session.name);
      if (!exists) {
        if (!this.missing.has(session.name))
          this.emit('notice', messages.watchSessionMissing(session.name, session.path));
        this.missing.add(session.name);
        continue;
      }
      this.missing.delete(session.name);
      if (!this.sessions.has(session.name)) starting.push(this.startSession(session.name));
    }
    for (const name of [...this.sessions.keys()]) {
      if (!this.registry().sessions[name]) {
        this.stopSession(name);
        this.emit('notice', messages.watchSessionRemoved(name));
      }
    }
    for (const name of this.missing) if (!this.registry().sessions[name]) this.missing.delete(name);
    await Promise.all(starting);
  }

  private async startSession(name: string): Promise<void> {
    const session = this.registry().sessions[name]!;
    const watched: Watched = {
      name,
      path: session.path,
      stopped: false,
      seeded: false,
      pending: new Set(),
      deletes: new Map(),
      lastTouch: 0,
    };
    this.sessions.set(name, watched);
    try {
      const watch = await openSessionWatch({
        project: this.ws.project,
        config: this.ws.config,
        session,
        otherPaths: Object.values(this.registry().sessions)
          .filter((s) => s.name !== name)
          .map((s) => s.path),
        budget: this.budget,
        readChanged: async () => {
          await this.cache.refresh(name);
          return this.cache.sets.get(name);
        },
        onPaths: (rels) => this.onPaths(watched, rels),
        onActivity: () => this.activity.touched(name),
        onGone: () => this.onGone(watched),
        onLimit: (reason) => {
          this.activity.watching(name, 'poll');
          // After ENOSPC every further watch would fail too: the rest are polled from the start.
          if (reason === 'enospc') {
            this.budget.limit = this.budget.used;
            this.budget.exhausted = 'enospc';
          }
          this.emit(
            'notice',
            limitNotice(name, reason, this.ws.config.watch.interval, this.limitAdvised),
          );
          this.limitAdvised = true;
        },
      });
      if (watched.stopped || this.closed) {
        watch.close();
        return;
      }
      watched.watch = watch;
      this.activity.watching(name, watch.mode);
      this.emit('notice', messages.watchSessionAdded(name, session.path, watch.mode));
      void this.cache.refresh(name);
    } catch (error) {
      this.emit('notice', messages.watchSessionError(name, (error as Error).message));
      watched.stopped = true;
      this.sessions.delete(name);
    }
  }

  private stopSession(name: string): void {
    const watched = this.sessions.get(name);
    if (!watched) return;
    watched.stopped = true;
    if (watched.flushTimer) clearTimeout(watched.flushTimer);
    watched.watch?.close();
    this.activity.forget(name);
    this.sessions.delete(name);
    this.cache.delete(name);
    this.tracker.forget(name);
  }

  private onGone(watched: Watched): void {
    if (watched.stopped || this.closed) return;
    this.stopSession(watched.name);
    this.missing.add(watched.name);
    this.emit('notice', messages.watchSessionMissing(watched.name, watched.path));
  }

  // ---- file activity and overlaps ----

  private onPaths(watched: Watched, rels: string[]): void {
    if (watched.stopped) return;
    this.activity.touched(watched.name);
    for (const rel of rels) watched.pending.add(rel);
    this.armFlush(watched);
  }

  /** A fixed window from the first event (not trailing): a stream of writes cannot delay it. */
  private armFlush(watched: Watched): void {
    watched.flushTimer ??= setTimeout(() => {
      watched.flushTimer = undefined;
      void this.flush(watched);
    }, this.ws.config.watch.debounce);
  }

  private async flush(watched: Watched): Promise<void> {
    if (watched.stopped || this.closed) return;
    // Still walking the tree (edits during the first walk): wait until it can filter them.
    if (!watched.watch) return this.armFlush(watched);
    const reported = [...watched.pending];
    watched.pending.clear();
    // A worktree being deleted reports every file: not edits.
    if (!fs.existsSync(watched.path)) return;
    const paths = await watched.watch.filterIgnored(reported);
    if (watched.stopped || this.closed || !paths.length) return;
    const now = Date.now();
    const present: string[] = [];
    for (const rel of paths) {
      if (fs.existsSync(path.join(watched.path, rel))) present.push(rel);
      else watched.deletes.set(rel, now);
    }
    if (watched.watch?.mode !== 'poll') this.cache.schedule(watched.name);
    const edits = await this.ownEdits(watched, present);
    if (watched.stopped || this.closed) return;
    await this.processEdits(watched, edits, true);
  }

  /**
   * Of the files a session's tree reports written, those that are its work: already in its
   * change set, or differing now from its index or HEAD. A file git itself wrote to what HEAD has
   * (`qlock sync`, rebase, pull, checkout, reset, stash) is no edit of the session's: after a
   * sync, base's files are not "started editing". One that does enter the change set later (a
   * commit right after the write) is confirmed by the change set's next read (onRefreshed).
   */
  private async ownEdits(watched: Watched, paths: string[]): Promise<string[]> {
    if (this.ws.project.kind !== 'git' || !paths.length) return paths;
    const known = this.cache.sets.get(watched.name);
    const unknown = paths.filter((p) => !known?.has(p));
    if (!unknown.length) return paths;
    const differing = new Set<string>();
    try {
      for (let i = 0; i < unknown.length; i += STATUS_CHUNK) {
        const stdout = await statusOfPaths(watched.path, unknown.slice(i, i + STATUS_CHUNK));
        const found = parseStatusZ(stdout);
        for (const p of [...found.staged, ...found.unstaged, ...found.untracked]) differing.add(p);
      }
    } catch {
      return paths; // git could not tell (the tree is going away): as before, every write counts
    }
    return paths.filter((p) => known?.has(p) || differing.has(p));
  }

  private view(): OverlapView {
    return overlapView(this.registry(), this.cache.sets, this.now(), this.ws.config);
  }

  /** Records the overlaps `paths` start (one event per recipient), and the session's activity. */
  private async processEdits(watched: Watched, paths: string[], activity: boolean): Promise<void> {
    const found = paths.length ? this.tracker.onEdits(watched.name, paths, this.view()) : [];
    const nowMs = this.now().getTime();
    const touch = activity && nowMs - watched.lastTouch >= TOUCH_INTERVAL_MS;
    if (touch) watched.lastTouch = nowMs;
    if (!found.length && !touch) return;
    try {
      await recordOverlaps(this.stateDir, watched.name, found, touch ? this.now() : undefined);
    } catch (error) {
      // Not recorded: forget them so the next save tries again.
      this.tracker.unmark(found);
      this.emit('notice', messages.watchSessionError(watched.name, (error as Error).message));
      return;
    }
    this.drainLog();
  }

  private async loadChangeSet(name: string): Promise<string[] | undefined> {
    const session = this.registry().sessions[name];
    if (!session || !fs.existsSync(session.path)) return undefined;
    const set = await readChangeSet(this.ws.project, session, this.base, this.ws.config.ignore);
    return set.all;
  }

  private onRefreshed(result: RefreshResult): void {
    const watched = this.sessions.get(result.session);
    if (watched && !watched.stopped) {
      const view = this.view();
      if (!watched.seeded) {
        this.tracker.seed(result.session, view);
        watched.seeded = true;
      } else {
        this.tracker.clear(result.session, result.startedAt, view);
        // Deletions seen before this read began, now confirmed as this session's changes.
        const confirmed: string[] = [];
        for (const [rel, at] of watched.deletes) {
          if (at > result.startedAt) continue;
          watched.deletes.delete(rel);
          if (result.paths.has(rel)) confirmed.push(rel);
        }
        // Files that entered the change set without an event we acted on (written within the
        // debounce of another session's first write, or while the watcher was busy).
        for (const rel of result.paths) if (!result.previous?.has(rel)) confirmed.push(rel);
        if (confirmed.length) void this.processEdits(watched, [...new Set(confirmed)], false);
      }
    }
    this.emit('refreshed', result);
  }

  // ---- the event log ----

  /** Emits every event appended since the last call (ours and other processes'). */
  private drainLog(): void {
    if (this.closed) return;
    for (const event of this.log.drain()) {
      this.emit('event', event);
      if (this.options.notifier) notifyEvent(this.options.notifier, event);
    }
  }
}

/** Starts a watcher (taking the project's single watcher slot); close() it to stop. */
export async function startWatcher(ws: Workspace, options: WatcherOptions): Promise<Watcher> {
  const watcher = new Watcher(ws, options);
  await watcher.start();
  return watcher;
}
