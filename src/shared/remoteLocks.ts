import type { Project } from '../project/findProject.js';
import { createDebug } from '../ui/debug.js';
import { messages } from '../ui/messages.js';
import { deliverNotices } from './deliverNotices.js';
import { cloneId } from './identity.js';
import { othersLocks, type RemoteDoc, type RemoteLock } from './remoteDoc.js';
import { fetchState, LocalRefBusy, RemoteRefused, RemoteUnavailable } from './remoteStore.js';
import type { SharedSettings } from './settings.js';
import {
  readCache,
  readPending,
  readUnreachable,
  type SharedCache,
  writeCache,
  writeUnreachable,
} from './sharedFiles.js';
import { conflictWarnings } from './syncShared.js';

const debug = createDebug('shared');

/**
 * The remote's locks for the git hooks: read-only, and cheap. Within `shared.cacheTtl` of the
 * last fetch (or of our own last push) the cache file answers without any network; after that
 * one fetch, bounded by `shared.timeout`. When the remote cannot be reached the last known
 * version is used, with a one-line warning that says how old it is; for `shared.cacheTtl` after
 * such a failure the remote is not tried again (it may take the whole timeout to fail).
 */

export interface RemoteView {
  doc?: RemoteDoc;
  /** When `doc` was last confirmed against the remote. */
  asOf?: Date;
  online: boolean;
  /** Why the remote could not be used, when !online. */
  reason?: string;
  warnings: string[];
}

/** The remote document, from the cache while fresh, else fetched (the hooks' path). */
export async function remoteView(
  project: Project,
  s: SharedSettings,
  now: Date,
  options: { maxAgeMs?: number } = {},
): Promise<RemoteView> {
  const maxAge = options.maxAgeMs ?? s.cacheTtlMs;
  const cache = readCache(project.stateDir, s.remote, s.ref);
  const pending = readPending(project.stateDir);
  const warnings = conflictWarnings(pending.conflicts, s.remote, now);
  if (cache && now.getTime() - Date.parse(cache.fetchedAt) < maxAge) {
    debug(`remote locks from cache (${now.getTime() - Date.parse(cache.fetchedAt)}ms old)`);
    return { doc: cache.doc, asOf: new Date(cache.fetchedAt), online: true, warnings };
  }
  const down = readUnreachable(project.stateDir, s.remote, s.ref);
  if (down && now.getTime() - Date.parse(down.at) < maxAge) {
    debug(`remote unreachable ${now.getTime() - Date.parse(down.at)}ms ago: not trying again yet`);
    return offlineView(cache, down.reason, now, warnings, s, down.refused);
  }
  try {
    let snapshot;
    for (let busy = 0; ; busy++) {
      try {
        snapshot = await fetchState(project.worktreeRoot, s);
        break;
      } catch (error) {
        if (!(error instanceof LocalRefBusy) || busy >= 5) throw error;
        await new Promise((r) => setTimeout(r, 10 + Math.random() * 40));
      }
    }
    const fetchedAt = new Date();
    writeCache(project.stateDir, {
      remote: s.remote,
      ref: s.ref,
      sha: snapshot.sha,
      fetchedAt: fetchedAt.toISOString(),
      doc: snapshot.doc,
    });
    const clone = cloneId(project.stateDir);
    const mine = snapshot.doc.notices.filter((n) => n.to.clone === clone);
    if (mine.length) warnings.push(...(await deliverNotices(project.stateDir, mine, now)));
    if (pending.offline) warnings.push(messages.sharedPendingBack(s.remote));
    if (snapshot.ignored)
      warnings.push(messages.sharedIgnoredEntries(s.remote, s.ref, snapshot.ignored));
    return { doc: snapshot.doc, asOf: fetchedAt, online: true, warnings };
  } catch (error) {
    if (!(error instanceof RemoteUnavailable || error instanceof RemoteRefused)) throw error;
    const refused = error instanceof RemoteRefused ? error.message.split('\n')[0] : undefined;
    writeUnreachable(project.stateDir, {
      remote: s.remote,
      ref: s.ref,
      at: now.toISOString(),
      reason: error.reason,
      ...(refused ? { refused } : {}),
    });
    return offlineView(cache, error.reason, now, warnings, s, refused);
  }
}

/** The last known version, with the one-line warning that says how old it is. */
function offlineView(
  cache: SharedCache | undefined,
  reason: string,
  now: Date,
  warnings: string[],
  s: SharedSettings,
  refused?: string,
): RemoteView {
  const age = cache ? now.getTime() - Date.parse(cache.fetchedAt) : undefined;
  warnings.unshift(messages.sharedOfflineCheck(s.remote, reason, age, refused));
  return {
    ...(cache ? { doc: cache.doc, asOf: new Date(cache.fetchedAt) } : {}),
    online: false,
    reason,
    warnings,
  };
}

/**
 * For the pre-commit lock check: the remote locks of other participants in the way of `paths`,
 * and the warnings to print (offline, unresolved conflicts, notices received).
 */
export async function sharedBlockingLocks(
  project: Project,
  s: SharedSettings,
  paths: string[],
  now: Date,
): Promise<{ locks: RemoteLock[]; warnings: string[]; online: boolean }> {
  const view = await remoteView(project, s, now);
  return {
    locks: othersLocks(view.doc, cloneId(project.stateDir), paths, now),
    warnings: view.warnings,
    online: view.online,
  };
}
