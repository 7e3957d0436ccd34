import fs from 'node:fs';
import path from 'node:path';

import { dirChangeSet, snapshotContent, takeSnapshot } from '../changes/snapshot.js';
import { findBlockingLocks } from '../locks/lockTable.js';
import type { Workspace } from '../project/openWorkspace.js';
import { readRegistry, updateRegistry } from '../store/registry.js';
import type { Session } from '../store/types.js';
import { messages } from '../ui/messages.js';
import { type LandFailure, type LandOutcome, startOutcome } from './landTypes.js';
import { runCheck } from './runCheck.js';

/**
 * Plain directories: a session made with `qlock new --copy` lands by copying its changed files
 * (modified, new, deleted since its snapshot) back into the main tree, only when none of those
 * files changed in the main tree since the snapshot (then the copy loses nothing); otherwise it
 * refuses, naming them. The check runs in the session first. The copy happens inside the registry
 * mutex after checking again, with the main tree's versions kept to put back if a write fails.
 * Afterwards the session's snapshot is taken again (its work is in the main tree now) and the other
 * sessions are told which of their files the main tree got. A session without a snapshot (a
 * directory joined by hand) needs git.
 */

export interface LandCopyInput {
  ws: Workspace;
  session: Session;
  now: Date;
  check?: string;
  checkTimeoutMs: number;
  stream: (chunk: string) => void;
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

function same(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a === undefined || b === undefined ? a === b : a.equals(b);
}

/** Files of the main tree that differ from the snapshot's version (changed there since). */
function changedInMain(root: string, stateDir: string, snapshot: string, paths: string[]) {
  return paths.filter(
    (p) => !same(snapshotContent(stateDir, snapshot, p), readOrUndefined(path.join(root, p))),
  );
}

/** Writes a file through a temp file and a rename: a reader sees the old or the new content. */
function writeAtomically(file: string, content: Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.qlock-land-${process.pid}`;
  fs.writeFileSync(temp, content);
  fs.renameSync(temp, file);
}

export async function landCopy(input: LandCopyInput): Promise<LandOutcome> {
  const { ws, session, now } = input;
  const { project, config } = ws;
  const { stateDir, root } = project;
  const name = session.name;
  const out = startOutcome(name, 'main tree', 'copy');
  const fail = (failure: LandFailure): LandOutcome => ({ ...out, ok: false, failure });
  if (!fs.existsSync(session.path)) return fail({ stage: 'missing' });
  if (path.resolve(session.path) === path.resolve(root)) return fail({ stage: 'on-base' });
  const snapshot = session.snapshot;
  if (project.kind !== 'dir' || !snapshot) return fail({ stage: 'not-git' });

  const paths = dirChangeSet(stateDir, snapshot, session.path, config.ignore).all;
  if (!paths.length) return out;
  const locks = findBlockingLocks(readRegistry(stateDir), paths, name, now);
  if (locks.length) return fail({ stage: 'locked', locks });
  const moved = changedInMain(root, stateDir, snapshot, paths);
  if (moved.length) return fail({ stage: 'copy-back', files: moved });

  if (input.check) {
    out.check = await runCheck({
      command: input.check,
      cwd: session.path,
      timeoutMs: input.checkTimeoutMs,
      log: path.join(stateDir, 'land', `${name}.check.log`),
      stream: input.stream,
    });
    if (!out.check.ok) return fail({ stage: 'check' });
  }

  const result = await updateRegistry(stateDir, ({ registry, emit }): LandFailure | string[] => {
    const held = findBlockingLocks(registry, paths, name, now);
    if (held.length) return { stage: 'locked-meanwhile', locks: held };
    const meanwhile = changedInMain(root, stateDir, snapshot, paths);
    if (meanwhile.length) return { stage: 'copy-back', files: meanwhile };
    // What the session has now is what lands (the check ran on it); it must not change under us.
    const contents = new Map(paths.map((p) => [p, readOrUndefined(path.join(session.path, p))]));
    const written: string[] = [];
    try {
      for (const [p, content] of contents) {
        const target = path.join(root, p);
        if (content === undefined) fs.rmSync(target, { force: true });
        else writeAtomically(target, content);
        written.push(p);
      }
    } catch (error) {
      // Put the main tree back: its versions equal the snapshot's (checked just above).
      for (const p of written) {
        const before = snapshotContent(stateDir, snapshot, p);
        const target = path.join(root, p);
        if (before === undefined) fs.rmSync(target, { force: true });
        else writeAtomically(target, before);
      }
      return { stage: 'copy-back', files: [], reason: (error as Error).message };
    }
    takeSnapshot(stateDir, path.basename(snapshot), session.path, config.ignore);
    const told: string[] = [];
    for (const other of Object.values(registry.sessions)) {
      if (other.name === name || !other.snapshot || !fs.existsSync(other.path)) continue;
      const theirs = new Set(dirChangeSet(stateDir, other.snapshot, other.path, config.ignore).all);
      const touched = paths.filter((p) => theirs.has(p));
      // A note, not main-moved: that one says "run qlock sync", which plain directories lack.
      const text = messages.landCopiedEvent(name, paths.length, touched);
      emit({
        kind: 'note',
        from: name,
        to: [other.name],
        message: text,
        paths: touched,
        data: { text, landed: name, changed: paths.length },
      });
      told.push(other.name);
    }
    return told;
  });
  if (!Array.isArray(result)) return fail(result);
  out.landed = true;
  out.paths = paths;
  out.commits = 0;
  out.notified = result.sort();
  return out;
}
