import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { activityFile } from '../../src/conflicts/activityJournal.js';
import { openWorkspace } from '../../src/project/openWorkspace.js';
import { collectStatus } from '../../src/status/collectStatus.js';
import { testContext } from '../helpers/repo.js';
import { editLine, twoSessions } from './conflictsHelpers.js';

/**
 * Issue 22: with `qlock watch` running, `qlock status` reuses the last scan of a tree the watcher
 * saw no event in, and scans again whenever anything that scan depends on moved. The journal is
 * written here as the watcher writes it (its pid must be alive: this process's).
 */
function journal(stateDir: string, last: Record<string, number>, pid = process.pid): void {
  const sessions = Object.fromEntries(
    Object.entries(last).map(([name, t]) => [name, { mode: 'watch', since: 1, last: t }]),
  );
  fs.mkdirSync(path.dirname(activityFile(stateDir)), { recursive: true });
  fs.writeFileSync(activityFile(stateDir), JSON.stringify({ version: 1, pid, sessions }));
}

describe('status with a watcher: quiet trees are not scanned again, anything else is', () => {
  it('reuses a quiet tree’s scan; an event, staging, a commit, info/exclude or a dead watcher rescan', async () => {
    const { repo, a, b } = await twoSessions();
    const ctx = testContext(repo.root);
    const ws = await openWorkspace(ctx);
    const stateDir = ws.project.stateDir;
    const changed = async (name: string) =>
      (await collectStatus(ws, ctx)).sessions.find((s) => s.name === name)!.changed;

    editLine(a, 'src/a.txt', 1, 'first edit');
    journal(stateDir, { a: 1, b: 1 });
    expect(await changed('a')).toEqual(['src/a.txt']); // first run: scanned

    // No event recorded: the watcher vouches for the tree, the last scan stands (not scanned).
    editLine(a, 'src/b.txt', 1, 'unseen edit');
    expect(await changed('a')).toEqual(['src/a.txt']);

    // The watcher records the event: scanned again.
    journal(stateDir, { a: Date.now(), b: 1 });
    expect(await changed('a')).toEqual(['src/a.txt', 'src/b.txt']);

    // Staging in b (its index), with no file event: scanned again.
    await new Promise((r) => setTimeout(r, 5));
    journal(stateDir, { a: 1, b: 1 });
    expect(await changed('b')).toEqual([]);
    editLine(b, 'src/a.txt', 20, 'b staged');
    repo.git(['add', 'src/a.txt'], b);
    const staged = (await collectStatus(ws, ctx)).sessions.find((s) => s.name === 'b')!;
    expect(staged.changes.staged).toEqual(['src/a.txt']);

    // A commit in b (HEAD and index): the staged file becomes committed.
    repo.git(['commit', '-q', '--no-verify', '-m', 'b work'], b);
    const committed = (await collectStatus(ws, ctx)).sessions.find((s) => s.name === 'b')!;
    expect(committed.changes).toMatchObject({ committed: ['src/a.txt'], staged: [] });

    // An untracked file seen through an event, then ignored through info/exclude (outside the tree).
    repo.write('notes.tmp', 'scratch\n', a);
    journal(stateDir, { a: Date.now(), b: 1 });
    expect(await changed('a')).toContain('notes.tmp');
    await new Promise((r) => setTimeout(r, 5));
    journal(stateDir, { a: 1, b: 1 });
    fs.mkdirSync(path.join(repo.root, '.git', 'info'), { recursive: true });
    fs.appendFileSync(path.join(repo.root, '.git', 'info', 'exclude'), '*.tmp\n');
    expect(await changed('a')).not.toContain('notes.tmp');

    // A journal whose watcher is gone vouches for nothing.
    editLine(a, 'README.md', 1, 'edit while no watcher runs');
    journal(stateDir, { a: 1, b: 1 }, 2 ** 22 + 12345);
    expect(await changed('a')).toContain('README.md');
  });

  it('without a watcher every status scans', async () => {
    const { repo, a } = await twoSessions();
    const ctx = testContext(repo.root);
    const ws = await openWorkspace(ctx);
    const changed = async () =>
      (await collectStatus(ws, ctx)).sessions.find((s) => s.name === 'a')!.changed;
    expect(await changed()).toEqual([]);
    editLine(a, 'src/a.txt', 2, 'edit');
    expect(await changed()).toEqual(['src/a.txt']);
    expect(fs.existsSync(path.join(ws.project.stateDir, 'cache', 'status.json'))).toBe(false);
  });
});
