/**
 * Debug logs named by module, silent unless --debug or QLOCK_DEBUG=1, with +Nms since the previous
 * line (hook latency is what we most often debug).
 */
/**
 * Kept on globalThis so that every copy of this module (each fast-path bundle carries one, beside
 * the dist/ modules it loads lazily) sees one switch: --debug reaches them all.
 */
const STATE = Symbol.for('qlock.debug');
interface DebugState {
  enabled: boolean;
  last: number;
}
function state(): DebugState {
  const holder = globalThis as { [STATE]?: DebugState };
  // Date.now, not performance.now: the global `performance` loads perf_hooks (~1 ms) on first
  // use, which every hot command would pay for nothing while debugging is off.
  return (holder[STATE] ??= { enabled: process.env.QLOCK_DEBUG === '1', last: Date.now() });
}

export function enableDebug(): void {
  state().enabled = true;
}

export function isDebug(): boolean {
  return state().enabled;
}

export function createDebug(name: string): (message: string, ...rest: unknown[]) => void {
  return (message, ...rest) => {
    const shared = state();
    if (!shared.enabled) return;
    const now = Date.now();
    const delta = Math.round(now - shared.last);
    shared.last = now;
    const extra = rest.length
      ? ' ' + rest.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join(' ')
      : '';
    process.stderr.write(`qlock:${name} ${message}${extra} +${delta}ms\n`);
  };
}
