import os from 'node:os';

/**
 * How many git processes to run at once. Git work here is CPU-bound and the machines this runs on
 * are small (2 cores), so more than a couple per core only adds contention.
 */
export function gitConcurrency(): number {
  return Math.max(2, Math.min(8, os.availableParallelism()));
}

/** Maps `items` through `fn` with at most `limit` calls in flight, keeping the order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
