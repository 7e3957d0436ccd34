import { byPathThenSession } from '../locks/describeLocks.js';
import type { Workspace } from '../project/openWorkspace.js';
import { cloneId } from './identity.js';
import { othersLocks, type RemoteLock, remoteLockExpired } from './remoteDoc.js';
import { remoteView } from './remoteLocks.js';
import { sharedSettings } from './settings.js';

/**
 * `qlock locks` and `qlock who` in shared mode: the locks other participants hold on the remote,
 * read the way the git hooks read them (the cache while younger than shared.cacheTtl, else one
 * fetch bounded by shared.timeout). When the remote cannot be reached, the last known version
 * is listed and `warn` gets the one-line warning saying how old it is.
 */
export interface RemoteListing {
  remote: string;
  online: boolean;
  reason?: string;
  /** When the remote was last confirmed to hold these locks; absent when it never was. */
  asOf?: string;
  /** Other participants' locks (not this clone's: those are the local ones), sorted by path. */
  locks: RemoteLock[];
}

export async function remoteListing(
  ws: Workspace,
  now: Date,
  warn: (line: string) => void,
  path?: string,
): Promise<RemoteListing | undefined> {
  const s = sharedSettings(ws.config);
  if (!s || ws.project.kind !== 'git') return undefined;
  const view = await remoteView(ws.project, s, now);
  for (const line of view.warnings) warn(line);
  const me = cloneId(ws.project.stateDir);
  const mine = (l: RemoteLock) => l.clone === me || remoteLockExpired(l, now);
  const locks = (
    path === undefined
      ? (view.doc?.locks ?? []).filter((l) => !mine(l))
      : othersLocks(view.doc, me, [path], now)
  ).sort(byPathThenSession);
  return {
    remote: s.remote,
    online: view.online,
    ...(view.reason ? { reason: view.reason } : {}),
    ...(view.asOf ? { asOf: view.asOf.toISOString() } : {}),
    locks,
  };
}
