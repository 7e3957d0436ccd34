import { compareText } from '../util/compareText.js';
/** A path that two or more sessions' change sets share. */
export interface Overlap {
  path: string;
  sessions: string[];
  /** `file`: both changed the file; `hunk`: their changed lines intersect or touch. */
  kind: 'file' | 'hunk';
  /** For a file overlap: true when the edits are disjoint and will merge cleanly. */
  clean?: boolean;
}

/** File-level overlaps between change sets (session name → changed paths). */
export function fileOverlaps(changed: ReadonlyMap<string, readonly string[]>): Overlap[] {
  const bySession = new Map<string, string[]>();
  for (const [session, paths] of changed) {
    for (const p of paths) {
      const list = bySession.get(p);
      if (list) list.push(session);
      else bySession.set(p, [session]);
    }
  }
  const overlaps: Overlap[] = [];
  for (const [p, sessions] of bySession) {
    if (sessions.length > 1) overlaps.push({ path: p, sessions: sessions.sort(), kind: 'file' });
  }
  return overlaps.sort((a, b) => compareText(a.path, b.path));
}
