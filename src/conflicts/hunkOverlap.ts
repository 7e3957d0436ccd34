import { structuredPatch } from 'diff';

/**
 * Line-range overlap of two sides' edits of one file against their common base, with the diff
 * package. Ranges are in *boundary* coordinates of the base (boundary k lies between line k and
 * line k+1; 0 is the start): changing lines s..e occupies [s-1, e], inserting after line k
 * occupies [k, k]. Two edits "intersect or touch" when their intervals meet, which is exactly when
 * git's three-way merge refuses to merge them (adjacent lines conflict; one untouched line between
 * them merges cleanly); test/unit/overlapHunks.test.ts checks this against merge-tree.
 */

export interface LineRange {
  start: number;
  end: number;
}

/** Git's binary heuristic: a NUL byte in the first 8000 bytes. */
export function isBinary(content: Buffer | undefined): boolean {
  if (!content) return false;
  return content.subarray(0, 8000).includes(0);
}

function lineCount(text: string): number {
  if (!text) return 0;
  const n = text.split('\n').length;
  return text.endsWith('\n') ? n - 1 : n;
}

/**
 * The base ranges `side` changed. A diff that gives up (too large, too slow) counts as changing
 * the whole file: conservative, a give-up only happens for near-total rewrites anyway.
 */
export function changedRanges(base: string, side: string): LineRange[] {
  if (base === side) return [];
  const patch = structuredPatch('base', 'side', base, side, '', '', {
    context: 0,
    // ~90 ms to give up on a 20k-line rewrite; 1000 edits is several hundred changed lines.
    timeout: 500,
    maxEditLength: 1000,
  });
  if (!patch) return [{ start: 0, end: lineCount(base) }];
  // jsdiff reports a pure insertion after line k with oldStart k+1 and oldLines 0, so one formula
  // covers both cases (checked in the unit tests).
  return patch.hunks.map((h) => ({ start: h.oldStart - 1, end: h.oldStart - 1 + h.oldLines }));
}

export function rangesTouch(a: readonly LineRange[], b: readonly LineRange[]): boolean {
  for (const x of a) for (const y of b) if (x.start <= y.end && y.start <= x.end) return true;
  return false;
}

export interface PathVerdict {
  /** `hunk` when the line ranges intersect or touch (or one side deleted/created the file). */
  kind: 'file' | 'hunk';
  binary: boolean;
  /** Both sides end with the same content: git merges that cleanly. */
  identical: boolean;
  /** The verdict from the lines alone, for when merge-tree is unavailable. */
  cleanByLines: boolean;
}

function same(a: Buffer | undefined, b: Buffer | undefined): boolean {
  if (!a || !b) return a === b;
  return a.equals(b);
}

/** Classifies one path both sides changed; `undefined` content = the file does not exist there. */
export function classifyPath(
  base: Buffer | undefined,
  a: Buffer | undefined,
  b: Buffer | undefined,
): PathVerdict {
  const identical = same(a, b);
  const changedA = !same(base, a);
  const changedB = !same(base, b);
  if (isBinary(base) || isBinary(a) || isBinary(b)) {
    // No line ranges in a binary file: any change on both sides collides.
    const clean = identical || !changedA || !changedB;
    return { kind: 'file', binary: true, identical, cleanByLines: clean };
  }
  // latin1 maps bytes 1:1, so lines compare exactly whatever the encoding.
  const text = (buf: Buffer | undefined) => (buf ? buf.toString('latin1') : '');
  const baseText = text(base);
  const touch =
    changedA &&
    changedB &&
    rangesTouch(changedRanges(baseText, text(a)), changedRanges(baseText, text(b)));
  // Creating or deleting the whole file on one side touches every line the other changed; an
  // empty base has no lines, so two creations are caught as insertions at boundary 0.
  const kind = touch ? 'hunk' : 'file';
  return { kind, binary: false, identical, cleanByLines: identical || !touch };
}
