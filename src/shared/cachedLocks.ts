import type { Config } from '../project/configSchema.js';
import type { Project } from '../project/findProject.js';
import { cloneId } from './identity.js';
import { othersLocks, type RemoteLock } from './remoteDoc.js';
import { sharedSettings } from './settings.js';
import { readCache } from './sharedFiles.js';

/**
 * Shared mode for the agents' pre-write hook, which must answer in milliseconds: the locks other
 * participants hold on any of `paths`, as the remote held them at the last contact (the cache that
 * lock, unlock and the git hooks keep), without any network. `asOf` says when that was.
 */
export function cachedOthersLocks(
  project: Project,
  config: Pick<Config, 'shared'>,
  paths: readonly string[],
  now: Date,
): { locks: RemoteLock[]; asOf?: string } {
  const s = sharedSettings(config);
  if (!s || project.kind !== 'git') return { locks: [] };
  const cache = readCache(project.stateDir, s.remote, s.ref);
  if (!cache) return { locks: [] };
  const locks = othersLocks(cache.doc, cloneId(project.stateDir), paths, now);
  return { locks, asOf: cache.fetchedAt };
}
