import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { peerChanges } from '../../src/agents/peerChanges.js';
import { init } from '../../src/commands/init.js';
import { newSession } from '../../src/commands/new.js';
import { DEFAULT_CONFIG } from '../../src/project/defaultConfig.js';
import { findProject } from '../../src/project/findProject.js';
import { readRegistry } from '../../src/store/readRegistry.js';
import { makeRepo, testContext } from '../helpers/repo.js';

async function setup() {
  const repo = makeRepo({
    files: { 'a.txt': 'a\n', 'b.txt': 'b\n', 'c.txt': 'c\n', '.gitignore': 'build/\n' },
  });
  await init({ hooks: false }, testContext(repo.root));
  const fa = (await newSession({ name: 'fa' }, testContext(repo.root))).session.path;
  const fb = (await newSession({ name: 'fb' }, testContext(repo.root))).session.path;
  const project = findProject(fa)!;
  const ask = (rels: string[]) =>
    peerChanges({
      project,
      registry: readRegistry(project.stateDir),
      self: 'fa',
      rels,
      ownRoot: fa,
      config: DEFAULT_CONFIG,
      now: new Date(),
    });
  return { repo, fa, fb, project, ask };
}

describe('peerChanges: which other sessions change a file', () => {
  it("a copy with the writer's bytes is no overlap; once the writer's copy moves on, it is", async () => {
    const { fa, fb, ask } = await setup();
    // The very same change in both sessions: nothing collides (answered without git).
    fs.appendFileSync(path.join(fb, 'a.txt'), 'same\n');
    fs.appendFileSync(path.join(fa, 'a.txt'), 'same\n');
    expect(await ask(['a.txt'])).toEqual([]);
    // The writer changes it further: fb's change is a real overlap now (not a cached "no").
    fs.appendFileSync(path.join(fa, 'a.txt'), 'more\n');
    expect(await ask(['a.txt'])).toEqual([{ path: 'a.txt', sessions: ['fb'] }]);
    // Both directions for a file fb did not touch while the writer did: no overlap.
    fs.appendFileSync(path.join(fa, 'b.txt'), 'mine\n');
    expect(await ask(['b.txt'])).toEqual([]);
  });

  it('sees unstaged, committed, staged-new and untracked work, not ignored files or base moving', async () => {
    const { repo, fb, ask } = await setup();
    expect(await ask(['a.txt', 'b.txt', 'new.txt', 'build/out.js'])).toEqual([]);

    fs.appendFileSync(path.join(fb, 'a.txt'), 'unstaged\n');
    fs.appendFileSync(path.join(fb, 'b.txt'), 'committed\n');
    repo.git(['add', 'b.txt'], fb);
    repo.git(['commit', '-qm', 'b'], fb);
    fs.writeFileSync(path.join(fb, 'staged.txt'), 's\n');
    repo.git(['add', 'staged.txt'], fb);
    fs.writeFileSync(path.join(fb, 'new.txt'), 'n\n');
    fs.mkdirSync(path.join(fb, 'build'));
    fs.writeFileSync(path.join(fb, 'build/out.js'), 'x\n');
    expect(await ask(['a.txt', 'b.txt', 'c.txt', 'staged.txt', 'new.txt', 'build/out.js'])).toEqual(
      [
        { path: 'a.txt', sessions: ['fb'] },
        { path: 'b.txt', sessions: ['fb'] },
        { path: 'staged.txt', sessions: ['fb'] },
        { path: 'new.txt', sessions: ['fb'] },
      ],
    );

    // main changes c.txt; fb's (older) copy differs from base now, but fb did not change it.
    fs.appendFileSync(path.join(repo.root, 'c.txt'), 'main\n');
    repo.commitAll('main moves');
    expect(await ask(['c.txt'])).toEqual([]);
  });

  it('a cached answer never hides a later change', async () => {
    const { repo, fb, ask } = await setup();
    fs.appendFileSync(path.join(repo.root, 'a.txt'), 'main\n');
    repo.commitAll('main moves');
    // fb's copy differs from base (it is behind): asked once, answered "not changed", cached.
    expect(await ask(['a.txt'])).toEqual([]);
    expect(await ask(['a.txt'])).toEqual([]);
    fs.appendFileSync(path.join(fb, 'a.txt'), 'fb edits\n');
    expect(await ask(['a.txt'])).toEqual([{ path: 'a.txt', sessions: ['fb'] }]);
    // Back to what it was: not changed again.
    fs.writeFileSync(path.join(fb, 'a.txt'), 'a\n');
    expect(await ask(['a.txt'])).toEqual([]);
  });
});
