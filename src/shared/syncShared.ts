import { isLockHonoured } from '../locks/lockTable.js';
import type { Project } from '../project/findProject.js';
import { readRegistry, updateRegistry } from '../store/registry.js';
import type { NewEvent } from '../store/types.js';
import { createDebug } from '../ui/debug.js';
import { messages } from '../ui/messages.js';
import { casDeadlineMs, casUpdate } from './casUpdate.js';
import { deliverNotices } from './deliverNotices.js';
import { participant } from './identity.js';
import { type Intent, reconcile, type ReconcileOutput, type Refusal } from './reconcile.js';
import type { RemoteDoc, RemoteLock } from './remoteDoc.js';
import { readTracking, RemoteRefused, RemoteUnavailable } from './remoteStore.js';
import type { SharedSettings } from './settings.js';
import {
  type ConflictRecord,
  type PendingLock,
  readCache,
  readPending,
  type SharedPending,
  writeCache,
  writePendingLocked,
} from './sharedFiles.js';

const debug = createDebug('shared');

/**
 * One round with the remote for a command that changes something (lock, unlock, `qlock shared
 * sync`, pre-push with pending changes): reconcile this clone's locks with the remote document
 * in a compare-and-swap loop, then record locally what happened (cache, pending file, inbox
 * events) in one short critical section.
 *
 * When the remote cannot be reached (or refuses us), nothing fails: the local registry has the
 * truth for this machine, the change is remembered in shared-pending.json, and the caller prints
 * the one-line warning returned here. The next successful round publishes it.
 */

export interface SyncIntent extends Intent {
  /** Locks just released locally (for the pending record while the remote is unreachable). */
  released?: { session: string; paths: string[] };
}

export interface SyncResult {
  online: boolean;
  /** Why the remote could not be used, when !online. */
  reason?: string;
  /** One-line warnings for stderr (offline, conflicts, notices received). */
  warnings: string[];
  refused: Refusal[];
  broken: RemoteLock[];
  published: PendingLock[];
  conflicts: ConflictRecord[];
  /** The newest document known (from the remote; the last cached one when offline). */
  doc?: RemoteDoc;
  pushed: boolean;
}

export interface SyncOptions {
  intent?: SyncIntent;
  now: () => Date;
  /** Environment for commit-tree; defaults to process.env (cleaned by the git wrapper). */
  env?: NodeJS.ProcessEnv;
}

function conflictEvent(c: ConflictRecord, remote: string, now: Date): NewEvent {
  return {
    kind: 'conflict',
    to: [c.session],
    message: messages.sharedConflict(c, remote, now),
    paths: [c.path],
    data: { shared: true, holder: c.holder, since: c.since },
  };
}

/** Warnings for what is still unresolved (printed by every command that consults the remote). */
export function conflictWarnings(conflicts: ConflictRecord[], remote: string, now: Date): string[] {
  return conflicts.map((c) => messages.sharedConflict(c, remote, now));
}

