import fs from 'node:fs';
import path from 'node:path';

import { afterEach, describe, expect, it, vi } from 'vitest';

import {
  TreeWatcher,
  type TreeWatcherOptions,
  WatchLimitError,
} from '../../src/watch/treeWatcher.js';
import { tempDir, waitFor } from '../helpers/repo.js';

function tree(): string {
  const root = tempDir('qlock-tree');
  for (const rel of ['a/b/c', 'a/d', 'e', '.git/objects', 'ignored/x']) {
    fs.mkdirSync(path.join(root, rel), { recursive: true });
  }
  for (const rel of ['f.txt', 'a/b/c/g.txt', 'e/h.txt']) fs.writeFileSync(path.join(root, rel), '');
  return root;
}

function options(root: string, over: Partial<TreeWatcherOptions> = {}) {
  const budget = { used: 0 };
  const seen: string[] = [];
  const opts: TreeWatcherOptions = {
    root,
    skipDirs: new Set(),
    skipRootNames: new Set(['.qlock']),
    isIgnored: (rel) => rel === 'ignored',
    reserve: (n) => {
      budget.used += n;
      return true;
    },
    release: (n) => {
      budget.used -= n;
    },
    onPaths: (rels) => seen.push(...rels),
    onGone: vi.fn(),
    onLimit: vi.fn(),
    ...over,
  };
  return { opts, budget, seen };
}

describe('TreeWatcher', () => {
  afterEach(() => vi.restoreAllMocks());

  it('takes one watch per directory, none per file, and skips .git and ignored directories', async () => {
    const root = tree();
    const { opts, budget, seen } = options(root);
    const w = new TreeWatcher(opts);
    await w.start();
    // root, a, a/b, a/b/c, a/d, e
    expect(w.watchCount).toBe(6);
    expect(budget.used).toBe(6);
    fs.writeFileSync(path.join(root, 'a/b/c/g.txt'), 'x');
    fs.writeFileSync(path.join(root, 'ignored/x/no.txt'), 'x');
    await waitFor(() => seen.includes('a/b/c/g.txt'));
    w.close();
    expect(budget.used).toBe(0);
    expect(seen).not.toContain('ignored/x/no.txt');
  });

  it('on ENOSPC gives back every watch it took and throws WatchLimitError', async () => {
    const root = tree();
    const { opts, budget } = options(root);
    const real = fs.watch;
    let calls = 0;
    const taken: fs.FSWatcher[] = [];
    vi.spyOn(fs, 'watch').mockImplementation(((...args: Parameters<typeof fs.watch>) => {
      if (++calls > 3) throw Object.assign(new Error('ENOSPC: no space'), { code: 'ENOSPC' });
      const watcher = real(...args);
      taken.push(watcher);
      vi.spyOn(watcher, 'close');
      return watcher;
    }) as typeof fs.watch);
    const w = new TreeWatcher(opts);
    const error = await w.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WatchLimitError);
    expect((error as WatchLimitError).reason).toBe('enospc');
    expect(taken).toHaveLength(3);
    for (const watcher of taken) expect(watcher.close).toHaveBeenCalled();
    expect(budget.used).toBe(0);
  });

  it('hitting ENOSPC while the tree grows gives every watch back and reports the limit', async () => {
    const root = tree();
    const onLimit = vi.fn();
    const { opts, budget } = options(root, { onLimit });
    const w = new TreeWatcher(opts);
    await w.start();
    expect(budget.used).toBe(6);
    vi.spyOn(fs, 'watch').mockImplementation((() => {
      throw Object.assign(new Error('ENOSPC: no space'), { code: 'ENOSPC' });
    }) as typeof fs.watch);
    fs.mkdirSync(path.join(root, 'a/new'));
    await waitFor(() => onLimit.mock.calls.length > 0);
    expect(onLimit.mock.calls[0]![0]).toMatchObject({ reason: 'enospc' });
    expect(w.watchCount).toBe(0);
    expect(budget.used).toBe(0);
  });

  it('refuses past the budget without touching inotify', async () => {
    const root = tree();
    let left = 2;
    const { opts } = options(root, {
      reserve: () => left-- > 0,
      release: () => {},
    });
    await expect(new TreeWatcher(opts).start()).rejects.toMatchObject({ reason: 'budget' });
  });

  it('reports its root being deleted', async () => {
    const root = tree();
    const onGone = vi.fn();
    const { opts } = options(root, { onGone });
    const w = new TreeWatcher(opts);
    await w.start();
    fs.rmSync(root, { recursive: true, force: true });
    await waitFor(() => onGone.mock.calls.length > 0);
    expect(w.watchCount).toBe(0);
  });
});
