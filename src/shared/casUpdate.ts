import { QlockError } from '../errors.js';
import { createDebug } from '../ui/debug.js';
import { messages } from '../ui/messages.js';
import type { RemoteDoc } from './remoteDoc.js';
import {
  advanceTracking,
  fetchState,
  LocalRefBusy,
  pushState,
  readTracking,
  type Snapshot,
  writeCommit,
} from './remoteStore.js';
import type { SharedSettings } from './settings.js';

const debug = createDebug('shared');

/**
 * The compare-and-swap loop: compute the next document from a version of the remote's, write it
 * as a commit, push it with a lease on that version; when the lease fails (someone else wrote
 * first) re-fetch and compute again, after a randomised, growing delay (full jitter), within a
 * bounded number of attempts and a deadline.
 *
 * The first attempt starts from the tracking ref (what we last fetched or pushed), without a
 * fetch: when nobody else wrote since, a change costs one push. That is safe because the lease
 * makes the push fail unless the remote still holds exactly the version we computed from. What
 * the lease cannot check is a decision *not* to push (a refusal, "nothing to do"): those are
 * only taken on a version fetched during this call (`needsFresh`).
 */

export interface CasStep<T> {
  doc: RemoteDoc;
  changed: boolean;
  message: string;
  /** This outcome must be confirmed on a freshly fetched version (refusals, conflicts). */
  needsFresh: boolean;
  value: T;
}

export interface CasOptions {
  ident: { user: string; email: string };
  /** The environment for commit-tree (the identity fallback is added to it). */
  env: NodeJS.ProcessEnv;
  /** The tracking ref's version, if the caller already read it (saves a spawn on the hot path). */
  initial?: Snapshot;
  maxAttempts?: number;
  /** Give up (QlockError, nothing changed) after this long. */
  deadlineMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface CasResult<T> {
  value: T;
  /** What the remote holds now, as far as we know. */
  snapshot: Snapshot;
  /** When `snapshot` was last confirmed against the remote. */
  confirmedAt: Date;
  pushed: boolean;
  attempts: number;
  /** After a push: move the tracking ref to it (local; the caller runs it alongside its own work). */
  advance: () => Promise<void>;
}

export const MAX_ATTEMPTS = 40;
const FIRST_DELAY_MS = 10;
const MAX_DELAY_MS = 400;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Full jitter: uniform in [0, min(cap, first·2^attempt)], at least a few ms. */
export function backoffMs(attempt: number): number {
  const cap = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt);
  return Math.max(5, Math.round(Math.random() * cap));
}

/** The deadline for a whole update: generous, since each network call is bounded on its own. */
export function casDeadlineMs(s: SharedSettings): number {
  return Math.max(30_000, 8 * s.timeoutMs);
}

export async function casUpdate<T>(
  cwd: string,
  s: SharedSettings,
  compute: (base: Snapshot, fresh: boolean) => CasStep<T>,
  options: CasOptions,
): Promise<CasResult<T>> {
  const sleep = options.sleep ?? defaultSleep;
  const maxAttempts = options.maxAttempts ?? MAX_ATTEMPTS;
  const started = Date.now();
  const deadline = started + (options.deadlineMs ?? casDeadlineMs(s));
  let attempts = 0;

  // A fetch can collide with another local process updating the same tracking ref.
  const fetchFresh = async (): Promise<Snapshot> => {
    for (let busy = 0; ; busy++) {
      try {
        return await fetchState(cwd, s);
      } catch (error) {
        if (!(error instanceof LocalRefBusy) || busy >= 10) throw error;
        await sleep(backoffMs(busy));
      }
    }
  };

  let fresh = false;
  let base = options.initial ?? (await readTracking(cwd, s));
  let confirmedAt = new Date();
  if (!base) {
    base = await fetchFresh();
    fresh = true;
    confirmedAt = new Date();
  }
  for (;;) {
    attempts++;
    const step = compute(base, fresh);
    if (!fresh && (!step.changed || step.needsFresh)) {
      base = await fetchFresh();
      fresh = true;
      confirmedAt = new Date();
      continue;
    }
    if (!step.changed) {
      const snapshot = base;
      return {
        value: step.value,
        snapshot,
        confirmedAt,
        pushed: false,
        attempts,
        advance: async () => undefined,
      };
    }

    const sha = await writeCommit(
      cwd,
      step.doc,
      base.sha,
      step.message,
      options.ident,
      options.env,
    );
    const outcome = await pushState(cwd, s, sha, base.sha);
    if (outcome === 'ok') {
      const from = base.sha;
      debug(`${step.message} (attempt ${attempts})`);
      return {
        value: step.value,
        snapshot: { sha, doc: step.doc },
        confirmedAt: new Date(),
        pushed: true,
        attempts,
        advance: () => advanceTracking(cwd, s, sha, from),
      };
    }
    if (attempts >= maxAttempts || Date.now() >= deadline)
      throw new QlockError(
        messages.sharedBusy(s.remote, attempts, Math.round((Date.now() - started) / 1000)),
      );
    await sleep(backoffMs(attempts));
    base = await fetchFresh();
    fresh = true;
    confirmedAt = new Date();
  }
}
