import fs from 'node:fs';
import path from 'node:path';

import { atomicWrite } from '../store/atomicWrite.js';
import { withMutex } from '../store/mutex.js';
import { homeDir } from './agentTargets.js';
import { isObject, type JsonObject } from './configEdits.js';

/**
 * What uninstall cannot read in a config file by itself: which empty objects and lists that qlock's
 * entries went into were already there (`q agent create` writes `"hooks": {}` and
 * `"mcpServers": {}`; a project may keep `{"mcpServers": {}}` in .mcp.json), and whether the file
 * existed before qlock wrote to it (and what a file it created started from: a Q agent file copies
 * the user's default agent, which may change meanwhile). Install records these for each file it
 * edits; uninstall keeps those containers (the user's `{}` stays `{}`), never deletes a file that
 * was the user's, deletes one it created, and then forgets the record. So an install and an
 * uninstall give back the original bytes.
 *
 * Kept per user (global installs have no project): `$XDG_STATE_HOME/qlock/agent-installs.json`,
 * by default `~/.local/state/qlock/agent-installs.json`, keyed by the config file's real path.
 * Without a record (another machine, a deleted state file), uninstall takes out every container
 * its removal leaves empty and deletes a file left with nothing but what qlock would create.
 */

export interface FileRecord {
  /** The file was there before qlock first wrote to it. */
  existed: boolean;
  /** Its text, when it was blank (uninstall gives back the same blank file). */
  blank?: string;
  /** Containers that were there, empty (Keep paths: "hooks", "hooks/preToolUse", "mcpServers"). */
  keep: string[];
  /** What qlock started a file it created (or found blank) from, before its entries. */
  skeleton?: JsonObject;
  /**
   * The directories install created for a file it created (`~/.config/opencode/plugin/`):
   * uninstall removes these when they are empty again, and no other. Absent in records older than
   * this field: uninstall then removes the empty directories up to the worktree (none at home).
   */
  dirs?: string[];
}

export type InstallRecords = Record<string, FileRecord>;

export function recordsFile(env: NodeJS.ProcessEnv): string {
  const state = env.XDG_STATE_HOME || path.join(homeDir(env), '.local', 'state');
  return path.join(path.resolve(state), 'qlock', 'agent-installs.json');
}

function isRecord(value: unknown): value is FileRecord {
  const r = value as FileRecord | null;
  return (
    !!r &&
    typeof r === 'object' &&
    typeof r.existed === 'boolean' &&
    Array.isArray(r.keep) &&
    r.keep.every((k) => typeof k === 'string') &&
    (r.blank === undefined || typeof r.blank === 'string') &&
    (r.skeleton === undefined || isObject(r.skeleton)) &&
    (r.dirs === undefined || (Array.isArray(r.dirs) && r.dirs.every((d) => typeof d === 'string')))
  );
}

/** The records; none when the file is missing or unreadable (uninstall then falls back). */
export function readInstallRecords(env: NodeJS.ProcessEnv): InstallRecords {
  try {
    const data = JSON.parse(fs.readFileSync(recordsFile(env), 'utf8')) as unknown;
    if (!data || typeof data !== 'object' || Array.isArray(data)) return {};
    return Object.fromEntries(Object.entries(data).filter(([, r]) => isRecord(r)));
  } catch {
    return {};
  }
}

/**
 * Applies `changes` (file → its new record, or null to forget it) to the records on disk, as a
 * read-modify-write under a mutex: two installs at once (`qlock new a --agent claude` beside
 * `qlock new b --agent claude`) must not drop each other's record, or that uninstall would fall
 * back to its own judgement. Best effort: records that cannot be written cost only that.
 */
export async function updateInstallRecords(
  env: NodeJS.ProcessEnv,
  changes: Map<string, FileRecord | null>,
): Promise<void> {
  if (!changes.size) return;
  const file = recordsFile(env);
  const dir = path.dirname(file);
  try {
    fs.mkdirSync(dir, { recursive: true });
    await withMutex(
      dir,
      (assertHeld) => {
        const records = readInstallRecords(env);
        for (const [config, record] of changes) {
          if (record) records[config] = record;
          else delete records[config];
        }
        assertHeld();
        if (Object.keys(records).length) atomicWrite(file, JSON.stringify(records, null, 2) + '\n');
        else fs.rmSync(file, { force: true });
      },
      'agent-installs',
    );
    // qlock's own directory, when nothing else is in it (the mutex is gone by now).
    if (!fs.existsSync(file)) fs.rmdirSync(dir);
  } catch {
    // not written, or the directory is not empty: nothing more to do
  }
}
