import { describe, expect, it } from 'vitest';

import { classifyPath } from '../../src/conflicts/hunkOverlap.js';
import { mergeTree } from '../../src/conflicts/mergeTree.js';
import { makeRepo } from '../helpers/repo.js';

/**
 * The line-range rule must agree with git's own three-way merge, or the fallback (git < 2.38,
 * plain directories) would predict differently from merge-tree. Each case edits a 10-line file
 * on two branches; both verdicts are compared.
 */
type Edit = (lines: string[]) => void;
const change =
  (n: number, text: string): Edit =>
  (l) =>
    void (l[n - 1] = text);
const insertAfter =
  (n: number, text: string): Edit =>
  (l) =>
    void l.splice(n, 0, text);
const remove =
  (n: number): Edit =>
  (l) =>
    void l.splice(n - 1, 1);

const CASES: [string, Edit, Edit][] = [
  ['same line', change(3, 'A'), change(3, 'B')],
  ['adjacent lines', change(3, 'A'), change(4, 'B')],
  ['one line between', change(3, 'A'), change(5, 'B')],
  ['insertion next to a change', insertAfter(3, 'A'), change(4, 'B')],
  ['insertion one line away', insertAfter(3, 'A'), change(5, 'B')],
  ['insertion two lines away', insertAfter(2, 'A'), change(4, 'B')],
  ['two insertions at one place', insertAfter(3, 'A'), insertAfter(3, 'B')],
  ['insertions a line apart', insertAfter(3, 'A'), insertAfter(4, 'B')],
  ['deletion next to a change', remove(3), change(4, 'B')],
  ['deletion one line away', remove(3), change(5, 'B')],
  ['both append', insertAfter(10, 'A'), insertAfter(10, 'B')],
  ['first and last line', change(1, 'A'), change(10, 'B')],
];

describe('line-range overlap agrees with git merge-tree', () => {
  it.each(CASES)('%s', async (_name, editA, editB) => {
    const base = Array.from({ length: 10 }, (_, i) => `${i + 1}`);
    const text = (edit: Edit) => {
      const copy = [...base];
      edit(copy);
      return copy.join('\n') + '\n';
    };
    const repo = makeRepo({ files: { 'f.txt': base.join('\n') + '\n' } });
    repo.git(['checkout', '-q', '-b', 'x']);
    repo.write('f.txt', text(editA));
    const a = repo.commitAll('a');
    repo.git(['checkout', '-q', '-b', 'y', 'main']);
    repo.write('f.txt', text(editB));
    const b = repo.commitAll('b');
    const git = await mergeTree(repo.root, a, b);
    const ours = classifyPath(
      Buffer.from(base.join('\n') + '\n'),
      Buffer.from(text(editA)),
      Buffer.from(text(editB)),
    );
    expect(ours.cleanByLines).toBe(!git.conflict);
    expect(ours.kind).toBe(git.conflict ? 'hunk' : 'file');
  });
});
