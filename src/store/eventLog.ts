import fs from 'node:fs';
import path from 'node:path';

import { StateError } from '../errors.js';
import { coreMessages as messages } from '../ui/messages/core.js';
import type { NewEvent, QlockEvent } from './types.js';

/**
 * The append-only event log, one JSON object per line. An event's id is the byte offset of its
 * line, so a session's inbox is just a cursor (an offset) and reading it never scans old events.
 * Appends happen under the state-dir mutex (see updateRegistry), so offsets are consistent.
 */
export function eventLogPath(stateDir: string): string {
  return path.join(stateDir, 'events.jsonl');
}

/** Size of the log: the cursor value meaning "everything read". */
export function eventLogEnd(stateDir: string): number {
  try {
    return fs.statSync(eventLogPath(stateDir)).size;
  } catch {
    return 0;
  }
}

/**
 * 'a+' without following a symbolic link: a link planted at events.jsonl (a plain directory's
 * `.qlock/` is as writable as the tree) would append qlock's lines to any file the user can
 * write, a shell startup file among them.
 */
function openLogForAppend(file: string): number {
  const { O_RDWR, O_APPEND, O_CREAT, O_NOFOLLOW } = fs.constants;
  try {
    return fs.openSync(file, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW, 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP')
      throw new StateError(messages.stateFileIsLink(file), file, { cause: error });
    throw error;
  }
}

/** Appends events; call only while holding the mutex. Returns the stored events. */
export function appendEventsLocked(stateDir: string, events: NewEvent[]): QlockEvent[] {
  const file = eventLogPath(stateDir);
  const fd = openLogForAppend(file);
  try {
    let offset = fs.fstatSync(fd).size;
    if (offset > 0) {
      // A writer killed mid-line leaves no newline at the end: close that line so ours parses.
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, offset - 1);
      if (last[0] !== 0x0a) {
        fs.writeSync(fd, '\n');
        offset += 1;
      }
    }
    const stored: QlockEvent[] = [];
    let chunk = '';
    for (const event of events) {
      const full: QlockEvent = {
        id: offset + Buffer.byteLength(chunk),
        ts: event.ts ?? new Date().toISOString(),
        ...stripTs(event),
      };
      stored.push(full);
      chunk += JSON.stringify(full) + '\n';
    }
    fs.writeFileSync(fd, chunk); // one append; loops until every byte is written
    fs.fsyncSync(fd);
    return stored;
  } finally {
    fs.closeSync(fd);
  }
}

function stripTs(event: NewEvent): Omit<NewEvent, 'ts'> {
  const { ts: _ts, ...rest } = event;
  return rest;
}

/**
 * Reads the events from `offset` to the end. A line that does not parse (a torn tail from a
 * killed writer) is skipped, not fatal. Returns the events and the new end offset.
 */
export function readEvents(stateDir: string, offset = 0): { events: QlockEvent[]; end: number } {
  const file = eventLogPath(stateDir);
  let buffer: Buffer;
  let start = 0;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      start = Math.min(Math.max(0, offset), size);
      buffer = Buffer.alloc(size - start);
      fs.readSync(fd, buffer, 0, buffer.length, start);
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { events: [], end: 0 };
    throw error;
  }
  const events: QlockEvent[] = [];
  const text = buffer.toString('utf8');
  // Only complete lines: a line still being written has no newline yet.
  const lastNewline = text.lastIndexOf('\n');
  const complete = lastNewline >= 0 ? text.slice(0, lastNewline + 1) : '';
  for (const line of complete.split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as QlockEvent);
    } catch {
      // torn line from a killed writer: skip it
    }
  }
  return { events, end: start + Buffer.byteLength(complete) };
}

/** Events addressed to `session` (to it by name, or broadcast by another session). */
export function isFor(event: QlockEvent, session: string): boolean {
  if (event.to) return event.to.includes(session);
  return event.from !== session;
}
