import fs from 'node:fs';
import path from 'node:path';

import { blobsAt, changedSinceMergeBaseAmong, newFilesAmong } from '../git/peerPaths.js';
import { RefReader } from '../git/refReader.js';
import type { Config } from '../project/configSchema.js';
import type { Project } from '../project/findProject.js';
import { sessionState, workCounts } from '../sessions/sessionState.js';
import type { Registry, Session } from '../store/types.js';
import { createDebug } from '../ui/debug.js';
import { PeerCache, statSignature } from './peerCache.js';

const debug = createDebug('agents');

/**
 * Which other live sessions have a given file in their change set, asked just before a write.
 * A full change set (git status of a whole worktree) costs 15-20 ms per session, far too slow for
 * the pre-write hook, so this asks about the written paths only:
 *
 * 1. the writer's own copy: a session whose copy has the same bytes has not changed the file,
 *    or has made the very same change (no collision either way) — the usual case, decided by
 *    reading two files, without any git process;
 *    then base's version of each path left (one `git cat-file --batch` for all sessions): a
 *    session whose copy is byte-identical to it has not changed the file;
 * 2. for a session whose copy differs, `git diff --name-only --merge-base <base> -- <paths>` in
 *    its worktree (concurrently with the others): committed, staged and unstaged changes against
 *    its merge-base, which rules out a copy that only differs because base moved on since; and
 *    for a file it has that base has not, `git ls-files --others --exclude-standard` (new work,
 *    not ignored output). Answers are cached by session, path, HEAD, base tip and the stat of the
 *    copy (peerCache.ts).
 *
 * Plain-directory sessions compare the file with the snapshot taken when they were registered.
 */

