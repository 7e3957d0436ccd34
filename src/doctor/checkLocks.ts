import { describeLocks } from '../locks/describeLocks.js';
import { isLockHonoured, locksOverlap } from '../locks/lockTable.js';
import { readRegistry, updateRegistry } from '../store/registry.js';
import { messages } from '../ui/messages.js';
import type { Check, Finding } from './types.js';

/**
 * The locks area's doctor check: stale locks (harmless, but clutter `qlock locks`), and the
 * invariant that no two sessions hold overlapping honoured locks (only a hand-edited registry or
 * a bug could break it; it is reported, never repaired automatically).
 */
export const checkLocks: Check = async (ws, ctx) => {
  const { stateDir } = ws.project;
  let registry;
  try {
    registry = readRegistry(stateDir);
  } catch {
    return []; // the state check reports an unreadable registry
  }
  const now = ctx.now();
  const findings: Finding[] = [];
  const views = describeLocks(registry, now);
  const stale = views.filter((l) => l.stale);
  if (stale.length) {
    findings.push({
      // Not a failure: a stale lock is not honoured, so it blocks nobody; it only clutters.
      check: 'locks',
      ok: true,
      note: true,
      message: messages.doctorStaleLocks(stale.map((l) => `${l.path} (${l.session})`)),
      fix: 'qlock gc (or qlock doctor --fix)',
      apply: async () => {
        const removed = await updateRegistry(stateDir, ({ registry: current }) => {
          const at = ctx.now();
          const gone = current.locks.filter((l) => !isLockHonoured(l, current, at));
          current.locks = current.locks.filter((l) => !gone.includes(l));
          return gone.length;
        });
        return `removed ${removed} stale lock(s)`;
      },
    });
  }
  const live = views.filter((l) => !l.stale);
  for (let i = 0; i < live.length; i++) {
    for (let j = i + 1; j < live.length; j++) {
      const a = live[i]!;
      const b = live[j]!;
      if (a.session !== b.session && locksOverlap(a.path, b.path)) {
        findings.push({
          check: 'locks',
          ok: false,
          message: messages.doctorOverlappingLocks(a.path, a.session, b.path, b.session),
          fix: `qlock unlock --force PATH for the lock that should not be there`,
        });
      }
    }
  }
  if (!findings.some((f) => !f.ok))
    findings.push({ check: 'locks', ok: true, message: messages.doctorLocksOk(views.length) });
  return findings;
};
