import fs from 'node:fs';
import path from 'node:path';

import { deleteSnapshot, discardSnapshot, leftoverSnapshots } from '../changes/snapshot.js';
import type { Context } from '../context.js';
import { forgetWorktree } from '../git/forgetWorktree.js';
import { openWorkspace } from '../project/openWorkspace.js';
import { leftoverTempFiles } from '../store/atomicWrite.js';
import { withWorktreeMutex } from '../store/mutex.js';
import { readRegistry, updateRegistry } from '../store/registry.js';
import type { Session } from '../store/types.js';
import { messages } from '../ui/messages.js';
import { interruptedNews, undoInterruptedNew } from './interruptedNew.js';
import { goneForGood } from './sessionState.js';

export interface GcOptions {
  dryRun?: boolean;
}

export interface GcAction {
  kind:
    'session' | 'lock' | 'temp-file' | 'snapshot' | 'worktree-prune' | 'absent' | 'interrupted-new';
  target: string;
  reason: string;
}

export interface GcResult {
  dryRun: boolean;
  actions: GcAction[];
}

/**
 * `qlock gc`, and doctor's fix for a session whose directory is gone. Cleans up orphans: sessions whose directory is gone (their locks released, git's entry for that
 * worktree removed), expired locks, locks of sessions that no longer exist, temp files of killed
 * writers. A session whose directory is absent but that was active within `staleAfter` may be on
 * an unmounted disk or in the middle of a `mv`: it keeps its locks and is reported (`absent`) with
 * the command that removes it for good. Worktrees qlock did not register are never touched.
 */
export async function collectGarbage(options: GcOptions, ctx: Context): Promise<GcResult> {
  const { project, config } = await openWorkspace(ctx);
  const now = ctx.now();
  const plan = (registry = readRegistry(project.stateDir)): GcAction[] => {
    const actions: GcAction[] = [];
    const gone = new Set<string>();
    for (const s of Object.values(registry.sessions)) {
      if (fs.existsSync(s.path)) continue;
      if (!goneForGood(s, now, config.staleAfter)) {
        actions.push({
          kind: 'absent',
          target: s.name,
          reason: messages.gcAbsentKept(s.path, s.name),
        });
        continue;
      }
      gone.add(s.name);
      actions.push({ kind: 'session', target: s.name, reason: `directory ${s.path} is gone` });
    }
    for (const l of registry.locks) {
      if (gone.has(l.session)) {
        actions.push({
          kind: 'lock',
          target: l.path,
          reason: `held by removed session ${l.session}`,
        });
      } else if (!registry.sessions[l.session]) {
        actions.push({
          kind: 'lock',
          target: l.path,
          reason: `held by unknown session ${l.session}`,
        });
      } else if (l.expiresAt && Date.parse(l.expiresAt) <= now.getTime()) {
        actions.push({
          kind: 'lock',
          target: l.path,
          reason: `expired ${l.expiresAt} (held by ${l.session})`,
        });
      }
    }
    // Snapshots of sessions that are gone go with their session (above).
    const used = Object.values(registry.sessions).flatMap((s) => (s.snapshot ? [s.snapshot] : []));
    for (const rel of leftoverSnapshots(project.stateDir, used))
      actions.push({
        kind: 'snapshot',
        target: path.basename(rel),
        reason: 'no session uses it (left by a killed qlock process)',
      });
    return actions;
  };

  const temps = leftoverTempFiles(project.stateDir).map((f): GcAction => ({
    kind: 'temp-file',
    target: path.basename(f),
    reason: 'left by a killed qlock process',
  }));
  const interrupted = project.kind === 'git' ? interruptedNews(project.stateDir) : [];
  if (options.dryRun) {
    const leftovers = interrupted.map((r): GcAction => ({
      kind: 'interrupted-new',
      target: r.name,
      reason: messages.interruptedNew(r.name, r.dir, r.branch),
    }));
    return { dryRun: true, actions: [...plan(), ...temps, ...leftovers] };
  }
  const leftovers: GcAction[] = [];
  for (const record of interrupted) {
    const { removed, kept } = await undoInterruptedNew(project.root, project.stateDir, record);
    leftovers.push({
      kind: 'interrupted-new',
      target: record.name,
      reason: kept.length
        ? messages.newInterruptedKept(record.name, record.dir, kept)
        : messages.newInterruptedCleaned(record.name, removed),
    });
  }

  const discarded: (string | undefined)[] = [];
  const goneWorktrees: Session[] = [];
  const actions = await updateRegistry(project.stateDir, ({ registry, emit }) => {
    const done = plan(registry);
    for (const action of done.filter((a) => a.kind === 'snapshot'))
      discarded.push(discardSnapshot(project.stateDir, path.join('snapshots', action.target)));
    const goneSessions = new Set(done.filter((a) => a.kind === 'session').map((a) => a.target));
    const dropLocks = new Set(done.filter((a) => a.kind === 'lock').map((a) => a.target));
    for (const lock of registry.locks.filter((l) => dropLocks.has(l.path))) {
      if (registry.sessions[lock.session] && !goneSessions.has(lock.session)) {
        emit({
          kind: 'lock-broken',
          to: [lock.session],
          message: `Your lock on ${lock.path} expired and was released by gc.`,
          paths: [lock.path],
        });
      }
    }
    registry.locks = registry.locks.filter((l) => !dropLocks.has(l.path));
    for (const name of goneSessions) {
      // Renamed away here, deleted after the mutex: a big tree takes a while to delete.
      const session = registry.sessions[name];
      if (session?.kind === 'worktree') goneWorktrees.push(session);
      const snapshot = session?.snapshot;
      if (snapshot) discarded.push(discardSnapshot(project.stateDir, snapshot));
      delete registry.sessions[name];
      emit({
        kind: 'session-left',
        from: name,
        message: `Session "${name}" was removed by gc (its directory is gone).`,
      });
    }
    return done;
  });
  for (const dir of discarded) deleteSnapshot(dir);
  for (const file of leftoverTempFiles(project.stateDir)) fs.rmSync(file, { force: true });
  if (project.kind === 'git') {
    for (const session of goneWorktrees) {
      const forgot = await withWorktreeMutex(project.stateDir, () =>
        forgetWorktree(project.root, session.path),
      );
      if (forgot)
        actions.push({
          kind: 'worktree-prune',
          target: session.path,
          reason: `git's entry for the worktree of ${session.name}`,
        });
    }
  }
  return { dryRun: false, actions: [...actions, ...temps, ...leftovers] };
}