export interface PeerChange {
  path: string;
  sessions: string[];
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

function sameFile(a: string, b: string): boolean {
  const ca = readOrUndefined(a);
  const cb = readOrUndefined(b);
  return ca === undefined || cb === undefined ? ca === cb : ca.equals(cb);
}

function dirPeer(project: Project, other: Session, rels: string[]): string[] {
  if (!other.snapshot) return [];
  const files = path.join(project.stateDir, other.snapshot, 'files');
  return rels.filter(
    (rel) => !rel.endsWith('/') && !sameFile(path.join(other.path, rel), path.join(files, rel)),
  );
}

/** Git's answer, or undefined (logged) when git could not tell. */
async function answered<T>(answer: Promise<T>, who: string): Promise<T | undefined> {
  try {
    return await answer;
  } catch (error) {
    debug(`peer ${who}: ${(error as Error).message}`);
    return undefined;
  }
}

const covered = (rel: string, files: Set<string>) =>
  [...files].some((f) => f === rel || (rel.endsWith('/') && f.startsWith(rel)));

/**
 * Which of `rels` the other session changed (undefined when git could not tell). `notInBase`:
 * paths base does not have, for which untracked work counts.
 */
async function gitPeer(
  other: Session,
  rels: string[],
  notInBase: Set<string>,
): Promise<Set<string> | undefined> {
  const changed = await answered(
    changedSinceMergeBaseAmong(other.path, other.base, rels),
    other.name,
  );
  if (!changed) return undefined;
  const hits = new Set(rels.filter((rel) => covered(rel, changed)));
  const fresh = rels.filter(
    (rel) => !hits.has(rel) && notInBase.has(rel) && fs.existsSync(path.join(other.path, rel)),
  );
  if (fresh.length) {
    const untracked = await answered(newFilesAmong(other.path, fresh), other.name);
    for (const rel of fresh) if (untracked && covered(rel, untracked)) hits.add(rel);
  }
  return hits;
}

/** Base's content of each file at `tip` (null: not in base), by one `git cat-file --batch`. */
async function baseContents(
  cwd: string,
  tip: string,
  files: string[],
): Promise<Map<string, Buffer | null> | undefined> {
  try {
    return await blobsAt(cwd, tip, files);
  } catch (error) {
    debug(`cat-file: ${(error as Error).message}`);
    return undefined;
  }
}

export async function peerChanges(options: {
  project: Project;
  registry: Registry;
  self: string;
  rels: string[];
  ownRoot: string;
  config: Config;
  now: Date;
}): Promise<PeerChange[]> {
  const { project, registry, self, ownRoot, config, now } = options;
  let rels = options.rels;
  if (config.ignore.length) {
    const { makeIgnoreMatcher } = await import('../changes/ignoreGlobs.js');
    const ignored = makeIgnoreMatcher(config.ignore);
    rels = rels.filter((r) => !ignored(r) && !ignored(r.replace(/\/$/, '')));
  }
  const others = Object.values(registry.sessions).filter(
    (s) => s.name !== self && workCounts(sessionState(s, now, config)),
  );
  if (!rels.length || !others.length) return [];
  const byPath = new Map<string, string[]>();
  const hit = (rel: string, name: string) => byPath.set(rel, [...(byPath.get(rel) ?? []), name]);

  if (project.kind !== 'git' || !project.commonDir) {
    for (const other of others)
      for (const rel of dirPeer(project, other, rels)) hit(rel, other.name);
    return [...byPath].map(([p, sessions]) => ({ path: p, sessions: sessions.sort() }));
  }

  const commonDir = project.commonDir;
  const cache = new PeerCache(project.stateDir);
  const files = rels.filter((r) => !r.endsWith('/'));
  const tips = new Map<string, string | undefined>();
  const refs = new RefReader(commonDir);
  for (const base of new Set(others.map((o) => o.base))) tips.set(base, refs.branchTip(base));
  // Base's version of the files, read (once per base) only when some answer is not cached.
  const pending = new Map<string, Promise<Map<string, Buffer | null> | undefined>>();
  const blobsOf = (base: string) => {
    let found = pending.get(base);
    if (!found) {
      const tip = tips.get(base);
      found = tip && files.length ? baseContents(ownRoot, tip, files) : Promise.resolve(undefined);
      pending.set(base, found);
    }
    return found;
  };

  await Promise.all(
    others.map(async (other) => {
      const tip = tips.get(other.base);
      const head = refs.headOf(other.path);
      const keys = new Map<string, string>();
      const unsure: string[] = [];
      for (const rel of rels) {
        // Warm path: the answer for this very copy (its stat), HEAD and base tip is known.
        const key =
          head && tip && !rel.endsWith('/')
            ? [other.name, rel, head, tip, statSignature(path.join(other.path, rel))].join('\0')
            : undefined;
        const known = key ? cache.peer(key) : undefined;
        if (known !== undefined) {
          if (known) hit(rel, other.name);
          continue;
        }
        if (key) keys.set(rel, key);
        unsure.push(rel);
      }
      if (!unsure.length) return;
      // A copy with the writer's own bytes (or absent from both): the other session has not
      // changed it, or has made the very same change, which collides with nothing. No git process
      // (a file's first write in a session, with no cached answer, would otherwise cost one), and
      // not cached: once the writer's copy moves on, a same change becomes a real overlap.
      const differing = unsure.filter(
        (rel) =>
          rel.endsWith('/') || !sameFile(path.join(other.path, rel), path.join(ownRoot, rel)),
      );
      unsure.splice(0, unsure.length, ...differing);
      if (!unsure.length) return;
      // Cold path: a copy identical to base's (or absent from both) is unchanged.
      const base = await blobsOf(other.base);
      const ask: string[] = [];
      for (const rel of unsure) {
        const baseContent = base?.get(rel);
        if (!rel.endsWith('/') && baseContent !== undefined) {
          const content = readOrUndefined(path.join(other.path, rel));
          if (content === undefined ? baseContent === null : !!baseContent?.equals(content)) {
            const key = keys.get(rel);
            if (key) cache.setPeer(key, false);
            continue;
          }
        }
        ask.push(rel);
      }
      if (!ask.length) return;
      const notInBase = new Set(ask.filter((r) => !base || base.get(r) === null));
      const hits = await gitPeer(other, ask, notInBase);
      if (!hits) return;
      for (const rel of ask) {
        if (hits.has(rel)) hit(rel, other.name);
        const key = keys.get(rel);
        if (key) cache.setPeer(key, hits.has(rel));
      }
    }),
  );
  cache.save();
  return [...byPath].map(([p, sessions]) => ({ path: p, sessions: sessions.sort() }));
}
