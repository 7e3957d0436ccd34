import { hasCommit } from '../git/objects.js';
import { filesNotOnRemote, remoteUrl } from '../git/remote.js';
import type { HookInput, HookOutcome } from '../hooks/hookTypes.js';
import { formatHolder } from '../locks/formatHolder.js';
import { findBlockingLocks } from '../locks/lockTable.js';
import { sessionForPath } from '../sessions/resolveSession.js';
import { messages } from '../ui/messages.js';
import { cloneId } from './identity.js';
import { othersLocks } from './remoteDoc.js';
import { remoteView } from './remoteLocks.js';
import { type SharedSettings, sharedSettings } from './settings.js';
import { hasPendingWork, readPending } from './sharedFiles.js';
import { syncShared } from './syncShared.js';

/**
 * The pre-push hook: refuse (per `onLocked`) to push commits that change files someone else has
 * locked, on another machine (the shared remote's locks) or in another session here. git gives
 * the hook `<remote name> <url>` as arguments and one line per ref on stdin:
 * `<local ref> <local sha> <remote ref> <remote sha>`.
 *
 * The push is about to talk to the remote anyway, so this is also where changes made while the
 * remote was unreachable get reconciled, before the check.
 */

const ZERO = /^0+$/;

export interface PushUpdate {
  localRef: string;
  localSha: string;
  remoteRef: string;
  remoteSha: string;
}

export function parsePushLines(stdin: string): PushUpdate[] {
  const updates: PushUpdate[] = [];
  for (const line of stdin.split('\n')) {
    const [localRef, localSha, remoteRef, remoteSha] = line.trim().split(' ');
    if (!localRef || !localSha || !remoteRef || !remoteSha) continue;
    updates.push({ localRef, localSha, remoteRef, remoteSha });
  }
  return updates;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Files changed by the commits being pushed: reachable from the pushed tips but not from what the
 * remote already has (its old tips, and our tracking refs of that remote), merges included. One
 * git call.
 */
export async function pushedFiles(
  cwd: string,
  remoteName: string,
  updates: PushUpdate[],
): Promise<string[]> {
  const tips = updates.filter((u) => !ZERO.test(u.localSha)).map((u) => u.localSha);
  if (!tips.length) return [];
  const known: string[] = [];
  for (const u of updates) {
    if (ZERO.test(u.remoteSha)) continue;
    if (await hasCommit(cwd, u.remoteSha)) known.push(u.remoteSha);
  }
  return filesNotOnRemote(cwd, tips, known, remoteName);
}

/** Whether this push goes to the shared remote (by name, or by the same URL). */
async function isSharedRemote(
  cwd: string,
  s: SharedSettings,
  name: string,
  url: string,
): Promise<boolean> {
  if (name === s.remote || url === s.remote) return true;
  return (await remoteUrl(cwd, s.remote)) === url;
}

export async function handle(input: HookInput & { stdin?: string }): Promise<HookOutcome> {
  const { ws, registry, args, ctx, now } = input;
  const s = sharedSettings(ws.config);
  if (!s || ws.config.onLocked === 'off' || ws.project.kind !== 'git')
    return { block: false, lines: [] };
  const [remoteName = '', url = ''] = args;
  const updates = parsePushLines(input.stdin ?? (await readStdin())).filter(
    (u) =>
      !u.remoteRef.startsWith(`${s.refPrefix}/`) && !u.localRef.startsWith('refs/qlock-remote/'),
  );
  const cwd = ctx.cwd;
  const lines: string[] = [];

  // Pending changes from an offline spell: the remote is reachable now, reconcile first.
  if (
    hasPendingWork(readPending(ws.project.stateDir)) &&
    (await isSharedRemote(cwd, s, remoteName, url))
  ) {
    try {
      const sync = await syncShared(ws.project, s, { now: () => now });
      lines.push(...sync.warnings);
    } catch (error) {
      lines.push(
        messages.sharedSyncFailed(s.remote, (error as Error).message.split('\n')[0] ?? ''),
      );
    }
  }

  const files = await pushedFiles(cwd, remoteName, updates);
  if (!files.length) return { block: false, lines };

  // The push talks to the remote anyway: one more fetch is cheap, and a cached view could still
  // show a lock released a few seconds ago.
  const view = await remoteView(ws.project, s, now, { maxAgeMs: 0 });
  for (const w of view.warnings) if (!lines.includes(w)) lines.push(w);
  const self = sessionForPath(registry, cwd)?.name;
  const blocked: { path: string; holder: string }[] = [];
  for (const lock of othersLocks(view.doc, cloneId(ws.project.stateDir), files, now))
    blocked.push({ path: lock.path, holder: messages.sharedHolder(lock, now) });
  for (const lock of findBlockingLocks(registry, files, self, now))
    blocked.push({ path: lock.path, holder: formatHolder(lock, now) });
  if (!blocked.length) return { block: false, lines };

  const touched = (lockPath: string) =>
    files.filter((f) => f === lockPath || (lockPath.endsWith('/') && f.startsWith(lockPath)));
  const items = blocked.map((b) => ({ ...b, files: touched(b.path) }));
  const block = ws.config.onLocked === 'block';
  lines.push(block ? messages.prePushBlocked(items) : messages.prePushWarning(items));
  return { block, lines };
}
