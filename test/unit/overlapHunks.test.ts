import { describe, expect, it } from 'vitest';

import {
  changedRanges,
  classifyPath,
  isBinary,
  rangesTouch,
} from '../../src/conflicts/hunkOverlap.js';

const base = Array.from({ length: 10 }, (_, i) => `${i + 1}`).join('\n') + '\n';
const edit = (f: (lines: string[]) => void) => {
  const lines = base.split('\n');
  f(lines);
  return lines.join('\n');
};
const buf = (s: string) => Buffer.from(s);

describe('changedRanges (boundary coordinates of the base)', () => {
  it('maps a changed line k to [k-1, k] and an insertion after line k to [k, k]', () => {
    expect(
      changedRanges(
        base,
        edit((l) => (l[2] = 'X')),
      ),
    ).toEqual([{ start: 2, end: 3 }]);
    expect(
      changedRanges(
        base,
        edit((l) => l.splice(3, 0, 'NEW')),
      ),
    ).toEqual([{ start: 3, end: 3 }]);
    expect(
      changedRanges(
        base,
        edit((l) => l.splice(0, 0, 'NEW')),
      ),
    ).toEqual([{ start: 0, end: 0 }]);
    expect(
      changedRanges(
        base,
        edit((l) => l.splice(2, 1)),
      ),
    ).toEqual([{ start: 2, end: 3 }]);
    expect(changedRanges(base, '')).toEqual([{ start: 0, end: 10 }]);
    expect(changedRanges(base, base)).toEqual([]);
  });

  it('counts a diff that gives up as a change of the whole file', () => {
    const big = Array.from({ length: 30_000 }, (_, i) => `line ${i}`).join('\n');
    const other = Array.from({ length: 30_000 }, (_, i) => `other ${i}`).join('\n');
    expect(changedRanges(big, other)).toEqual([{ start: 0, end: 30_000 }]);
  });
});

describe('rangesTouch', () => {
  it('is true for intersecting or adjacent ranges, false with a line between', () => {
    expect(rangesTouch([{ start: 2, end: 3 }], [{ start: 3, end: 4 }])).toBe(true);
    expect(rangesTouch([{ start: 2, end: 3 }], [{ start: 4, end: 5 }])).toBe(false);
    expect(rangesTouch([{ start: 3, end: 3 }], [{ start: 3, end: 4 }])).toBe(true);
    expect(rangesTouch([{ start: 3, end: 3 }], [{ start: 4, end: 4 }])).toBe(false);
    expect(rangesTouch([], [{ start: 0, end: 9 }])).toBe(false);
  });
});

describe('classifyPath', () => {
  it('disjoint edits: a file overlap that merges by its lines', () => {
    expect(
      classifyPath(buf(base), buf(edit((l) => (l[1] = 'A'))), buf(edit((l) => (l[7] = 'B')))),
    ).toEqual({
      kind: 'file',
      binary: false,
      identical: false,
      cleanByLines: true,
    });
  });

  it('the same line: a hunk overlap that does not merge', () => {
    expect(
      classifyPath(buf(base), buf(edit((l) => (l[4] = 'A'))), buf(edit((l) => (l[4] = 'B')))),
    ).toMatchObject({
      kind: 'hunk',
      cleanByLines: false,
    });
  });

  it('identical edits touch but merge cleanly', () => {
    const same = buf(edit((l) => (l[4] = 'S')));
    expect(classifyPath(buf(base), same, Buffer.from(same))).toMatchObject({
      kind: 'hunk',
      identical: true,
      cleanByLines: true,
    });
  });

  it('deletion against a modification, and two creations, are hunk overlaps', () => {
    expect(classifyPath(buf(base), undefined, buf(edit((l) => (l[4] = 'B'))))).toMatchObject({
      kind: 'hunk',
      cleanByLines: false,
    });
    expect(classifyPath(undefined, buf('a\n'), buf('b\n'))).toMatchObject({
      kind: 'hunk',
      cleanByLines: false,
    });
  });

  it('binary files: a file overlap, clean only when identical', () => {
    const bin = Buffer.from([0, 1, 2]);
    expect(isBinary(bin)).toBe(true);
    expect(isBinary(buf('text'))).toBe(false);
    expect(classifyPath(bin, Buffer.from([0, 1, 3]), Buffer.from([0, 1, 4]))).toEqual({
      kind: 'file',
      binary: true,
      identical: false,
      cleanByLines: false,
    });
    expect(classifyPath(bin, Buffer.from([0, 9]), Buffer.from([0, 9]))).toMatchObject({
      cleanByLines: true,
    });
  });
});
