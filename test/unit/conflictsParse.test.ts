import { describe, expect, it } from 'vitest';

import { renderConflicts } from '../../src/commands/conflicts.js';
import { parseMergeTreeZ } from '../../src/conflicts/mergeTree.js';
import { untrackedInTheWay } from '../../src/git/merge.js';
import { parseNameStatusZ } from '../../src/git/objects.js';

const TREE = 'e9e5f00aca0eb1695c414f7bf7329f70f18a013e';

describe('parseMergeTreeZ', () => {
  it('reads the tree, the conflicted paths and the paths named by CONFLICT messages', () => {
    const out =
      `${TREE}\0f\0g\0\0` +
      '1\0f\0Auto-merging\0Auto-merging f\n\0' +
      '1\0f\0CONFLICT (contents)\0CONFLICT (content): Merge conflict in f\n\0' +
      '1\0g\0CONFLICT (modify/delete)\0CONFLICT (modify/delete): g deleted\n\0';
    expect(parseMergeTreeZ(out)).toEqual({
      tree: TREE,
      paths: ['f', 'g'],
      messagePaths: ['f', 'g'],
    });
  });

  it('a clean merge has only the tree', () => {
    expect(parseMergeTreeZ(`${TREE}\0\0`)).toEqual({ tree: TREE, paths: [], messagePaths: [] });
    expect(parseMergeTreeZ(`${TREE}\0`)).toEqual({ tree: TREE, paths: [], messagePaths: [] });
  });
});

describe('parseNameStatusZ', () => {
  it('keeps renames with their old name, copies as additions', () => {
    expect(
      parseNameStatusZ('M\0a.txt\0R087\0old.txt\0new.txt\0D\0gone\0C100\0x\0y\0A\0z\0'),
    ).toEqual([
      { path: 'a.txt', status: 'M' },
      { path: 'new.txt', status: 'R', from: 'old.txt' },
      { path: 'gone', status: 'D' },
      { path: 'y', status: 'A' },
      { path: 'z', status: 'A' },
    ]);
  });
});

describe('untrackedInTheWay', () => {
  it('reads the files git refuses to overwrite, and nothing from other errors', () => {
    const stderr =
      'error: The following untracked working tree files would be overwritten by merge:\n' +
      '\tscratch.txt\n\tdir é/n ü.txt\n' +
      'Please move or remove them before you merge.\nAborting\n';
    expect(untrackedInTheWay(stderr)).toEqual(['scratch.txt', 'dir é/n ü.txt']);
    expect(untrackedInTheWay('CONFLICT (content): Merge conflict in f\n')).toEqual([]);
  });
});

describe('renderConflicts', () => {
  it('shows conflicting pairs, overlaps and the summary; quiet pairs are counted only', () => {
    const text = renderConflicts({
      mergeTree: true,
      pairs: [
        {
          a: 'a',
          b: 'b',
          conflict: true,
          paths: ['src/x.ts'],
          overlaps: [
            { path: 'src/x.ts', kind: 'hunk', clean: false },
            { path: 'src/y.ts', kind: 'file', clean: true },
          ],
        },
        {
          a: 'a',
          b: 'main',
          conflict: true,
          paths: [],
          overlaps: [{ path: 'img/logo.png', kind: 'file', clean: false }],
        },
        { a: 'b', b: 'main', conflict: false, paths: [], overlaps: [] },
      ],
    });
    expect(text).toBe(
      [
        'a ↔ b: conflict in src/x.ts',
        '  overlapping: src/x.ts (same lines), src/y.ts (different lines, merges cleanly)',
        'a ↔ main: conflict in (git reports a conflict without naming paths)',
        '  overlapping: img/logo.png (both changed it)',
        '',
        '2 of 3 pairs predicted to conflict.',
        'Coordinate with the other session (`qlock note …`, `qlock lock <path>`), or bring base in with `qlock sync` before it grows.',
      ].join('\n'),
    );
    expect(renderConflicts({ mergeTree: false, note: 'fallback', pairs: [] })).toBe(
      'No pairs to check: fewer than two sessions, and no base to compare with.\nfallback',
    );
  });
});

describe('progressReporter', () => {
  it('writes progress to a terminal only after a second, and clears it', async () => {
    const { vi } = await import('vitest');
    const { progressReporter } = await import('../../src/ui/progress.js');
    vi.useFakeTimers({ now: 1_000_000 });
    try {
      const written: string[] = [];
      const tty = {
        isTTY: true,
        write: (t: string) => written.push(t),
      } as unknown as NodeJS.WriteStream;
      const progress = progressReporter(tty);
      progress.onProgress(1, 10);
      expect(written).toEqual([]);
      vi.setSystemTime(1_001_500);
      progress.onProgress(2, 10);
      progress.onProgress(10, 10);
      progress.finish();
      // Each line overwrites the last, and the end clears it: no escape codes (NO_COLOR, TERM=dumb).
      const line = 'qlock: checking conflicts 2/10…';
      expect(written).toEqual([
        `\r${line}`,
        `\r${'qlock: checking conflicts 10/10…'.padEnd(line.length)}`,
        `\r${' '.repeat(line.length + 1)}\r`,
      ]);
      expect(written.join('')).not.toContain('\x1b');

      const pipe = {
        isTTY: false,
        write: (t: string) => written.push(t),
      } as unknown as NodeJS.WriteStream;
      const quiet = progressReporter(pipe);
      vi.setSystemTime(1_010_000);
      quiet.onProgress(5, 10);
      quiet.finish();
      expect(written).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
