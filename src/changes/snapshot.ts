import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { StateError } from '../errors.js';
import { POINTER_FILE } from '../project/findProject.js';
import { atomicWrite, uniqueHex } from '../store/atomicWrite.js';
import { withMutex } from '../store/mutex.js';
import { coreMessages as messages } from '../ui/messages/core.js';
import type { ChangeSet } from './changeSet.js';
import { unionSorted } from './changeSet.js';
import { makeIgnoreMatcher } from './ignoreGlobs.js';

/**
 * Plain directories (no git): a session's change set is measured against a snapshot of its tree
 * taken when it was registered. The snapshot keeps each file's content (for hunk overlap) and a
 * manifest of size, mtime and hash (so that comparing is mostly stat calls).
 */

interface ManifestEntry {
  size: number;
  mtimeMs: number;
  hash: string;
}
type Manifest = Record<string, ManifestEntry>;

const ALWAYS_SKIPPED = new Set(['.git', POINTER_FILE, 'node_modules']);

export { makeIgnoreMatcher };

/** Every file below `root` (repo-relative, '/'-separated), skipping .git, .qlock and ignored paths. */
export function listFiles(root: string, ignore: readonly string[] = []): string[] {
  const ignored = makeIgnoreMatcher(ignore);
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (ALWAYS_SKIPPED.has(entry.name)) continue;
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (ignored(childRel)) continue;
      if (entry.isDirectory()) walk(path.join(dir, entry.name), childRel);
      else if (entry.isFile() || entry.isSymbolicLink()) out.push(childRel);
    }
  };
  walk(root, '');
  return out.sort();
}

function hashFile(file: string): string {
  return crypto.createHash('sha1').update(fs.readFileSync(file)).digest('hex');
}

export function snapshotDir(stateDir: string, name: string): string {
  return path.join(stateDir, 'snapshots', name);
}

/**
 * Moves a snapshot out of the way with one rename (instant, so it can happen inside the registry
 * mutex, where the registry and the snapshots agree); returns where it went, for deleteSnapshot
 * to remove outside the mutex. A name freed this way can be taken by a new session at once
 * without its fresh snapshot being deleted by the process that discarded the old one.
 */
export function discardSnapshot(stateDir: string, rel: string): string | undefined {
  const trash = snapshotDir(stateDir, `.trash-${process.pid}-${uniqueHex()}`);
  try {
    fs.renameSync(path.resolve(stateDir, rel), trash);
    return trash;
  } catch {
    return undefined; // already gone
  }
}

export function deleteSnapshot(dir: string | undefined): void {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Snapshot directories that no session uses, relative to the state dir: taken or discarded by a
 * process that was killed (`.pending-<name>-<pid>`, `.trash-<pid>-<hex>`), or left by a
 * registration killed between its rename and its registry write. Ask under the registry mutex.
 */
export function leftoverSnapshots(stateDir: string, used: Iterable<string>): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(path.join(stateDir, 'snapshots'));
  } catch {
    return [];
  }
  const keep = new Set([...used].map((rel) => path.resolve(stateDir, rel)));
  return names
    .filter((name) => {
      const owner = /^\.pending-.+-(\d+)$/.exec(name) ?? /^\.trash-(\d+)-[0-9a-f]{8}$/.exec(name);
      if (owner) return !processAlive(Number(owner[1]));
      return !keep.has(snapshotDir(stateDir, name));
    })
    .map((name) => path.relative(stateDir, snapshotDir(stateDir, name)));
}

/**
 * Copies the session's tree into `snapshots/<dirName>` of the state dir and writes its manifest.
 * Callers snapshot into a pending name outside the mutex, then rename it into place inside.
 */
export function takeSnapshot(
  stateDir: string,
  dirName: string,
  root: string,
  ignore: readonly string[],
): string {
  const dir = snapshotDir(stateDir, dirName);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'files'), { recursive: true });
  const manifest: Manifest = {};
  for (const rel of listFiles(root, ignore)) {
    const source = path.join(root, rel);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(source);
    } catch {
      continue;
    }
    if (!stat.isFile()) continue;
    const copy = path.join(dir, 'files', rel);
    fs.mkdirSync(path.dirname(copy), { recursive: true });
    fs.copyFileSync(source, copy);
    manifest[rel] = { size: stat.size, mtimeMs: stat.mtimeMs, hash: hashFile(copy) };
  }
  atomicWrite(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  return path.relative(stateDir, dir);
}

/** The content a snapshot holds for a file, or undefined if the file did not exist then. */
export function snapshotContent(
  stateDir: string,
  snapshot: string,
  rel: string,
): Buffer | undefined {
  try {
    return fs.readFileSync(path.join(stateDir, snapshot, 'files', rel));
  } catch {
    return undefined;
  }
}

function manifestFile(stateDir: string, snapshot: string): string {
  return path.join(stateDir, snapshot, 'manifest.json');
}

function isManifest(data: unknown): data is Manifest {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return false;
  return Object.values(data as Record<string, unknown>).every((e) => {
    const entry = e as Partial<ManifestEntry> | null;
    return (
      !!entry &&
      typeof entry.size === 'number' &&
      typeof entry.mtimeMs === 'number' &&
      typeof entry.hash === 'string'
    );
  });
}

/**
 * A snapshot's manifest. Unreadable, it is a StateError naming the file and the fix: read as
 * empty it would report every file of the session as new, and every other session as
 * overlapping with it.
 */
