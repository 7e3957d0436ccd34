import fs from 'node:fs';
import path from 'node:path';

import { isAncestor } from '../git/repo.js';
import { locksOverlap } from '../locks/lockTable.js';
import { atomicWrite } from '../store/atomicWrite.js';
import { isFor, readEvents } from '../store/eventLog.js';
import { readRegistry, updateRegistry } from '../store/registry.js';
import type { QlockEvent, Registry } from '../store/types.js';
import { describeEvent, formatEvent } from './formatEvent.js';

/**
 * The agent's digest at each prompt: what concerns this session, first and short.
 *
 * - ranked by how much it concerns this session's own work: its lock broken; base moved under its
 *   files (or with conflicts predicted); a conflict predicted with it; an overlap with its files; a
 *   note; then the rest (locks others took, sessions joining and leaving, base moving elsewhere);
 *   newest first within a rank;
 * - deduplicated (the same text from the same session once, the newest), and superseded events
 *   collapsed: a lock taken and since released says nothing; of several base moves only the
 *   newest stands (it describes the relation now: advice of an older one no longer holds);
 * - within a byte cap, with a count of what did not fit;
 * - only what was shown (or collapsed into what was shown) is marked read: the cursor moves up to
 *   the first event left out, and the events shown beyond it are remembered in
 *   `<state>/agents/shown-<session>.json` so they are not repeated.
 */

/** Bytes of digest lines (the title and the "more" line come on top). */
export const DIGEST_MAX_BYTES = 1600;

interface Item {
  event: QlockEvent;
  rank: number;
  /** Events collapsed into this one (duplicates, superseded), marked read with it. */
  covers: number[];
}

function rankOf(event: QlockEvent, self: string): number {
  const data = event.data ?? {};
  switch (event.kind) {
    case 'lock-broken':
      return 0;
    case 'main-moved':
      return event.paths?.length ||
        (Array.isArray(data.conflicts) && (data.conflicts as unknown[]).length)
        ? 1
        : 6;
    case 'conflict':
      return 2;
    case 'overlap':
      return data.lockedBy === self ? 2 : 3;
    case 'note':
      return 4;
    default:
      return 5;
  }
}

/** A lock-taken event none of whose paths its sender still holds: released since. */
function released(event: QlockEvent, registry: Registry): boolean {
  if (event.kind !== 'lock-taken' || !event.from || !event.paths?.length) return false;
  return !event.paths.some((p) =>
    registry.locks.some((l) => l.session === event.from && locksOverlap(l.path, p)),
  );
}

/**
 * The digest's items, ranked, duplicates folded in; `settled`: superseded events, which have
 * nothing left to say (a lock taken and released since).
 */
export function digestItems(
  events: QlockEvent[],
  self: string,
  registry: Registry,
): { items: Item[]; settled: number[] } {
  const items: Item[] = [];
  const byKey = new Map<string, Item>();
  const dropped: number[] = [];
  // Newest first: the first of a kind seen is the one that stands.
  for (const event of [...events].sort((a, b) => b.id - a.id)) {
    if (released(event, registry)) {
      dropped.push(event.id);
      continue;
    }
    const key =
      event.kind === 'main-moved'
        ? `main-moved\0${String(event.data?.base ?? '')}`
        : `${event.kind}\0${event.from ?? ''}\0${describeEvent(event)}`;
    const kept = byKey.get(key);
    if (kept) {
      kept.covers.push(event.id);
      continue;
    }
    const item: Item = { event, rank: rankOf(event, self), covers: [event.id] };
    byKey.set(key, item);
    items.push(item);
  }
  items.sort((a, b) => a.rank - b.rank || b.event.id - a.event.id);
  return { items, settled: dropped };
}

export interface Digest {
  lines: string[];
  /** Unread events not shown (over the cap): they stay unread. */
  more: number;
  /** All unread events, collapsed ones included. */
  total: number;
}

function shownFile(stateDir: string, session: string): string {
  return path.join(stateDir, 'agents', `shown-${session}.json`);
}

function readShown(stateDir: string, session: string): Set<number> {
  try {
    const ids = JSON.parse(fs.readFileSync(shownFile(stateDir, session), 'utf8')) as unknown;
    return new Set(Array.isArray(ids) ? ids.filter((i): i is number => typeof i === 'number') : []);
  } catch {
    return new Set();
  }
}

/** Builds this session's digest from its unread events and marks read what it shows (see above). */
export async function takeDigest(
  stateDir: string,
  session: string,
  now: Date,
  maxBytes = DIGEST_MAX_BYTES,
): Promise<Digest> {
  const registry = readRegistry(stateDir);
  const me = registry.sessions[session];
  if (!me) return { lines: [], more: 0, total: 0 };
  const shownBefore = readShown(stateDir, session);
  const { events: all, end } = readEvents(stateDir, me.cursor);
  const events = all.filter((e) => isFor(e, session) && !shownBefore.has(e.id));
  if (!events.length) {
    if (end > me.cursor) await advance(stateDir, session, end, new Set());
    return { lines: [], more: 0, total: 0 };
  }
  const digest = digestItems(events, session, registry);
  const settled = [...digest.settled];
  const items: Item[] = [];
  for (const item of digest.items) {
    if (await syncedPast(item.event, me.path)) settled.push(...item.covers);
    else items.push(item);
  }
  const lines: string[] = [];
  const shown = new Set<number>(settled);
  let bytes = 0;
  let more = 0;
  for (const item of items) {
    const line = `- ${formatEvent(item.event, now)}`;
    const size = Buffer.byteLength(line) + 1;
    if (lines.length && bytes + size > maxBytes) {
      more++;
      continue;
    }
    bytes += size;
    lines.push(line);
    for (const id of item.covers) shown.add(id);
  }
  // Read up to the first event that was not shown; beyond it, remember what was.
  const left = events.filter((e) => !shown.has(e.id)).map((e) => e.id);
  const cursor = left.length ? Math.min(...left) : end;
  const keep = new Set([...shownBefore, ...shown].filter((id) => id >= cursor));
  await advance(stateDir, session, cursor, keep);
  return { lines, more, total: events.length };
}

/**
 * A base move the session has synced past since (its HEAD contains the moved-to commit): its news
 * and its advice ("run qlock sync", "conflicts predicted") no longer hold. One that walked over the
 * session's locks stays: the holder must hear it. Asks git only for such an event.
 */
async function syncedPast(event: QlockEvent, dir: string): Promise<boolean> {
  const to = event.data?.to;
  if (event.kind !== 'main-moved' || typeof to !== 'string' || !/^[0-9a-f]{40,64}$/.test(to))
    return false;
  if (Array.isArray(event.data?.locked) && event.data.locked.length) return false;
  try {
    return (await isAncestor(dir, to)) === true;
  } catch {
    return false; // cannot tell (the directory is gone): the event stays
  }
}

async function advance(
  stateDir: string,
  session: string,
  cursor: number,
  shown: Set<number>,
): Promise<void> {
  await updateRegistry(stateDir, ({ registry }) => {
    const current = registry.sessions[session];
    if (current && cursor > current.cursor) current.cursor = cursor;
  });
  const file = shownFile(stateDir, session);
  try {
    if (!shown.size) {
      fs.rmSync(file, { force: true });
      return;
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    atomicWrite(file, JSON.stringify([...shown].sort((a, b) => a - b)), { durable: false });
  } catch {
    // losing it only means an event shown already is shown again
  }
}
