import { RefusedError } from '../errors.js';
import { readRegistry } from '../store/readRegistry.js';
import { createDebug } from '../ui/debug.js';
import { formatAge } from '../util/duration.js';
import {
  acquireLocks,
  type AcquireOptions,
  type AcquireResult,
  type LockRefusal,
  refusal,
} from './acquireLocks.js';
import { findBlockingLocks } from './lockTable.js';

export interface WaitingOptions extends Omit<AcquireOptions, 'now'> {
  /** The clock, read at every attempt (a lock may expire while we wait). */
  now: () => Date;
  /** How long to keep trying; 0 = one attempt. */
  waitMs: number;
  sleep?: (ms: number) => Promise<void>;
  /** Ends the wait early (the MCP client went away): the refusal, as if the time were up. */
  signal?: AbortSignal;
}

const debug = createDebug('locks');

const FIRST_DELAY_MS = 25;
const MAX_DELAY_MS = 1000;

const sleepUnless =
  (signal: AbortSignal | undefined) =>
  (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });

/**
 * acquireLocks, retried until the paths are free or `waitMs` has passed (`qlock lock --wait`).
 * Waiting happens outside the registry mutex: between attempts the registry is only read (a
 * lock-free consistent read), and the mutex is taken again once nothing blocks any more. Delays
 * grow from 25 ms to 1 s with jitter, so many waiters do not stampede the mutex together.
 */
export async function acquireLocksWaiting(
  stateDir: string,
  options: WaitingOptions,
): Promise<AcquireResult & { waitedMs: number }> {
  const { now, waitMs, signal, sleep = sleepUnless(signal), ...rest } = options;
  const start = now().getTime();
  let delay = FIRST_DELAY_MS;
  for (;;) {
    try {
      const result = await acquireLocks(stateDir, { ...rest, now: now() });
      return { ...result, waitedMs: now().getTime() - start };
    } catch (error) {
      if (!(error instanceof RefusedError) || waitMs <= 0) throw error;
      let holders = (error.details as LockRefusal).holders;
      debug(`waiting for ${holders.map((l) => `${l.session}:${l.path}`).join(', ')}`);
      for (;;) {
        const remaining = start + waitMs - now().getTime();
        if (remaining <= 0 || signal?.aborted)
          throw refusal([...new Set(rest.paths)], holders, now(), formatAge(waitMs));
        await sleep(Math.min(remaining, Math.round(delay * (0.5 + Math.random()))));
        delay = Math.min(MAX_DELAY_MS, delay * 1.5);
        const blocking = findBlockingLocks(readRegistry(stateDir), rest.paths, rest.session, now());
        if (!blocking.length) break;
        holders = blocking;
      }
    }
  }
}
