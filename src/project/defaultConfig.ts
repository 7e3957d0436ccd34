import type { Config } from './configSchema.js';

/**
 * The defaults, as plain data so that the hot paths need not import zod. They must equal
 * configSchema.parse({}); test/unit/config.test.ts checks that.
 */
export const DEFAULT_CONFIG: Config = Object.freeze({
  worktreeDir: '../{repo}-{name}',
  branchPrefix: 'qlock/',
  maxSessions: 10,
  staleAfter: '2h',
  idleAfter: '15m',
  lockTtl: null,
  onLocked: 'block',
  onOverlap: 'warn',
  onConflict: 'warn',
  failClosed: false,
  autoJoin: true,
  autoLock: false,
  ignore: [],
  watch: { usePolling: false, interval: 1000, debounce: 100 },
  notify: { desktop: false, bell: false },
  land: { strategy: 'ff', sync: 'rebase', check: null, checkTimeout: '30m' },
  shared: null,
}) as Config;
