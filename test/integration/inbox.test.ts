import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { inbox, renderInbox } from '../../src/commands/inbox.js';
import { sendNote } from '../../src/inbox/sendNote.js';
import { testContext } from '../helpers/repo.js';
import { repoWithSessions } from '../helpers/watchHarness.js';

describe('qlock inbox', () => {
  it('shows unread events once, keeps them with --peek, and lists read ones with --all', async () => {
    const { repo, paths } = await repoWithSessions(['fa', 'fb']);
    const stateDir = path.join(repo.root, '.git/qlock');
    await sendNote(stateDir, 'fa', 'first');
    await sendNote(stateDir, 'fa', 'second');
    const ctx = testContext(paths.fb!);

    const peek = await inbox({ peek: true }, ctx);
    expect(peek.events.map((e) => e.data?.text)).toEqual(['first', 'second']);
    expect(renderInbox(peek)).toContain('(still unread: --peek)');

    const taken = await inbox({}, ctx);
    expect(taken.events.map((e) => e.text)).toEqual([
      expect.stringMatching(/^note from fa: first \(\d+s ago\)$/),
      expect.stringMatching(/^note from fa: second/),
    ]);
    expect(renderInbox(taken).split('\n')).toHaveLength(3);

    const again = await inbox({}, ctx);
    expect(again.events).toEqual([]);
    expect(renderInbox(again)).toBe('No unread events for fb.');

    const all = await inbox({ all: true }, ctx);
    const notes = all.events.filter((e) => e.kind === 'note');
    expect(notes.map((e) => e.data?.text)).toEqual(['first', 'second']);
    expect(renderInbox(all).split('\n')[0]).toBe(
      `${all.events.length} events for fb, read and unread:`,
    );
    // Already read: --all --peek must not call them unread.
    const allPeek = renderInbox(await inbox({ all: true, peek: true }, ctx));
    expect(allPeek).not.toContain('unread event');
    expect(allPeek.split('\n')[0]).toContain('(--peek: nothing marked read)');

    await sendNote(stateDir, 'fa', 'third');
    expect((await inbox({}, ctx)).events.map((e) => e.data?.text)).toEqual(['third']);
  });

  it('answers for the session named with --session', async () => {
    const { repo } = await repoWithSessions(['fa', 'fb']);
    const stateDir = path.join(repo.root, '.git/qlock');
    await sendNote(stateDir, 'fb', 'to fa');
    const result = await inbox({ peek: true }, testContext(repo.root, { session: 'fa' }));
    expect(result.session).toBe('fa');
    // fb joining, then its note.
    expect(result.events.map((e) => e.kind)).toEqual(['session-joined', 'note']);
  });
});
