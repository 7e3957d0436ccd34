import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { hooksStateDir } from '../project/hookPaths.js';
import { atomicWrite } from '../store/atomicWrite.js';

/**
 * What `qlock hooks install` did to each hook file, kept in `<state>/hooks/manifest.json` (per
 * clone) so that uninstall restores every file byte for byte: the original bytes and mode of a
 * file we edited, which files we created, which we moved aside. When a file changed after we wrote
 * it (or the manifest is gone), uninstall falls back to removing the marked block from the text.
 */
export type HookFileChange = 'created' | 'inserted' | 'wrapped';

export interface ManifestEntry {
  hook: string;
  /** Absolute path of the hook file. */
  file: string;
  how: HookFileChange;
  /** The original bytes (base64) of a file we inserted the block into. */
  original?: string;
  /** The original mode (permission bits) of that file. */
  mode?: number;
  /** sha256 of what we wrote: while the file still has exactly these bytes, restore `original`. */
  written: string;
  /** wrapped: where the original hook was moved. */
  movedTo?: string;
}

export interface Manifest {
  version: 1;
  entries: ManifestEntry[];
  /** Directories install created (removed again by uninstall when empty). */
  createdDirs: string[];
}

export function digest(content: string | Buffer): string {
  return crypto.createHash('sha256').update(content).digest('hex');
}

export function manifestPath(stateDir: string): string {
  return path.join(hooksStateDir(stateDir), 'manifest.json');
}

export function readManifest(stateDir: string): Manifest {
  try {
    const data = JSON.parse(fs.readFileSync(manifestPath(stateDir), 'utf8')) as Manifest;
    if (data.version === 1 && Array.isArray(data.entries)) {
      return { version: 1, entries: data.entries, createdDirs: data.createdDirs ?? [] };
    }
  } catch {
    // none yet, or unreadable: uninstall still works from the marked blocks
  }
  return { version: 1, entries: [], createdDirs: [] };
}

export function writeManifest(stateDir: string, manifest: Manifest): void {
  const file = manifestPath(stateDir);
  if (!manifest.entries.length && !manifest.createdDirs.length) {
    fs.rmSync(file, { force: true });
    return;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  atomicWrite(file, JSON.stringify(manifest, null, 2) + '\n');
}
