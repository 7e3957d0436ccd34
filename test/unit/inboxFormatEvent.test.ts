import { describe, expect, it } from 'vitest';

import { describeEvent, formatEvent, listPaths } from '../../src/inbox/formatEvent.js';
import type { QlockEvent } from '../../src/store/types.js';

const now = new Date('2026-01-01T12:00:00Z');
const event = (over: Partial<QlockEvent>): QlockEvent => ({
  id: 0,
  ts: '2026-01-01T11:55:00Z',
  kind: 'note',
  message: 'stored message',
  ...over,
});

describe('formatEvent', () => {
  it('describes main moved with commits, the files under the session’s work, and what to run', () => {
    const text = formatEvent(
      event({
        kind: 'main-moved',
        to: ['fa'],
        paths: ['src/a.ts', 'src/b.ts'],
        data: { base: 'main', commits: 3, conflicts: [] },
      }),
      now,
    );
    expect(text).toBe(
      'main moved (3 commits): src/a.ts, src/b.ts changed under your work — run `qlock sync` (5m ago)',
    );
  });

  it('puts predicted conflicts first, and says when none of the session’s files changed', () => {
    const conflicted = describeEvent(
      event({
        kind: 'main-moved',
        paths: ['x'],
        data: { base: 'develop', commits: 1, conflicts: ['x'] },
      }),
    );
    expect(conflicted).toBe(
      'develop moved (1 commit): conflicts predicted in x — run `qlock sync` and resolve them',
    );
    expect(describeEvent(event({ kind: 'main-moved', paths: [], data: {} }))).toBe(
      'main moved: none of your files changed — run `qlock sync` when convenient',
    );
  });

  it('words an overlap for each recipient', () => {
    const base = {
      kind: 'overlap' as const,
      from: 'fa',
      paths: ['src/a.ts'],
      data: { editor: 'fa', other: 'fb', reason: 'changed' },
    };
    expect(describeEvent(event({ ...base, to: ['fb'] }))).toBe(
      'fa started editing src/a.ts, which you have also changed — see `qlock conflicts`',
    );
    expect(describeEvent(event({ ...base, to: ['fa'] }))).toContain(
      'you are editing src/a.ts, which fb has also changed',
    );
    const locked = { ...base, data: { ...base.data, reason: 'locked', lockedBy: 'fb' } };
    expect(describeEvent(event({ ...locked, to: ['fa'] }))).toContain('locked by fb');
    expect(describeEvent(event({ ...locked, to: ['fb'] }))).toBe(
      'fa started editing src/a.ts, which you have locked — see `qlock status`',
    );
    // The suggested command must run as copied, spaces and all.
    const spaced = { ...locked, paths: ["my dir/it's.ts"], to: ['fa'] };
    expect(describeEvent(event(spaced))).toContain("(`qlock who 'my dir/it'\\''s.ts'`)");
  });

  it('shows notes with their sender, and falls back to the stored message', () => {
    expect(describeEvent(event({ from: 'fa', data: { text: 'renaming User' } }))).toBe(
      'note from fa: renaming User',
    );
    expect(
      describeEvent(event({ kind: 'lock-broken', message: 'Your lock on x was broken.' })),
    ).toBe('Your lock on x was broken.');
  });

  it('always returns one line, and shortens long path lists', () => {
    expect(describeEvent(event({ kind: 'session-left', message: 'two\n  lines' }))).toBe(
      'two lines',
    );
    expect(listPaths(['a', 'b', 'c', 'd', 'e', 'f', 'g'])).toBe('a, b, c, d, e and 2 more');
  });
});
