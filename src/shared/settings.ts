import crypto from 'node:crypto';

import type { Config } from '../project/configSchema.js';
import { parseDuration } from '../util/duration.js';

/**
 * Shared mode's settings, resolved once from config `shared` (null = off).
 *
 * The whole shared state lives in ONE ref, `<refPrefix>/locks`, pointing at a commit whose tree
 * holds `state.json` (locks, presence, notices). One ref rather than one ref per lock because the
 * lock rules need one consistent snapshot: a directory lock `src/` must see every lock below it,
 * and `qlock lock a b` is all or nothing; with one ref per lock neither check could be atomic
 * (a lease covers only refs that already exist), and lock paths (spaces, unicode, `..`, a
 * trailing `.lock`) do not all make valid ref names.
 */
export interface SharedSettings {
  /** Remote name or URL, as configured. */
  remote: string;
  refPrefix: string;
  /** `<refPrefix>/locks` on the remote. */
  ref: string;
  /** Where fetches land locally: `refs/qlock-remote/<slug>/locks`. Never a branch. */
  tracking: string;
  /** `+<refPrefix>/*:refs/qlock-remote/<slug>/*`: a glob, so a missing remote ref is no error. */
  fetchSpec: string;
  cacheTtlMs: number;
  /** Bound on each network call (fetch, push). */
  timeoutMs: number;
}

export const STATE_FILE = 'state.json';
const DEFAULT_PREFIX = 'refs/qlock';

/** A ref-safe name for the remote (and a non-default prefix), so two remotes never share a ref. */
function slugFor(remote: string, refPrefix: string): string {
  const hash = (text: string) => crypto.createHash('sha1').update(text).digest('hex').slice(0, 12);
  let slug = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/.test(remote) ? remote : `url-${hash(remote)}`;
  if (refPrefix !== DEFAULT_PREFIX) slug += `-${hash(refPrefix)}`;
  return slug;
}

export function sharedSettings(config: Pick<Config, 'shared'>): SharedSettings | undefined {
  const shared = config.shared;
  if (!shared) return undefined;
  const refPrefix = (shared.refPrefix ?? DEFAULT_PREFIX).replace(/\/+$/, '');
  const trackingPrefix = `refs/qlock-remote/${slugFor(shared.remote, refPrefix)}`;
  return {
    remote: shared.remote,
    refPrefix,
    ref: `${refPrefix}/locks`,
    tracking: `${trackingPrefix}/locks`,
    fetchSpec: `+${refPrefix}/*:${trackingPrefix}/*`,
    cacheTtlMs: parseDuration(shared.cacheTtl ?? '10s', 'shared.cacheTtl'),
    timeoutMs: parseDuration(shared.timeout ?? '5s', 'shared.timeout'),
  };
}
