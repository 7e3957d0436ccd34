/**
 * Debug logs named by module, silent unless --debug or QLOCK_DEBUG=1, with +Nms since the previous
 * line (hook latency is what we most often debug).
 */
let enabled = process.env.QLOCK_DEBUG === '1';
// Date.now, not performance.now: the global `performance` loads perf_hooks (~1 ms) on first use,
// which every hot command would pay for nothing while debugging is off.
let last = Date.now();

export function enableDebug(): void {
  enabled = true;
}

export function isDebug(): boolean {
  return enabled;
}

export function createDebug(name: string): (message: string, ...rest: unknown[]) => void {
  return (message, ...rest) => {
    if (!enabled) return;
    const now = Date.now();
    const delta = Math.round(now - last);
    last = now;
    const extra = rest.length
      ? ' ' + rest.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join(' ')
      : '';
    process.stderr.write(`qlock:${name} ${message}${extra} +${delta}ms\n`);
  };
}
