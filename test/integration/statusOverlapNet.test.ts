import { describe, expect, it } from 'vitest';

import { predictConflicts } from '../../src/conflicts/predictConflicts.js';
import { openWorkspace } from '../../src/project/openWorkspace.js';
import { collectStatus } from '../../src/status/collectStatus.js';
import { testContext } from '../helpers/repo.js';
import { editLine, twoSessions } from './conflictsHelpers.js';

/**
 * Issue 21, point 9: `status` and `conflicts` agree on overlaps. A file a session changed and
 * then changed back (net: no change against its fork point) is no overlap in either.
 */
describe('status overlaps are net changes, as in conflicts', () => {
  it('a file committed then reverted in the working tree is no overlap; a real one still is', async () => {
    const { repo, a, b } = await twoSessions();
    const original = repo.read('src/a.txt', a);
    editLine(a, 'src/a.txt', 3, 'a changed this');
    repo.commitAll('a: change', a);
    repo.write('src/a.txt', original, a); // reverted, uncommitted: net no change
    editLine(a, 'src/b.txt', 1, 'a edits b'); // a real overlap beside it
    editLine(b, 'src/a.txt', 10, 'b edits a');
    editLine(b, 'src/b.txt', 15, 'b edits b');
    const ctx = testContext(repo.root);
    const ws = await openWorkspace(ctx);
    const report = await predictConflicts(ws, { includeBase: false });
    expect(report.pairs[0]!.overlaps.map((o) => o.path)).toEqual(['src/b.txt']);
    const status = await collectStatus(ws, ctx);
    expect(status.overlaps).toEqual([
      { path: 'src/b.txt', sessions: ['a', 'b'], kind: 'file', clean: true },
    ]);
    const attention = status.sessions.flatMap((s) => s.attention.map((x) => x.message));
    expect(attention.filter((m) => m.includes('src/a.txt'))).toEqual([]);
  });

  it('a file staged then reverted in the working tree is no overlap either', async () => {
    const { repo, a, b } = await twoSessions();
    const original = repo.read('src/a.txt', a);
    editLine(a, 'src/a.txt', 3, 'staged');
    repo.git(['add', 'src/a.txt'], a);
    repo.write('src/a.txt', original, a);
    editLine(b, 'src/a.txt', 3, 'b');
    const ctx = testContext(repo.root);
    const status = await collectStatus(await openWorkspace(ctx), ctx);
    expect(status.overlaps).toEqual([]);
    expect(status.conflicts).toEqual([]);
  });
});
