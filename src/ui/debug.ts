/**
 * Debug logs named by module, silent unless --debug or QLOCK_DEBUG=1, with +Nms since the previous
 * line (hook latency is what we most often debug).
 */
/**
 * The switch is QLOCK_DEBUG itself: `--debug` sets it, so the qlock hooks that git runs for
 * qlock's own git calls (child processes, which inherit the environment) log too.
 */
export function enableDebug(): void {
  process.env.QLOCK_DEBUG = '1';
}

export function isDebug(): boolean {
  return process.env.QLOCK_DEBUG === '1';
}

// Date.now, not performance.now: the global `performance` loads perf_hooks (~1 ms) on first use,
// which every hot command would pay for nothing while debugging is off.
let last = Date.now();

export function createDebug(name: string): (message: string, ...rest: unknown[]) => void {
  return (message, ...rest) => {
    if (!isDebug()) return;
    const now = Date.now();
    const delta = Math.round(now - last);
    last = now;
    const extra = rest.length
      ? ' ' + rest.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join(' ')
      : '';
    process.stderr.write(`qlock:${name} ${message}${extra} +${delta}ms\n`);
  };
}
