import fs from 'node:fs';

import { describe, expect, it } from 'vitest';

import { activityFile, ActivityJournal } from '../../src/conflicts/activityJournal.js';
import { waitFor } from '../helpers/repo.js';
import { editLine, pairAB, twoSessions } from './conflictsHelpers.js';

/**
 * With `qlock watch` running, a tree with no file event since its last scan is not scanned
 * again. The journal is driven by hand here (as the watcher does) so that a "missed" edit proves
 * the scan was skipped, and a recorded one proves it is not.
 */
describe('the watcher activity journal', () => {
  it('skips the scan of a watched, quiet tree and rescans after an event', async () => {
    const { a, b, ws } = await twoSessions();
    editLine(a, 'src/a.txt', 5, 'A5');
    editLine(b, 'src/a.txt', 9, 'B9');
    const journal = new ActivityJournal(ws.project.stateDir);
    journal.watching('a', 'watch');
    journal.watching('b', 'watch');
    await new Promise((r) => setTimeout(r, 5));
    expect((await pairAB(ws)).conflict).toBe(false); // scanned after the watch began

    // An edit the journal does not hear about is not seen: the scan was skipped.
    editLine(b, 'src/a.txt', 5, 'B5');
    expect((await pairAB(ws)).conflict).toBe(false);

    // Once the event is recorded, b is scanned again.
    journal.touched('b');
    await new Promise((r) => setTimeout(r, 5));
    expect(await pairAB(ws)).toMatchObject({ conflict: true, paths: ['src/a.txt'] });
    journal.close();
    expect(fs.existsSync(activityFile(ws.project.stateDir))).toBe(false);
  });

  it('trusts nothing from a dead watcher or a polled session', async () => {
    const { a, b, ws } = await twoSessions();
    editLine(a, 'src/a.txt', 5, 'A5');
    const journal = new ActivityJournal(ws.project.stateDir);
    journal.watching('a', 'watch');
    journal.watching('b', 'poll');
    await new Promise((r) => setTimeout(r, 5));
    expect((await pairAB(ws)).conflict).toBe(false);
    editLine(b, 'src/a.txt', 5, 'B5'); // b is polled: always scanned
    expect((await pairAB(ws)).conflict).toBe(true);

    editLine(a, 'src/a.txt', 5, 'a5'); // a's change is undone, unheard of
    expect((await pairAB(ws)).conflict).toBe(true); // still trusted: the journal's pid is alive
    const file = activityFile(ws.project.stateDir);
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number };
    data.pid = 2 ** 22 + 12345; // no such process
    fs.writeFileSync(file, JSON.stringify(data));
    expect((await pairAB(ws)).conflict).toBe(false);
  });
});

describe('with the real watcher', () => {
  it('qlock watch records edits, so a quiet tree is skipped and an edited one is rescanned', async () => {
    const { Watcher } = await import('../../src/watch/startWatcher.js');
    const { a, b, ws, repo } = await twoSessions();
    editLine(a, 'src/a.txt', 5, 'A5');
    const watcher = new Watcher(ws, { cwd: repo.root });
    try {
      await watcher.start();
      const file = activityFile(ws.project.stateDir);
      const journal = () =>
        JSON.parse(fs.readFileSync(file, 'utf8')) as {
          sessions: Record<string, { mode: string; last: number }>;
        };
      await waitFor(() => fs.existsSync(file) && journal().sessions.b?.mode === 'watch');
      await new Promise((r) => setTimeout(r, 5));
      expect((await pairAB(ws)).conflict).toBe(false);
      const before = journal().sessions.b!.last;
      editLine(b, 'src/a.txt', 5, 'B5');
      await waitFor(() => journal().sessions.b!.last > before);
      expect(await pairAB(ws)).toMatchObject({ conflict: true, paths: ['src/a.txt'] });
    } finally {
      await watcher.close();
    }
  });
});
