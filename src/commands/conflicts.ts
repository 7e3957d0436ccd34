import fs from 'node:fs';

import { noticeMainMoved } from '../conflicts/noticeMainMoved.js';
import { predictConflicts } from '../conflicts/predictConflicts.js';
import type { ConflictReport, PairReport, PredictOptions } from '../conflicts/types.js';
import type { Context } from '../context.js';
import { ExitCode, UsageError } from '../errors.js';
import { openWorkspace, resolveBase } from '../project/openWorkspace.js';
import { readRegistry } from '../store/registry.js';
import { c } from '../ui/color.js';
import { messages } from '../ui/messages.js';
import { progressReporter } from '../ui/progress.js';

export interface ConflictsOptions {
  a?: string;
  b?: string;
  check?: boolean;
}

export interface ConflictsResult extends ConflictReport {
  /** A git project (false: plain directories, no base to sync with). */
  git?: boolean;
  exitCode?: number;
}

/**
 * `qlock conflicts [a [b]] [--check]`: pairwise prediction. No names: every pair of sessions and
 * each session against its base. One name: the pairs with that session (or, for the base
 * branch, every session against it). Two names: that pair.
 */
export async function conflicts(options: ConflictsOptions, ctx: Context): Promise<ConflictsResult> {
  const ws = await openWorkspace(ctx);
  const registry = readRegistry(ws.project.stateDir);
  const names = Object.keys(registry.sessions).sort();
  const defaultBase = ws.project.kind === 'git' ? await resolveBase(ws) : undefined;
  const bases = new Set(Object.values(registry.sessions).map((s) => s.base || defaultBase));
  const isSession = (n: string) => registry.sessions[n] !== undefined;
  const isBase = (n: string) => ws.project.kind === 'git' && bases.has(n);
  for (const n of [options.a, options.b]) {
    if (n !== undefined && !isSession(n) && !isBase(n))
      throw new UsageError(messages.conflictsUnknownPair(n, names));
  }
  if (options.a !== undefined && options.a === options.b)
    throw new UsageError(messages.conflictsSamePair(options.a));

  const predict: PredictOptions = {};
  let keep = (_p: PairReport) => true;
  const { a, b } = options;
  if (a !== undefined && b !== undefined) {
    const sessions = [a, b].filter(isSession);
    predict.sessions = sessions;
    predict.includeBase = sessions.length === 1;
    if (sessions.length === 0) throw new UsageError(messages.conflictsSamePair(a));
    keep = (p) => (p.a === a && p.b === b) || (p.a === b && p.b === a);
  } else if (a !== undefined) {
    predict.pairsWith = a;
    if (!isSession(a)) keep = (p) => p.b === a;
  }

  // Whoever reads conflicts also hears that base moved (the event says what it means for them).
  await noticeMainMoved(ws, ctx.now());
  const progress = progressReporter();
  predict.onProgress = progress.onProgress;
  let report: ConflictReport;
  try {
    report = await predictConflicts(ws, predict);
  } finally {
    progress.finish();
  }
  // Sessions whose directory is gone have no work to snapshot: say so rather than skip them.
  const asked = predict.sessions ?? names;
  const gone = asked.filter((n) => !fs.existsSync(registry.sessions[n]!.path));
  const notes = [...(gone.length ? [messages.conflictsMissing(gone)] : []), report.note ?? ''];
  const note = notes.filter(Boolean).join(' ');
  const result: ConflictsResult = {
    ...report,
    ...(note ? { note } : {}),
    pairs: report.pairs.filter(keep),
    git: ws.project.kind === 'git',
  };
  if (options.check && result.pairs.some((p) => p.conflict)) result.exitCode = ExitCode.refused;
  return result;
}

function describeOverlap(o: PairReport['overlaps'][number]): string {
  // A file overlap that does not merge has no line story to tell (a binary file, or git
  // conflicting for another reason): do not call its lines different.
  const how = o.deletedBy?.length
    ? `deleted by ${o.deletedBy.join(' and ')}`
    : o.kind === 'hunk'
      ? 'same lines'
      : o.clean
        ? 'different lines'
        : 'both changed it';
  return `${o.path} (${how}${o.clean ? ', merges cleanly' : ''})`;
}

export function renderConflicts(result: ConflictsResult): string {
  const lines: string[] = [];
  const shown = result.pairs.filter((p) => p.conflict || p.overlaps.length);
  for (const p of shown) {
    const title = `${c.bold(p.a)} ↔ ${c.bold(p.b)}`;
    if (p.conflict) {
      const where = p.paths.length ? p.paths.join(', ') : messages.conflictsNoPathsListed();
      lines.push(`${title}: ${c.red('conflict')} in ${where}`);
    } else {
      lines.push(`${title}: ${c.green('merges cleanly')}`);
    }
    if (p.overlaps.length)
      lines.push(`  overlapping: ${p.overlaps.map(describeOverlap).join(', ')}`);
  }
  const conflicting = result.pairs.filter((p) => p.conflict).length;
  if (shown.length) lines.push('');
  if (conflicting) {
    lines.push(c.red(messages.conflictsSummary(conflicting, result.pairs.length)));
    lines.push(messages.conflictsHowToResolve(result.git !== false));
  } else {
    lines.push(messages.conflictsNone(result.pairs.length));
  }
  if (result.note) lines.push(c.dim(result.note));
  return lines.join('\n');
}
