import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { gitUser } from '../git/gitUser.js';
import type { Participant } from './remoteDoc.js';

/**
 * Who we are on the shared remote: the person (git user.name / user.email), the host, and this
 * clone. The clone id is random and kept in the state dir, so every worktree of one clone is the
 * same participant and two clones on one host (or two people with the same name) never mix.
 */

const ID_FILE = 'shared-id';

/**
 * This clone's id, created on first use. The file also records the state dir it belongs to: a
 * repository copied with `cp -r` carries the file along, and two clones sharing one id would
 * withdraw each other's locks, so a copy gets a new id.
 *
 * Racing first uses must agree on one id. A new file is written whole under a temporary name and
 * hard-linked into place (the link fails if the file exists), so nobody reads it half written.
 * A copied or damaged file is replaced by an id derived from its content and this state dir:
 * every process that finds the same file derives the same id, whoever renames it first.
 */
export function cloneId(stateDir: string): string {
  const file = path.join(stateDir, ID_FILE);
  let found: string | undefined;
  try {
    found = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (found !== undefined) {
    const [id, owner] = found.trim().split(' ');
    if (id && /^[0-9a-f]{12}$/.test(id) && owner === stateDir) return id;
    const derived = crypto.createHash('sha256').update(`${found}\0${stateDir}`).digest('hex');
    return placeId(file, derived.slice(0, 12), stateDir, 'replace');
  }
  fs.mkdirSync(stateDir, { recursive: true });
  return placeId(file, crypto.randomBytes(6).toString('hex'), stateDir, 'create');
}

function placeId(file: string, id: string, stateDir: string, how: 'create' | 'replace'): string {
  const temp = `${file}.${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  fs.writeFileSync(temp, `${id} ${stateDir}\n`);
  try {
    if (how === 'replace') fs.renameSync(temp, file);
    else fs.linkSync(temp, file);
    return id;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return cloneId(stateDir); // another process created it first: read theirs
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/** The person as git knows them in this repository (one spawn). */
export async function gitPerson(cwd: string): Promise<{ user: string; email: string }> {
  const { name, email } = await gitUser(cwd);
  return { user: name || loginName(), email };
}

function loginName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown'; // no passwd entry (some containers)
  }
}

export async function participant(stateDir: string, cwd: string): Promise<Participant> {
  const person = await gitPerson(cwd);
  return { clone: cloneId(stateDir), ...person, host: os.hostname() };
}
