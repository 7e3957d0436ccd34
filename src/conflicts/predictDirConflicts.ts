import fs from 'node:fs';
import path from 'node:path';

import { dirChangeSet, snapshotContent } from '../changes/snapshot.js';
import { StateError } from '../errors.js';
import type { Workspace } from '../project/openWorkspace.js';
import { readRegistry } from '../store/registry.js';
import { messages } from '../ui/messages.js';
import { classifyPath } from './hunkOverlap.js';
import { selectSessions } from './selectSessions.js';
import type { ConflictReport, PairReport, PathOverlap, PredictOptions } from './types.js';

/**
 * Plain directories (no git, so no merge): file and hunk overlap from each session's snapshot.
 *
 * A session's changes are measured against its own snapshot (taken when it was registered; for a
 * `qlock new --copy` session that is the project's tree at the moment of the copy). For a path
 * both changed, the common base is that snapshot content when the two snapshots hold the same
 * version of the file, which is the usual case. When they differ (the copies were made at
 * different times and the file changed in between), line numbers of the two sides are not
 * comparable, so the overlap counts as a hunk overlap that does not merge cleanly unless both
 * sides ended identical: conservative, never a missed conflict.
 *
 * Without merge-tree, a predicted conflict is an overlap that does not merge by its lines.
 */

function readCurrent(root: string, rel: string): Buffer | undefined {
  try {
    return fs.readFileSync(path.join(root, rel));
  } catch {
    return undefined;
  }
}

function same(a: Buffer | undefined, b: Buffer | undefined): boolean {
  if (!a || !b) return a === b;
  return a.equals(b);
}

export async function predictDirConflicts(
  ws: Workspace,
  options: PredictOptions = {},
): Promise<ConflictReport> {
  const { project, config } = ws;
  const registry = readRegistry(project.stateDir);
  const selected = selectSessions(registry.sessions, options.sessions);
  const notes = [messages.conflictsPlainDir()];
  const changed = new Map<string, Set<string>>();
  const deleted = new Map<string, Set<string>>();
  for (const s of selected) {
    if (!s.snapshot) continue;
    try {
      const set = dirChangeSet(project.stateDir, s.snapshot, s.path, config.ignore);
      changed.set(s.name, new Set(set.all));
      deleted.set(s.name, new Set(set.deleted));
    } catch (error) {
      // A damaged snapshot (StateError: it names the file and the fix) leaves that session out.
      if (!(error instanceof StateError)) throw error;
      notes.push(messages.conflictsSnapshotUnreadable(s.name, error.message));
    }
  }
  const sessions = selected.filter((s) => changed.has(s.name));
  const pairs: PairReport[] = [];
  const total = (sessions.length * (sessions.length - 1)) / 2;
  let done = 0;
  for (let i = 0; i < sessions.length; i++) {
    for (let j = i + 1; j < sessions.length; j++) {
      const a = sessions[i]!;
      const b = sessions[j]!;
      if (
        options.pairsWith !== undefined &&
        a.name !== options.pairsWith &&
        b.name !== options.pairsWith
      )
        continue;
      const inB = changed.get(b.name)!;
      const overlaps: PathOverlap[] = [];
      for (const rel of [...changed.get(a.name)!].filter((p) => inB.has(p)).sort()) {
        const baseA = snapshotContent(project.stateDir, a.snapshot!, rel);
        const baseB = snapshotContent(project.stateDir, b.snapshot!, rel);
        const contentA = readCurrent(a.path, rel);
        const contentB = readCurrent(b.path, rel);
        const deletedBy = [a, b].filter((s) => deleted.get(s.name)?.has(rel)).map((s) => s.name);
        const by = deletedBy.length ? { deletedBy } : {};
        if (same(baseA, baseB)) {
          const verdict = classifyPath(baseA, contentA, contentB);
          overlaps.push({ path: rel, kind: verdict.kind, clean: verdict.cleanByLines, ...by });
        } else {
          overlaps.push({ path: rel, kind: 'hunk', clean: same(contentA, contentB), ...by });
        }
      }
      const paths = overlaps.filter((o) => !o.clean).map((o) => o.path);
      pairs.push({ a: a.name, b: b.name, conflict: paths.length > 0, paths, overlaps });
      options.onProgress?.(++done, total);
    }
  }
  return { mergeTree: false, note: notes.join(' '), pairs };
}