export async function syncShared(
  project: Project,
  s: SharedSettings,
  options: SyncOptions,
): Promise<SyncResult> {
  const { stateDir } = project;
  const cwd = project.worktreeRoot;
  const intent = options.intent ?? {};
  const wasOffline = readPending(stateDir).offline;

  let result;
  // Malformed presence entries or notices the last version read held (left out, so dropped).
  let ignored: string[] = [];
  try {
    // Two independent reads, side by side: who we are, and the last version we saw.
    const [me, initial] = await Promise.all([participant(stateDir, cwd), readTracking(cwd, s)]);
    result = await casUpdate<ReconcileOutput>(
      cwd,
      s,
      (base) => {
        ignored = base.ignored ?? [];
        // The registry is read after the version was obtained (rule 1 in reconcile.ts).
        const out = reconcile({
          doc: base.doc,
          me,
          registry: readRegistry(stateDir),
          pending: readPending(stateDir),
          intent,
          now: options.now(),
          // Older than any round of another process can last: not a lock in flight.
          adoptAfterMs: casDeadlineMs(s) + 4 * s.timeoutMs,
        });
        return {
          doc: out.doc,
          // Leaving malformed entries out is a change: the remote must stop holding them.
          changed: out.changed || ignored.length > 0,
          message: out.message,
          needsFresh: out.refused.length > 0 || out.newConflicts.length > 0,
          value: out,
        };
      },
      { ident: me, env: options.env ?? process.env, ...(initial ? { initial } : {}) },
    );
  } catch (error) {
    if (error instanceof RemoteUnavailable || error instanceof RemoteRefused)
      return goOffline(project, s, intent, error, options.now());
    throw error;
  }

  const out = result.value;
  const now = options.now();
  writeCache(stateDir, {
    remote: s.remote,
    ref: s.ref,
    sha: result.snapshot.sha,
    fetchedAt: result.confirmedAt.toISOString(),
    doc: result.snapshot.doc,
  });

  const warnings: string[] = [];
  const resolved: ConflictRecord[] = [];
  const advancing = result.advance();
  // Usually there is nothing to record (no notices, nothing pending): skip the mutex then.
  const before = readPending(stateDir);
  const record =
    out.inbox.length > 0 ||
    out.conflicts.length > 0 ||
    before.conflicts.length > 0 ||
    before.acquire.length > 0 ||
    before.release.length > 0 ||
    before.offline !== undefined;
  const received = !record
    ? []
    : await deliverNotices(stateDir, out.inbox, now, (pending, registry, emit) => {
        // "Dropped" was decided from a registry read without the mutex: a lock whose pending
        // record was written in the same transaction (autoLock) may have been missing from that
        // read only. Forget the record only if the lock is still not held now.
        const held = new Set(
          registry.locks
            .filter((l) => isLockHonoured(l, registry, now))
            .map((l) => `${l.session}\0${l.path}`),
        );
        const done = new Set(
          [
            ...out.published,
            ...out.dropped.filter((p) => !held.has(`${p.session}\0${p.path}`)),
          ].map((p) => `${p.session}\0${p.path}`),
        );
        pending.acquire = pending.acquire.filter((p) => !done.has(`${p.session}\0${p.path}`));
        // The round succeeded, so the remote now mirrors every local release.
        pending.release = [];
        delete pending.offline;
        const still = new Set(out.conflicts.map((c) => `${c.session}\0${c.path}`));
        resolved.push(...pending.conflicts.filter((c) => !still.has(`${c.session}\0${c.path}`)));
        pending.conflicts = out.conflicts;
        for (const c of out.newConflicts) emit(conflictEvent(c, s.remote, now));
      });

  await advancing;
  if (wasOffline) warnings.push(messages.sharedBackOnline(s.remote));
  if (ignored.length)
    warnings.push(messages.sharedIgnoredEntries(s.remote, s.ref, ignored, result.pushed));
  warnings.push(...received);
  warnings.push(...conflictWarnings(out.conflicts, s.remote, now));
  const republished = resolved.filter((c) =>
    out.published.some((p) => p.session === c.session && p.path === c.path),
  );
  if (republished.length)
    warnings.push(
      messages.sharedPublished(
        republished.map((c) => c.path),
        s.remote,
      ),
    );
  debug(`sync: pushed=${result.pushed} attempts=${result.attempts}`);
  return {
    online: true,
    warnings,
    refused: out.refused,
    broken: out.broken,
    published: out.published,
    conflicts: out.conflicts,
    doc: result.snapshot.doc,
    pushed: result.pushed,
  };
}

/** The remote is out of reach: remember the change, keep the conflicts, say so in one line. */
async function goOffline(
  project: Project,
  s: SharedSettings,
  intent: SyncIntent,
  error: RemoteUnavailable | RemoteRefused,
  now: Date,
): Promise<SyncResult> {
  const at = now.toISOString();
  let pending: SharedPending | undefined;
  await updateRegistry(project.stateDir, () => {
    pending = readPending(project.stateDir);
    const add = (list: PendingLock[], session: string, paths: string[]) => {
      for (const path of paths)
        if (!list.some((p) => p.session === session && p.path === path))
          list.push({ session, path, at });
    };
    if (intent.acquire) add(pending.acquire, intent.acquire.session, intent.acquire.paths);
    if (intent.released) {
      add(pending.release, intent.released.session, intent.released.paths);
      const gone = new Set(intent.released.paths);
      pending.acquire = pending.acquire.filter(
        (p) => p.session !== intent.released!.session || !gone.has(p.path),
      );
    }
    pending.offline = { since: pending.offline?.since ?? at, reason: error.reason };
    writePendingLocked(project.stateDir, pending);
  });
  const cached = readCache(project.stateDir, s.remote, s.ref);
  const warnings = [
    error instanceof RemoteRefused
      ? messages.sharedRefusedLocalOnly(s.remote, error.message)
      : messages.sharedOffline(
          s.remote,
          error.reason,
          intent.acquire ? 'lock' : intent.released ? 'unlock' : 'sync',
        ),
    ...conflictWarnings(pending?.conflicts ?? [], s.remote, now),
  ];
  return {
    online: false,
    reason: error.reason,
    warnings,
    refused: [],
    broken: [],
    published: [],
    conflicts: pending?.conflicts ?? [],
    ...(cached ? { doc: cached.doc } : {}),
    pushed: false,
  };
}
