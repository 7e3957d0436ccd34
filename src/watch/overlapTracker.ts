import { findBlockingLocks } from '../locks/lockTable.js';
import type { Config } from '../project/configSchema.js';
import { isLive, sessionState } from '../sessions/sessionState.js';
import type { Registry } from '../store/types.js';

/**
 * Decides when a file edit is news: session E saves P while another live session O has P in its
 * change set or holds a lock covering it. Each (path, pair of sessions) is announced once and
 * stays "active" until it clears (one side no longer touches P), so a session saving the same
 * file every few seconds does not flood the other's inbox.
 */

export interface OverlapView {
  registry: Registry;
  now: Date;
  /** Current change sets, by session name (repo-relative paths). */
  changeSets: ReadonlyMap<string, ReadonlySet<string>>;
  /** Whether a session counts (not missing, not stale). */
  isLive(name: string): boolean;
}

export interface NewOverlap {
  path: string;
  editor: string;
  other: string;
  /** Set when `other` holds a lock covering the path. */
  lockedBy?: string;
}

interface Active {
  path: string;
  a: string;
  b: string;
  /** When it was announced or seeded (ms): a change set read before that cannot clear it. */
  since: number;
}

function pairKey(path: string, x: string, y: string): string {
  return x < y ? `${path}\0${x}\0${y}` : `${path}\0${y}\0${x}`;
}

/** Whether `session` touches `path`: in its change set, or under one of its honoured locks. */
function touches(view: OverlapView, session: string, path: string): 'lock' | 'change' | undefined {
  const locked = findBlockingLocks(view.registry, [path], undefined, view.now).some(
    (l) => l.session === session,
  );
  if (locked) return 'lock';
  return view.changeSets.get(session)?.has(path) ? 'change' : undefined;
}

export class OverlapTracker {
  private readonly active = new Map<string, Active>();

  get size(): number {
    return this.active.size;
  }

  isActive(path: string, x: string, y: string): boolean {
    return this.active.has(pairKey(path, x, y));
  }

  /**
   * Marks the overlaps that already exist involving `session` (found when it is first loaded, or
   * when the watcher starts) as known: they are not "starting to edit" and are not announced.
   */
  seed(session: string, view: OverlapView): void {
    const mine = view.changeSets.get(session);
    if (!mine) return;
    const since = view.now.getTime();
    for (const other of view.changeSets.keys()) {
      if (other === session || !view.isLive(other)) continue;
      for (const path of mine) {
        if (touches(view, other, path)) {
          this.active.set(pairKey(path, session, other), { path, a: session, b: other, since });
        }
      }
    }
    // Locks held by this session over files the others already changed.
    if (!view.registry.locks.some((l) => l.session === session)) return;
    for (const [other, paths] of view.changeSets) {
      if (other === session || !view.isLive(other)) continue;
      for (const path of paths) {
        if (touches(view, session, path) === 'lock') {
          this.active.set(pairKey(path, session, other), { path, a: session, b: other, since });
        }
      }
    }
  }

  /** The overlaps that `editor` saving `paths` starts; they become active. */
  onEdits(editor: string, paths: readonly string[], view: OverlapView): NewOverlap[] {
    const found: NewOverlap[] = [];
    const since = view.now.getTime();
    const others = Object.keys(view.registry.sessions).filter(
      (name) => name !== editor && view.isLive(name),
    );
    for (const path of paths) {
      for (const other of others) {
        const key = pairKey(path, editor, other);
        if (this.active.has(key)) continue;
        const how = touches(view, other, path);
        if (!how) continue;
        this.active.set(key, { path, a: editor, b: other, since });
        found.push(
          how === 'lock' ? { path, editor, other, lockedBy: other } : { path, editor, other },
        );
      }
    }
    return found;
  }

  /**
   * Drops the active overlaps involving `session` that no longer hold on its side, given its
   * change set read from `readStartedAt` on (a read begun before an overlap was announced may
   * predate the edit). Only `session`'s side is judged: the other session's set in `view` may be
   * older than the edit (the editor's own set is read after its event), and judging by it would
   * drop a live overlap and announce it a second time when that set catches up.
   */
  clear(session: string, readStartedAt: number, view: OverlapView): void {
    for (const [key, entry] of this.active) {
      if (entry.a !== session && entry.b !== session) continue;
      if (readStartedAt < entry.since) continue;
      const gone =
        !view.registry.sessions[entry.a] ||
        !view.registry.sessions[entry.b] ||
        !touches(view, session, entry.path);
      if (gone) this.active.delete(key);
    }
  }

  /** Forgets overlaps that could not be recorded, so the next save announces them. */
  unmark(found: readonly NewOverlap[]): void {
    for (const o of found) this.active.delete(pairKey(o.path, o.editor, o.other));
  }

  /** Forgets a session entirely (removed or gone). */
  forget(session: string): void {
    for (const [key, entry] of this.active) {
      if (entry.a === session || entry.b === session) this.active.delete(key);
    }
  }
}

/** Groups new overlaps by pair, so one save of several files sends one event per recipient. */
export function groupOverlaps(
  found: readonly NewOverlap[],
): { editor: string; other: string; lockedBy?: string; paths: string[] }[] {
  const groups = new Map<
    string,
    { editor: string; other: string; lockedBy?: string; paths: string[] }
  >();
  for (const o of found) {
    const key = `${o.editor}\0${o.other}\0${o.lockedBy ?? ''}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        editor: o.editor,
        other: o.other,
        paths: [],
        ...(o.lockedBy ? { lockedBy: o.lockedBy } : {}),
      };
      groups.set(key, group);
    }
    group.paths.push(o.path);
  }
  return [...groups.values()];
}

/** The view of the sessions the tracker needs, from the watcher's state. */
export function overlapView(
  registry: Registry,
  changeSets: ReadonlyMap<string, ReadonlySet<string>>,
  now: Date,
  config: Pick<Config, 'staleAfter' | 'idleAfter'>,
): OverlapView {
  return {
    registry,
    now,
    changeSets,
    isLive: (name) => {
      const session = registry.sessions[name];
      return !!session && isLive(sessionState(session, now, config));
    },
  };
}
