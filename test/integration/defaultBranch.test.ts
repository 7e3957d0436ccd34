import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { defaultBranch } from '../../src/git/repo.js';
import { gitSyncIn, makeRepo, tempDir } from '../helpers/repo.js';

/** A clone of a fresh repository whose HEAD is `head`, with a local branch of the same name. */
function cloneWithHead(head: string): { origin: string; clone: string } {
  const repo = makeRepo();
  if (head !== 'main') repo.git(['branch', '-m', 'main', head]);
  const clone = path.join(repo.parent, 'clone');
  gitSyncIn(repo.parent, ['clone', '-q', repo.root, clone]);
  return { origin: repo.root, clone };
}

/** Runs `fn` with a `git` on PATH that counts its calls; returns the count. */
async function countGitCalls(fn: () => Promise<unknown>): Promise<number> {
  const bin = tempDir('qlock-gitcount');
  const log = path.join(bin, 'calls');
  fs.writeFileSync(log, '');
  const saved = process.env.PATH;
  fs.writeFileSync(
    path.join(bin, 'git'),
    `#!/bin/sh\necho "$*" >> '${log}'\nPATH='${saved}' exec git "$@"\n`,
    { mode: 0o755 },
  );
  process.env.PATH = `${bin}${path.delimiter}${saved}`;
  try {
    await fn();
  } finally {
    process.env.PATH = saved;
  }
  return fs.readFileSync(log, 'utf8').split('\n').length - 1;
}

describe('defaultBranch', () => {
  it('asks git once when main or master exists (every command that resolves a base asks)', async () => {
    const repo = makeRepo();
    expect(await countGitCalls(() => defaultBranch(repo.root))).toBe(1);
    const { clone } = cloneWithHead('main');
    expect(await countGitCalls(() => defaultBranch(clone))).toBe(1);
    // Another name for origin's HEAD needs a second look: does that branch exist here?
    const trunk = cloneWithHead('trunk');
    expect(await countGitCalls(() => defaultBranch(trunk.clone))).toBe(2);
  });

  it('is main when main exists, and main before master', async () => {
    const repo = makeRepo();
    expect(await defaultBranch(repo.root)).toBe('main');
    repo.git(['branch', 'master']);
    expect(await defaultBranch(repo.root)).toBe('main');
  });

  it('is master when only master exists', async () => {
    const repo = makeRepo();
    repo.git(['branch', '-m', 'main', 'master']);
    expect(await defaultBranch(repo.root)).toBe('master');
  });

  it("is origin's HEAD when that branch exists here, whatever its name", async () => {
    const { clone } = cloneWithHead('trunk');
    gitSyncIn(clone, ['branch', 'main']);
    expect(gitSyncIn(clone, ['symbolic-ref', 'refs/remotes/origin/HEAD'])).toBe(
      'refs/remotes/origin/trunk',
    );
    expect(await defaultBranch(clone)).toBe('trunk');

    const slashed = cloneWithHead('release/v2');
    gitSyncIn(slashed.clone, ['branch', 'main']);
    expect(await defaultBranch(slashed.clone)).toBe('release/v2');
  });

  it("skips origin's HEAD when no local branch has its name", async () => {
    const { clone } = cloneWithHead('trunk');
    gitSyncIn(clone, ['checkout', '-q', '-b', 'master']);
    gitSyncIn(clone, ['branch', '-D', 'trunk']);
    expect(await defaultBranch(clone)).toBe('master');
  });

  it("counts a dangling origin's HEAD (its branch pruned on the remote) as none", async () => {
    // The remote's default branch was deleted: its old name here is no longer the default.
    const { clone } = cloneWithHead('trunk');
    gitSyncIn(clone, ['branch', 'master']);
    gitSyncIn(clone, ['update-ref', '-d', 'refs/remotes/origin/trunk']);
    expect(gitSyncIn(clone, ['symbolic-ref', 'refs/remotes/origin/HEAD'])).toBe(
      'refs/remotes/origin/trunk',
    );
    expect(await defaultBranch(clone)).toBe('master');
  });

  it('is the current branch when neither main nor master exists, and main when detached', async () => {
    const repo = makeRepo();
    // main/x and master/y are not main and master.
    repo.git(['branch', '-m', 'main', 'dev']);
    repo.git(['branch', 'main/x']);
    repo.git(['branch', 'master/y']);
    expect(await defaultBranch(repo.root)).toBe('dev');
    repo.git(['checkout', '-q', '--detach']);
    expect(await defaultBranch(repo.root)).toBe('main');
  });
});
