import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { note } from '../../src/commands/note.js';
import { UsageError } from '../../src/errors.js';
import { sendNote } from '../../src/inbox/sendNote.js';
import { takeUnread } from '../../src/inbox/takeUnread.js';
import { eventLogEnd, eventLogPath, readEvents } from '../../src/store/eventLog.js';
import { readRegistry } from '../../src/store/registry.js';
import { testContext } from '../helpers/repo.js';
import { repoWithSessions } from '../helpers/watchHarness.js';

describe('qlock note', () => {
  it('sends a note from the current session to every other session', async () => {
    const { repo, paths } = await repoWithSessions(['fa', 'fb', 'fc']);
    const stateDir = path.join(repo.root, '.git/qlock');
    const result = await note({ text: '  renaming User to Account  ' }, testContext(paths.fa!));
    expect(result.recipients).toEqual(['fb', 'fc']);
    expect(result.event).toMatchObject({
      kind: 'note',
      from: 'fa',
      data: { text: 'renaming User to Account' },
    });
    // The returned event is the stored one (its id is its offset in the log).
    expect(readEvents(stateDir, result.event.id).events[0]).toEqual(result.event);
    for (const name of ['fb', 'fc']) {
      const inbox = await takeUnread(stateDir, name);
      expect(inbox.map((e) => e.id)).toContain(result.event.id);
    }
    expect((await takeUnread(stateDir, 'fa')).map((e) => e.id)).not.toContain(result.event.id);
  });

  it('refuses an empty note, an oversized one and an unknown sender, changing nothing', async () => {
    const { repo, paths } = await repoWithSessions(['fa']);
    const stateDir = path.join(repo.root, '.git/qlock');
    const before = eventLogEnd(stateDir);
    const registryBefore = fs.readFileSync(path.join(stateDir, 'registry.json'), 'utf8');
    await expect(note({ text: '  ' }, testContext(paths.fa!))).rejects.toBeInstanceOf(UsageError);
    await expect(sendNote(stateDir, 'fa', 'x'.repeat(2001))).rejects.toThrow(/longer than 2000/);
    await expect(sendNote(stateDir, 'nobody', 'hi')).rejects.toThrow(/No session named "nobody"/);
    expect(eventLogEnd(stateDir)).toBe(before);
    expect(fs.readFileSync(path.join(stateDir, 'registry.json'), 'utf8')).toBe(registryBefore);
    expect(fs.existsSync(eventLogPath(stateDir)) ? eventLogEnd(stateDir) : 0).toBe(before);
  });

  it('needs a session to send from', async () => {
    const { repo } = await repoWithSessions(['fa']);
    await expect(note({ text: 'hi' }, testContext(repo.root))).rejects.toThrow(
      /is not inside a registered session/,
    );
  });

  it('counts as activity of the sender', async () => {
    const { repo, paths } = await repoWithSessions(['fa', 'fb']);
    const stateDir = path.join(repo.root, '.git/qlock');
    const { updateRegistry } = await import('../../src/store/registry.js');
    await updateRegistry(stateDir, ({ registry }) => {
      registry.sessions.fa!.lastSeen = '2020-01-01T00:00:00.000Z';
    });
    await note({ text: 'hi' }, testContext(paths.fa!));
    expect(readRegistry(stateDir).sessions.fa!.lastSeen > '2020-01-01T00:00:00.000Z').toBe(true);
  });
});
