import fs from 'node:fs';
import path from 'node:path';

import { cacheDir } from '../conflicts/conflictCache.js';
import { hasMergeTreeWriteTree } from '../conflicts/mergeTree.js';
import { gitVersion } from '../git/repo.js';
import { readRegistry } from '../store/registry.js';
import { messages } from '../ui/messages.js';
import { isProcessAlive } from '../watch/watchPidFile.js';
import type { Check, Finding } from './types.js';

/** A private index lock older than this was left by a killed qlock (git holds it for ms). */
const STALE_LOCK_MS = 10 * 60_000;

/**
 * The conflicts area's doctor check: whether this git can predict conflicts exactly
 * (merge-tree --write-tree), and leftovers in the conflicts cache: private index copies of
 * sessions that are gone, and index locks left by a killed run (which make every later run fall
 * back to a slower throw-away copy). The cache is only a cache: removing it loses nothing.
 */
export const checkConflicts: Check = async (ws, ctx) => {
  const findings: Finding[] = [];
  if (ws.project.kind !== 'git') return findings;
  const root = ws.project.root;
  if (await hasMergeTreeWriteTree(root)) {
    findings.push({ check: 'conflicts', ok: true, message: messages.doctorMergeTreeOk() });
  } else {
    const version = (await gitVersion(root)).join('.');
    findings.push({
      check: 'conflicts',
      ok: false,
      message: messages.doctorNoMergeTree(version),
      fix: messages.doctorNoMergeTreeFix(),
    });
  }

  const dir = path.join(cacheDir(ws.project.stateDir), 'index');
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return findings;
  }
  let sessions: Set<string>;
  try {
    sessions = new Set(Object.keys(readRegistry(ws.project.stateDir).sessions));
  } catch {
    return findings; // the state check reports an unreadable registry
  }
  const now = ctx.now().getTime();
  const leftovers = names.filter((name) => {
    const file = path.join(dir, name);
    if (name.endsWith('.lock')) {
      try {
        return now - fs.statSync(file).mtimeMs > STALE_LOCK_MS;
      } catch {
        return false;
      }
    }
    // An index being seeded by a running qlock (snapshotTree.seedIndex) is not a leftover.
    const seeding = /\.seed-(\d+)-/.exec(name);
    if (seeding) return !isProcessAlive(Number(seeding[1]));
    return !sessions.has(name);
  });
  if (leftovers.length) {
    findings.push({
      check: 'conflicts',
      ok: false,
      message: messages.doctorConflictLeftovers(leftovers),
      fix: 'qlock doctor --fix',
      apply: async () => {
        for (const name of leftovers) fs.rmSync(path.join(dir, name), { force: true });
        return messages.doctorConflictLeftoversRemoved(leftovers.length);
      },
    });
  }
  return findings;
};
