import type { Check, Finding } from '../doctor/types.js';
import { remoteExists } from '../git/branches.js';
import { messages } from '../ui/messages.js';
import { cloneId } from './identity.js';
import { fetchState, RemoteRefused, RemoteUnavailable } from './remoteStore.js';
import { sharedSettings } from './settings.js';
import { hasPendingWork, readPending } from './sharedFiles.js';
import { syncShared } from './syncShared.js';

/**
 * The shared area's doctor check (only when config `shared` is set): the remote exists and
 * answers, the qlock ref is readable, nothing waits to be shared, no conflict is unresolved.
 */
export const checkShared: Check = async (ws, ctx) => {
  const s = sharedSettings(ws.config);
  if (!s) return [];
  const check = 'shared';
  if (ws.project.kind !== 'git') return [{ check, ok: false, message: messages.sharedNeedsGit() }];
  const cwd = ws.project.worktreeRoot;
  const findings: Finding[] = [];

  if (/^[A-Za-z0-9._-]+$/.test(s.remote)) {
    if (!(await remoteExists(cwd, s.remote)))
      return [
        {
          check,
          ok: false,
          message: messages.doctorSharedNoRemote(s.remote),
          fix: `git remote add ${s.remote} <url>, or set shared.remote to an existing remote`,
        },
      ];
  }

  try {
    const { doc } = await fetchState(cwd, s);
    const me = cloneId(ws.project.stateDir);
    findings.push({
      check,
      ok: true,
      message: messages.doctorSharedOk(
        s.remote,
        s.ref,
        doc.locks.length,
        Object.keys(doc.presence).filter((c) => c !== me).length,
      ),
    });
  } catch (error) {
    if (!(error instanceof RemoteUnavailable || error instanceof RemoteRefused)) throw error;
    findings.push({
      check,
      ok: false,
      message:
        error instanceof RemoteRefused
          ? error.message
          : messages.doctorSharedUnreachable(s.remote, error.reason),
    });
  }

  const pending = readPending(ws.project.stateDir);
  if (hasPendingWork(pending)) {
    findings.push({
      check,
      ok: false,
      message: messages.doctorSharedPending(
        s.remote,
        pending.acquire.length,
        pending.release.length,
      ),
      fix: 'qlock shared sync',
      apply: async () => {
        const sync = await syncShared(ws.project, s, { now: () => ctx.now() });
        return sync.online
          ? `shared with ${s.remote}`
          : `still unreachable: ${sync.reason ?? 'unknown reason'}`;
      },
    });
  }
  for (const c of pending.conflicts)
    findings.push({ check, ok: false, message: messages.sharedConflict(c, s.remote, ctx.now()) });
  return findings;
};
