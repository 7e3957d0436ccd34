import fs from 'node:fs';

import { describe, expect, it } from 'vitest';

import {
  appendEventsLocked,
  eventLogEnd,
  eventLogPath,
  isFor,
  readEvents,
} from '../../src/store/eventLog.js';
import type { QlockEvent } from '../../src/store/types.js';
import { tempDir } from '../helpers/repo.js';

const note = (message: string, extra: Partial<QlockEvent> = {}) => ({
  kind: 'note' as const,
  from: 'a',
  message,
  ...extra,
});

describe('event log', () => {
  it('is empty (end 0) before anything was written', () => {
    const dir = tempDir();
    expect(readEvents(dir)).toEqual({ events: [], end: 0 });
    expect(eventLogEnd(dir)).toBe(0);
  });

  it("gives each event its line's byte offset as id, increasing, multi-byte text included", () => {
    const dir = tempDir();
    const first = appendEventsLocked(dir, [note('héllo wörld ✓'), note('second')]);
    const second = appendEventsLocked(dir, [note('third')]);
    const raw = fs.readFileSync(eventLogPath(dir));
    for (const event of [...first, ...second]) {
      const line = raw.subarray(event.id, raw.indexOf(0x0a, event.id)).toString('utf8');
      expect(JSON.parse(line)).toEqual(event);
    }
    expect(first[0]!.id).toBe(0);
    expect(first[1]!.id).toBeGreaterThan(first[0]!.id);
    expect(second[0]!.id).toBeGreaterThan(first[1]!.id);
    expect(eventLogEnd(dir)).toBe(raw.length);
  });

  it('keeps a given timestamp and stamps the others', () => {
    const dir = tempDir();
    const [given, stamped] = appendEventsLocked(dir, [
      { ...note('x'), ts: '2026-01-02T03:04:05.000Z' },
      note('y'),
    ]);
    expect(given!.ts).toBe('2026-01-02T03:04:05.000Z');
    expect(Date.parse(stamped!.ts)).not.toBeNaN();
  });

  it('reads from an offset (a cursor) and returns the new end', () => {
    const dir = tempDir();
    const [a, b, c] = appendEventsLocked(dir, [note('a'), note('b'), note('c')]);
    expect(readEvents(dir, 0).events.map((e) => e.message)).toEqual(['a', 'b', 'c']);
    expect(readEvents(dir, b!.id).events.map((e) => e.message)).toEqual(['b', 'c']);
    const { events, end } = readEvents(dir, c!.id);
    expect(events.map((e) => e.id)).toEqual([c!.id]);
    expect(end).toBe(eventLogEnd(dir));
    expect(readEvents(dir, end)).toEqual({ events: [], end });
    // An offset past the end (a log replaced by a shorter one) reads nothing, never throws.
    expect(readEvents(dir, end + 1000).events).toEqual([]);
    expect(a!.id).toBe(0);
  });

  it('skips a torn trailing line (a writer killed mid-append) and does not count it as read', () => {
    const dir = tempDir();
    appendEventsLocked(dir, [note('whole')]);
    const before = eventLogEnd(dir);
    fs.appendFileSync(eventLogPath(dir), '{"id":99,"kind":"no');
    const { events, end } = readEvents(dir, 0);
    expect(events.map((e) => e.message)).toEqual(['whole']);
    expect(end).toBe(before);
  });

  it('appends after a torn line on a line of its own, and the torn line stays skipped', () => {
    const dir = tempDir();
    appendEventsLocked(dir, [note('one')]);
    fs.appendFileSync(eventLogPath(dir), '{"torn":');
    const [two] = appendEventsLocked(dir, [note('two')]);
    const { events } = readEvents(dir, 0);
    expect(events.map((e) => e.message)).toEqual(['one', 'two']);
    // The id still points at the start of its own line.
    const raw = fs.readFileSync(eventLogPath(dir), 'utf8');
    expect(raw.slice(two!.id).startsWith('{"id":')).toBe(true);
    expect(readEvents(dir, two!.id).events).toEqual([two]);
  });

  it('skips a garbage line in the middle without losing the lines around it', () => {
    const dir = tempDir();
    appendEventsLocked(dir, [note('before')]);
    fs.appendFileSync(eventLogPath(dir), 'not json at all\n\n');
    appendEventsLocked(dir, [note('after')]);
    expect(readEvents(dir).events.map((e) => e.message)).toEqual(['before', 'after']);
  });
});

describe('isFor', () => {
  const base: QlockEvent = { id: 0, ts: '', kind: 'note', message: 'm' };
  it('a broadcast reaches everyone but its sender', () => {
    expect(isFor({ ...base, from: 'a' }, 'b')).toBe(true);
    expect(isFor({ ...base, from: 'a' }, 'a')).toBe(false);
    expect(isFor(base, 'a')).toBe(true);
  });
  it('an addressed event reaches only its recipients', () => {
    expect(isFor({ ...base, from: 'a', to: ['b'] }, 'b')).toBe(true);
    expect(isFor({ ...base, from: 'a', to: ['b'] }, 'c')).toBe(false);
    expect(isFor({ ...base, from: 'a', to: ['a'] }, 'a')).toBe(true);
  });
});
