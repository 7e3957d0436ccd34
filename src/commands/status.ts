import type { Context } from '../context.js';
import { lockCovers } from '../locks/lockTable.js';
import { openWorkspace } from '../project/openWorkspace.js';
import { requireSession } from '../sessions/resolveSession.js';
import type { RemoteListing } from '../shared/remoteListing.js';
import { otherMachinesLocks } from '../shared/sharedMode.js';
import { collectStatus, type StatusResult } from '../status/collectStatus.js';
import { readRegistry } from '../store/registry.js';
import { c } from '../ui/color.js';
import { messages } from '../ui/messages.js';
import { progressReporter } from '../ui/progress.js';
import { formatAge } from '../util/duration.js';

export interface StatusOptions {
  name?: string;
  verbose?: boolean;
}

/** `status --json`: in shared mode also `shared`, the locks other machines hold on the remote. */
export type StatusOutput = StatusResult & { shared?: RemoteListing };

export async function status(options: StatusOptions, ctx: Context): Promise<StatusOutput> {
  const ws = await openWorkspace(ctx);
  if (options.name) requireSession(readRegistry(ws.project.stateDir), options.name);
  // The conflict scan over many sessions can take a while: progress on stderr (a TTY only).
  const progress = progressReporter();
  // Other machines' locks (shared mode: a fetch once its cache is old), asked while the trees
  // are scanned.
  const remote = otherMachinesLocks(ws, ctx.now(), (line) => ctx.err(line));
  remote.catch(() => undefined); // awaited below; never unhandled if the scan throws first
  let result: StatusOutput;
  try {
    result = await collectStatus(ws, ctx, { onProgress: progress.onProgress });
  } finally {
    progress.finish();
  }
  await addRemoteLocks(await remote, result, ctx);
  if (options.name) {
    result.sessions = result.sessions.filter((s) => s.name === options.name);
  }
  return result;
}

/**
 * Shared mode: other machines' locks (read as the git hooks read them, with the same warning when
 * the remote cannot be reached), and an attention item for every changed file one of them covers.
 */
async function addRemoteLocks(
  remote: RemoteListing | undefined,
  result: StatusOutput,
  ctx: Context,
): Promise<void> {
  const now = ctx.now();
  if (!remote) return;
  result.shared = remote;
  const { sharedHolder } = await import('../ui/messages/remoteHolder.js');
  for (const row of result.sessions) {
    for (const lock of remote.locks) {
      for (const p of row.changed.filter((f) => lockCovers(lock.path, f)))
        row.attention.push({
          kind: 'locked',
          message: messages.statusLockedRemote(p, sharedHolder(lock, now)),
        });
    }
  }
}

const STATE_COLOR = { active: c.green, idle: c.dim, stale: c.yellow, missing: c.red } as const;

export function renderStatus(result: StatusResult, options: StatusOptions, now: Date): string {
  const lines: string[] = [];
  const p = result.project;
  lines.push(
    c.bold(`qlock: ${p.root}`) + c.dim(p.git ? `  (base ${p.base})` : '  (plain directory)'),
  );
  if (!result.sessions.length) {
    lines.push(
      'No sessions yet. Create one with `qlock new NAME`, or register this directory with `qlock join`.',
    );
    return lines.join('\n');
  }
  for (const s of result.sessions) {
    const age = formatAge(now.getTime() - Date.parse(s.lastSeen));
    const where = s.branch ? `${s.branch}` : '';
    const ab = p.git ? ` ↑${s.ahead} ↓${s.behind}` : '';
    lines.push('');
    lines.push(
      `${c.bold(s.name)}  ${STATE_COLOR[s.state](s.state)}  ${where}${ab}  ${c.dim(`seen ${age} ago`)}`,
    );
    lines.push(c.dim(`  ${s.path}`));
    const ch = s.changes;
    const deleted = new Set(ch.deleted);
    const modified = ch.unstaged.length - deleted.size;
    const counts = [
      ch.committed.length && `${ch.committed.length} committed`,
      ch.staged.length && `${ch.staged.length} staged`,
      modified && `${modified} modified`,
      deleted.size && `${deleted.size} deleted`,
      ch.untracked.length && `${ch.untracked.length} untracked`,
    ].filter(Boolean);
    lines.push(`  changes: ${counts.length ? counts.join(', ') : 'none'}`);
    const file = (f: string) => (deleted.has(f) ? `${f} ${c.dim('(deleted)')}` : f);
    if (s.changed.length && (options.verbose || s.changed.length <= 8)) {
      for (const f of s.changed) lines.push(`    ${file(f)}`);
    } else if (s.changed.length) {
      for (const f of s.changed.slice(0, 5)) lines.push(`    ${file(f)}`);
      lines.push(c.dim(`    … ${s.changed.length - 5} more (--verbose)`));
    }
    const locks = result.locks.filter((l) => l.session === s.name);
    if (locks.length) {
      lines.push(
        `  locks: ${locks.map((l) => (l.stale ? `${l.path} ${c.yellow('(stale)')}` : l.path)).join(', ')}`,
      );
    }
    if (s.conflicts) lines.push(`  ${c.red(`conflicts: ${s.conflicts} predicted`)}`);
    if (s.unread) lines.push(`  inbox: ${s.unread} unread`);
    for (const a of s.attention) {
      if (a.kind === 'unread') continue;
      lines.push(`  ${c.yellow('!')} ${a.message}`);
    }
  }
  if (result.notes.length) lines.push('');
  for (const note of result.notes) lines.push(c.dim(note));
  return lines.join('\n');
}
