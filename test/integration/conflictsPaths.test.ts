import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { editLine, pairAB, twoSessions } from './conflictsHelpers.js';

/** Issue 21, point 9: conflicting paths are the user's paths, never qlock's snapshot ids. */
describe('conflicting paths named as the user knows them', () => {
  it('a file/directory and a file/symlink conflict name the real paths, not path~<commit id>', async () => {
    const { repo, a, b, ws } = await twoSessions();
    // a: src/a.txt becomes a directory, src/b.txt a symlink.
    fs.rmSync(path.join(a, 'src/a.txt'));
    repo.write('src/a.txt/inner.txt', 'inner\n', a);
    fs.rmSync(path.join(a, 'src/b.txt'));
    fs.symlinkSync('../README.md', path.join(a, 'src/b.txt'));
    // b: edits both files.
    editLine(b, 'src/a.txt', 2, 'b edits a');
    editLine(b, 'src/b.txt', 2, 'b edits b');
    const pair = await pairAB(ws);
    expect(pair.conflict).toBe(true);
    expect(pair.paths.filter((p) => p.includes('~'))).toEqual([]);
    expect(pair.paths).toContain('src/a.txt');
    expect(pair.paths).toContain('src/b.txt');
  });

  it('a path whose real name has a tilde keeps it', async () => {
    const { repo, a, b, ws } = await twoSessions({
      files: { 'notes~old.txt': 'one\ntwo\nthree\n' },
    });
    editLine(a, 'notes~old.txt', 2, 'a');
    editLine(b, 'notes~old.txt', 2, 'b');
    void repo;
    const pair = await pairAB(ws);
    expect(pair).toMatchObject({ conflict: true, paths: ['notes~old.txt'] });
  });
});
