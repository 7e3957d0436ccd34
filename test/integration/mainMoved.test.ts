import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { conflicts } from '../../src/commands/conflicts.js';
import { inbox } from '../../src/commands/inbox.js';
import { join } from '../../src/commands/join.js';
import { checkMainMoved } from '../../src/conflicts/mainMoved.js';
import { readEvents } from '../../src/store/eventLog.js';
import { readRegistry } from '../../src/store/registry.js';
import { testContext } from '../helpers/repo.js';
import { editLine, twoSessions } from './conflictsHelpers.js';

const NOW = new Date('2026-01-01T00:00:00Z');

describe('checkMainMoved', () => {
  it('does nothing while base has not moved', async () => {
    const { ws } = await twoSessions();
    expect(await checkMainMoved(ws, NOW)).toEqual([]);
    expect(readEvents(ws.project.stateDir).events.filter((e) => e.kind === 'main-moved')).toEqual(
      [],
    );
  });

  it('tells each session which of its files base changed and whether it now conflicts; once', async () => {
    const { repo, a, b, ws } = await twoSessions();
    const from = repo.git(['rev-parse', 'main']);
    editLine(a, 'src/a.txt', 5, 'A5'); // uncommitted, same line as main's change below
    editLine(b, 'src/b.txt', 3, 'B3'); // a file main does not touch
    editLine(repo.root, 'src/a.txt', 5, 'MAIN5');
    repo.write('docs/new.md', 'doc\n');
    repo.commitAll('main: line 5 and a doc');
    editLine(repo.root, 'README.md', 1, '# main');
    const to = repo.commitAll('main: readme');

    const events = await checkMainMoved(ws, NOW);
    expect(events.map((e) => [e.kind, e.to, e.paths, e.data])).toEqual([
      [
        'main-moved',
        ['a'],
        ['src/a.txt'],
        {
          base: 'main',
          from,
          to,
          commits: 2,
          changed: 3,
          conflict: true,
          conflicts: ['src/a.txt'],
        },
      ],
      [
        'main-moved',
        ['b'],
        [],
        { base: 'main', from, to, commits: 2, changed: 3, conflict: false, conflicts: [] },
      ],
    ]);
    expect(events[0]!.message).toBe(
      'main moved (2 commits): src/a.txt changed under your work; your work now conflicts with main in src/a.txt — run `qlock sync`',
    );
    // stored in the log with real ids, and the tips remembered
    const logged = readEvents(ws.project.stateDir).events.filter((e) => e.kind === 'main-moved');
    expect(logged.map((e) => e.id)).toEqual(events.map((e) => e.id));
    const registry = readRegistry(ws.project.stateDir);
    expect([registry.sessions.a!.baseTip, registry.sessions.b!.baseTip]).toEqual([to, to]);
    // idempotent
    expect(await checkMainMoved(ws, NOW)).toEqual([]);
  });

  it('sends nothing to a session that already has the new tip (it is on base)', async () => {
    const { repo, ws } = await twoSessions();
    await join({ name: 'trunk' }, testContext(repo.root));
    editLine(repo.root, 'src/b.txt', 7, 'MAIN7');
    const to = repo.commitAll('main moves');
    const events = await checkMainMoved(ws, NOW);
    expect(events.map((e) => e.to)).toEqual([['a'], ['b']]);
    expect(readRegistry(ws.project.stateDir).sessions.trunk!.baseTip).toBe(to);
  });

  it('a session whose snapshot fails is told at the next check, not skipped', async () => {
    const { repo, b, ws } = await twoSessions();
    editLine(b, 'src/b.txt', 3, 'B3');
    const dotGit = path.join(b, '.git');
    const link = fs.readFileSync(dotGit, 'utf8');
    fs.writeFileSync(dotGit, 'gitdir: /nonexistent/qlock-test\n');
    editLine(repo.root, 'src/b.txt', 7, 'MAIN7');
    const to = repo.commitAll('main moves');
    expect((await checkMainMoved(ws, NOW)).map((e) => e.to)).toEqual([['a']]);
    expect(readRegistry(ws.project.stateDir).sessions.b!.baseTip).not.toBe(to);
    fs.writeFileSync(dotGit, link);
    const later = await checkMainMoved(ws, NOW);
    expect(later.map((e) => [e.to, e.paths])).toEqual([[['b'], ['src/b.txt']]]);
    expect(readRegistry(ws.project.stateDir).sessions.b!.baseTip).toBe(to);
  });

  it('base moved with no hook (update-ref): `qlock inbox` and `qlock conflicts` notice it', async () => {
    const { repo, a, b, ws } = await twoSessions();
    editLine(a, 'src/a.txt', 5, 'A5');
    repo.git(['checkout', '-q', '-b', 'elsewhere']);
    editLine(repo.root, 'src/a.txt', 5, 'MAIN5');
    const to = repo.commitAll('made on another branch');
    repo.git(['checkout', '-q', 'main']);
    repo.git(['update-ref', 'refs/heads/main', to]); // no qlock hook runs for this
    const read = (await inbox({}, testContext(a))).events.filter((e) => e.kind === 'main-moved');
    expect(read.map((e) => e.paths)).toEqual([['src/a.txt']]);
    expect(read[0]!.data).toMatchObject({ to, conflict: true, conflicts: ['src/a.txt'] });
    expect(readRegistry(ws.project.stateDir).sessions.a!.baseTip).toBe(to);

    editLine(repo.root, 'src/b.txt', 9, 'MAIN9');
    const next = repo.commitAll('main again'); // hooks are not installed in this repository
    await conflicts({}, testContext(b));
    const told = readEvents(ws.project.stateDir).events.filter(
      (e) => e.kind === 'main-moved' && e.data?.to === next,
    );
    expect(told.map((e) => e.to)).toEqual([['a'], ['b']]);
  });

  it('two racing checks record one event per session', async () => {
    const { repo, ws } = await twoSessions();
    editLine(repo.root, 'src/b.txt', 7, 'MAIN7');
    repo.commitAll('main moves');
    const [x, y] = await Promise.all([checkMainMoved(ws, NOW), checkMainMoved(ws, NOW)]);
    expect(x.length + y.length).toBe(2);
    const logged = readEvents(ws.project.stateDir).events.filter((e) => e.kind === 'main-moved');
    expect(logged.map((e) => e.to)).toEqual([['a'], ['b']]);
  });
});
