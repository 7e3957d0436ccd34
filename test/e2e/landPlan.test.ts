import { describe, expect, it } from 'vitest';

import { landRepo, repoState } from './landHelpers.js';

interface PlanJson {
  base: string;
  order: {
    session: string;
    commits: number;
    uncommitted: number;
    ready: boolean;
    conflictsWith: { session: string; paths: string[] }[];
    conflictsWithBase: string[];
    waitsFor: { path: string; session: string }[];
  }[];
  nothingToLand: string[];
}

describe('qlock land --plan (built CLI)', () => {
  it('orders by least rework, names who conflicts with whom on which files and who waits for a lock; changes nothing', async () => {
    const t = await landRepo(['hub', 'x', 'y', 'free', 'locked', 'idle']);
    const { repo, dirs } = t;
    // hub conflicts with x (line 2) and with y (line 10); x and y do not conflict.
    t.edit(dirs.hub!, 'src/a.txt', 2, 'HUB2');
    t.edit(dirs.hub!, 'src/a.txt', 10, 'HUB10');
    t.commit(dirs.hub!, 'hub');
    t.edit(dirs.x!, 'src/a.txt', 2, 'X2');
    t.commit(dirs.x!, 'x');
    t.edit(dirs.y!, 'src/a.txt', 10, 'Y10');
    t.commit(dirs.y!, 'y');
    t.edit(dirs.free!, 'src/b.txt', 5, 'FREE5');
    t.commit(dirs.free!, 'free');
    repo.write('docs/new.md', 'new\n', dirs.locked);
    t.commit(dirs.locked!, 'locked');
    expect(
      (await t.qlock(['lock', 'docs/new.md', '--reason', 'writing docs'], dirs.idle)).code,
    ).toBe(0);
    const all = Object.values(dirs);
    const before = repoState(repo, all);

    const out = await t.qlock(['land', '--plan', '--json']);
    expect(out.code, out.stderr).toBe(0);
    const plan = JSON.parse(out.stdout) as PlanJson;
    expect(plan.base).toBe('main');
    const names = plan.order.map((e) => e.session);
    // The hub lands after both sessions it conflicts with; the one waiting for a lock comes last.
    expect(names.indexOf('hub')).toBeGreaterThan(names.indexOf('x'));
    expect(names.indexOf('hub')).toBeGreaterThan(names.indexOf('y'));
    expect(names.at(-1)).toBe('locked');
    expect(plan.nothingToLand).toEqual(['idle']);
    const entry = (n: string) => plan.order.find((e) => e.session === n)!;
    expect(entry('hub').conflictsWith).toEqual([
      { session: 'x', paths: ['src/a.txt'] },
      { session: 'y', paths: ['src/a.txt'] },
    ]);
    expect(entry('x').conflictsWith).toEqual([{ session: 'hub', paths: ['src/a.txt'] }]);
    // Signals absent where nothing happened.
    expect(entry('free')).toMatchObject({ ready: true, conflictsWith: [], waitsFor: [] });
    expect(entry('x').waitsFor).toEqual([]);
    expect(entry('locked')).toMatchObject({ ready: false, conflictsWith: [] });
    expect(entry('locked').waitsFor).toMatchObject([{ path: 'docs/new.md', session: 'idle' }]);

    const text = await t.qlock(['land', '--plan']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Landing plan into main (least rework first):');
    expect(text.stdout).toMatch(
      /\d\. hub — 1 commit\n {3}conflicts with x in src\/a\.txt: once x has landed/,
    );
    expect(text.stdout).toContain(
      'waits for a lock: docs/new.md held by idle (reason: writing docs',
    );
    expect(text.stdout).toMatch(/\d\. free — 1 commit\n {3}lands cleanly/);
    expect(text.stdout).toContain('Nothing to land: idle.');
    // Read-only.
    expect(repoState(repo, all)).toEqual(before);

    // Named sessions only; a conflict with base is named too.
    t.edit(repo.root, 'src/b.txt', 5, 'MAIN5');
    t.commit(repo.root, 'main: line 5');
    const some = JSON.parse(
      (await t.qlock(['land', '--plan', 'free', 'x', '--json'])).stdout,
    ) as PlanJson;
    expect(some.order.map((e) => e.session)).toEqual(['x', 'free']);
    expect(some.order[1]).toMatchObject({ ready: false, conflictsWithBase: ['src/b.txt'] });
  });
});
