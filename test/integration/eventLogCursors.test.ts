import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { init } from '../../src/commands/init.js';
import { newSession } from '../../src/commands/new.js';
import { status } from '../../src/commands/status.js';
import { takeUnread } from '../../src/inbox/takeUnread.js';
import { eventLogEnd, readEvents } from '../../src/store/eventLog.js';
import { readRegistry, updateRegistry } from '../../src/store/registry.js';
import { makeRepo, testContext } from '../helpers/repo.js';

/** Each session's inbox is a cursor into the one append-only log. */

async function setup() {
  const repo = makeRepo();
  await init({ hooks: false }, testContext(repo.root));
  await newSession({ name: 'a' }, testContext(repo.root));
  await newSession({ name: 'b' }, testContext(repo.root));
  await newSession({ name: 'c' }, testContext(repo.root));
  return { repo, stateDir: path.join(repo.root, '.git', 'qlock') };
}

async function note(stateDir: string, from: string, message: string, to?: string[]) {
  await updateRegistry(stateDir, ({ emit }) => {
    emit({ kind: 'note', from, message, ...(to ? { to } : {}) });
  });
}

const unread = async (repo: { root: string }) =>
  Object.fromEntries(
    (await status({}, testContext(repo.root))).sessions.map((s) => [s.name, s.unread]),
  );

describe('per-session cursors', () => {
  it('a new session starts at the end of the log: it does not inherit old events', async () => {
    const { stateDir } = await setup();
    const registry = readRegistry(stateDir);
    // a saw b and c join; c joined last and saw nothing.
    expect((await takeUnread(stateDir, 'a', { peek: true })).map((e) => e.from)).toEqual([
      'b',
      'c',
    ]);
    expect(await takeUnread(stateDir, 'c', { peek: true })).toEqual([]);
    expect(registry.sessions.c!.cursor).toBeLessThan(eventLogEnd(stateDir));
  });

  it("reading advances only the reader's cursor; peek advances nothing; senders skip their own", async () => {
    const { repo, stateDir } = await setup();
    await note(stateDir, 'a', 'hello all');
    await note(stateDir, 'b', 'just for c', ['c']);
    expect(await unread(repo)).toEqual({ a: 2, b: 2, c: 2 });

    const peeked = await takeUnread(stateDir, 'c', { peek: true });
    expect(peeked.map((e) => e.message)).toEqual(['hello all', 'just for c']);
    expect(await unread(repo)).toEqual({ a: 2, b: 2, c: 2 });

    const taken = await takeUnread(stateDir, 'c');
    expect(taken).toEqual(peeked);
    expect(await unread(repo)).toEqual({ a: 2, b: 2, c: 0 });
    expect(readRegistry(stateDir).sessions.c!.cursor).toBe(eventLogEnd(stateDir));
    expect(await takeUnread(stateDir, 'c')).toEqual([]);

    // b: c's join, a's note (b's own note is not for b).
    expect((await takeUnread(stateDir, 'b')).map((e) => e.message)).toEqual([
      expect.stringContaining('"c" joined'),
      'hello all',
    ]);
    // --all returns what was read before, from the start of the log.
    const all = await takeUnread(stateDir, 'c', { all: true });
    expect(all.map((e) => e.message)).toContain('just for c');
  });

  it('cursors are byte offsets of events: reading from one gives exactly the later events', async () => {
    const { stateDir } = await setup();
    await note(stateDir, 'a', 'one');
    await note(stateDir, 'a', 'two');
    const events = readEvents(stateDir).events;
    const one = events.find((e) => e.message === 'one')!;
    expect(readEvents(stateDir, one.id).events.map((e) => e.message)).toEqual(['one', 'two']);
  });
});
