import { describe, expect, it } from 'vitest';

import { parseStatusV2Z } from '../../src/git/status.js';

/** `git status --porcelain=v2 -z --branch` as the change set reads it. */
const SHA = 'a'.repeat(40);
const ZERO = '0'.repeat(40);

function z(...entries: string[]): string {
  return entries.map((e) => `${e}\0`).join('');
}

describe('parseStatusV2Z', () => {
  it('reads the branch and HEAD from the headers', () => {
    expect(parseStatusV2Z(z(`# branch.oid ${SHA}`, '# branch.head qlock/feature-a'))).toEqual({
      staged: [],
      unstaged: [],
      untracked: [],
      head: SHA,
      branch: 'qlock/feature-a',
    });
  });

  it('a detached HEAD has no branch; an unborn one has no head', () => {
    expect(
      parseStatusV2Z(z(`# branch.oid ${SHA}`, '# branch.head (detached)')).branch,
    ).toBeUndefined();
    const unborn = parseStatusV2Z(z('# branch.oid (initial)', '# branch.head main'));
    expect(unborn.head).toBeUndefined();
    expect(unborn.branch).toBe('main');
  });

  it('sorts entries into staged, unstaged and untracked; paths keep spaces and unicode', () => {
    const out = parseStatusV2Z(
      z(
        `# branch.oid ${SHA}`,
        '# branch.head main',
        `1 M. N... 100644 100644 100644 ${SHA} ${SHA} staged only.txt`,
        `1 .M N... 100644 100644 100644 ${SHA} ${SHA} src/unstaged ✓.ts`,
        `1 MM N... 100644 100644 100644 ${SHA} ${SHA} both.txt`,
        `1 A. N... 000000 100644 100644 ${ZERO} ${SHA} added.txt`,
        `1 .D N... 100644 100644 000000 ${SHA} ${SHA} deleted.txt`,
        `u UU N... 100644 100644 100644 100644 ${SHA} ${SHA} ${SHA} conflicted file.txt`,
        '? new dir/untracked.txt',
        '! ignored.log',
      ),
    );
    expect(out.staged).toEqual(['staged only.txt', 'both.txt', 'added.txt', 'conflicted file.txt']);
    expect(out.unstaged).toEqual([
      'src/unstaged ✓.ts',
      'both.txt',
      'deleted.txt',
      'conflicted file.txt',
    ]);
    expect(out.untracked).toEqual(['new dir/untracked.txt']);
  });

  it('a rename entry (renames on) takes its original path as a separate field', () => {
    const out = parseStatusV2Z(
      z(
        `2 R. N... 100644 100644 100644 ${SHA} ${SHA} R100 new name.txt`,
        'old name.txt',
        '? after.txt',
      ),
    );
    expect(out.staged).toEqual(['new name.txt']);
    expect(out.untracked).toEqual(['after.txt']);
  });

  it('empty output: nothing changed', () => {
    expect(parseStatusV2Z('')).toEqual({ staged: [], unstaged: [], untracked: [] });
  });
});