export function readManifest(stateDir: string, snapshot: string): Manifest {
  const file = manifestFile(stateDir, snapshot);
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (error as Error).message;
    throw new StateError(messages.snapshotManifestUnreadable(file, reason), file);
  }
  if (!isManifest(data))
    throw new StateError(messages.snapshotManifestUnreadable(file, 'not a manifest'), file);
  return data;
}

/**
 * Writes a snapshot's manifest again from its copies of the files (`qlock doctor --fix`), for the
 * session's tree at `root`. A file whose content still equals its copy gets its current mtime, so
 * later comparisons stay stat calls; the others get mtime -1 (no file has it) and are compared
 * by hash, so exactly those that differ from the copies show as changed. The damaged manifest is
 * kept next to it. Returns the number of files listed.
 */
export function rebuildManifest(stateDir: string, snapshot: string, root: string): number {
  const file = manifestFile(stateDir, snapshot);
  const files = path.join(stateDir, snapshot, 'files');
  // Without the copies there is nothing to rebuild from: an empty manifest would call every file
  // new, the very thing this repair is for.
  if (!fs.existsSync(files)) throw new StateError(messages.snapshotCopiesMissing(files), files);
  const manifest: Manifest = {};
  for (const rel of listFiles(files)) {
    const copy = path.join(files, rel);
    const entry = { size: fs.statSync(copy).size, mtimeMs: -1, hash: hashFile(copy) };
    try {
      const current = path.join(root, rel);
      const stat = fs.statSync(current);
      if (stat.size === entry.size && hashFile(current) === entry.hash)
        entry.mtimeMs = stat.mtimeMs;
    } catch {
      // deleted since: compared by name, the entry stays as the copy says
    }
    manifest[rel] = entry;
  }
  if (fs.existsSync(file)) fs.copyFileSync(file, `${file}.corrupt-${Date.now()}`);
  atomicWrite(file, JSON.stringify(manifest));
  return Object.keys(manifest).length;
}

/**
 * Of `rels` (paths below the session's tree `root`), those whose state now is the snapshot's:
 * the same content, or absent from both. qlock's own writes into a plain-directory session (the
 * agent configs of `qlock agent install`) re-record exactly these afterwards (recordInSnapshot),
 * so that they are no work of the session, while a file the user had already changed stays
 * changed.
 */
export function unchangedSinceSnapshot(
  stateDir: string,
  snapshot: string,
  root: string,
  rels: readonly string[],
): string[] {
  const manifest = readManifest(stateDir, snapshot);
  return rels.filter((rel) => {
    const before = manifest[rel];
    const file = path.join(root, rel);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(file);
    } catch {
      return !before;
    }
    if (!before || !stat.isFile()) return false;
    return stat.size === before.size && hashFile(file) === before.hash;
  });
}

/**
 * Records the current state of `rels` in the snapshot (copy and manifest entry; an absent file
 * leaves both), under the snapshot's own mutex: a file qlock itself wrote into the session then
 * is no change of it. Only for paths unchangedSinceSnapshot returned before the write.
 */
export async function recordInSnapshot(
  stateDir: string,
  snapshot: string,
  root: string,
  rels: readonly string[],
): Promise<void> {
  if (!rels.length) return;
  const dir = path.join(stateDir, snapshot);
  await withMutex(
    dir,
    () => {
      const manifest = readManifest(stateDir, snapshot);
      for (const rel of rels) {
        const source = path.join(root, rel);
        const copy = path.join(dir, 'files', rel);
        let stat: fs.Stats | undefined;
        try {
          stat = fs.lstatSync(source);
        } catch {
          stat = undefined;
        }
        if (stat?.isFile()) {
          fs.mkdirSync(path.dirname(copy), { recursive: true });
          fs.copyFileSync(source, copy);
          manifest[rel] = { size: stat.size, mtimeMs: stat.mtimeMs, hash: hashFile(copy) };
        } else {
          fs.rmSync(copy, { force: true });
          delete manifest[rel];
        }
      }
      atomicWrite(manifestFile(stateDir, snapshot), JSON.stringify(manifest));
    },
    'manifest',
  );
}

/** Compares a plain-directory session with its snapshot: modified/deleted → unstaged, new → untracked. */
export function dirChangeSet(
  stateDir: string,
  snapshot: string,
  root: string,
  ignore: readonly string[],
): ChangeSet {
  const manifest = readManifest(stateDir, snapshot);
  const unstaged: string[] = [];
  const untracked: string[] = [];
  const present = new Set<string>();
  for (const rel of listFiles(root, ignore)) {
    present.add(rel);
    const before = manifest[rel];
    if (!before) {
      untracked.push(rel);
      continue;
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(path.join(root, rel));
    } catch {
      continue;
    }
    if (stat.size === before.size && stat.mtimeMs === before.mtimeMs) continue;
    if (stat.size !== before.size || hashFile(path.join(root, rel)) !== before.hash)
      unstaged.push(rel);
  }
  const deleted = Object.keys(manifest)
    .filter((rel) => !present.has(rel))
    .sort();
  unstaged.push(...deleted);
  unstaged.sort();
  return {
    committed: [],
    staged: [],
    unstaged,
    untracked,
    all: unionSorted(unstaged, untracked),
    ...(deleted.length ? { deleted } : {}),
  };
}
