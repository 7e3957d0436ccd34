import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { init } from '../../src/commands/init.js';
import { list, renderList } from '../../src/commands/list.js';
import { newSession } from '../../src/commands/new.js';
import { makeRepo, testContext } from '../helpers/repo.js';

describe('qlock list', () => {
  it('one line per session, sorted, with state, branch, age and path', async () => {
    const repo = makeRepo();
    await init({ hooks: false }, testContext(repo.root));
    const b = (await newSession({ name: 'beta' }, testContext(repo.root))).session;
    const a = (await newSession({ name: 'alpha' }, testContext(repo.root))).session;
    fs.rmSync(b.path, { recursive: true, force: true });
    const ctx = testContext(repo.root);
    const result = await list({}, ctx);
    expect(result.sessions.map((s) => [s.name, s.state])).toEqual([
      ['alpha', 'active'],
      ['beta', 'missing'],
    ]);
    expect(result.sessions[0]).toMatchObject({ path: a.path, branch: 'qlock/alpha', base: 'main' });
    const lines = renderList(result, ctx.now()).split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^alpha {2}active {3}qlock\/alpha\s+\d+s {2}/);
    expect(lines[0]!.endsWith(a.path)).toBe(true);
    expect(lines[1]).toMatch(/^beta {3}missing/);
  });

  it('no sessions: says how to create one', async () => {
    const repo = makeRepo();
    const ctx = testContext(path.join(repo.root));
    expect(renderList(await list({}, ctx), ctx.now())).toContain('qlock new NAME');
  });
});
