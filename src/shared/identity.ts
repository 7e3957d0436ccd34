import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { git } from '../git/exec.js';
import type { Participant } from './remoteDoc.js';

/**
 * Who we are on the shared remote: the person (git user.name / user.email), the host, and this
 * clone. The clone id is random and kept in the state dir, so every worktree of one clone is the
 * same participant and two clones on one host (or two people with the same name) never mix.
 */

const ID_FILE = 'shared-id';

/**
 * This clone's id, created on first use (O_EXCL, so racing processes agree on one). The file also
 * records the state dir it belongs to: a repository copied with `cp -r` carries the file along,
 * and two clones sharing one id would withdraw each other's locks, so a copy gets a new id.
 */
export function cloneId(stateDir: string): string {
  const file = path.join(stateDir, ID_FILE);
  const read = (): string | undefined => {
    try {
      const [id, owner] = fs.readFileSync(file, 'utf8').trim().split(' ');
      if (id && /^[0-9a-f]{12}$/.test(id) && owner === stateDir) return id;
    } catch {
      // not created yet
    }
    return undefined;
  };
  const existing = read();
  if (existing) return existing;
  fs.mkdirSync(stateDir, { recursive: true });
  const id = crypto.randomBytes(6).toString('hex');
  const content = `${id} ${stateDir}\n`;
  try {
    fs.writeFileSync(file, content, { flag: 'wx' });
    return id;
  } catch {
    // Created meanwhile by another process (use theirs), or a copied file of another clone.
    const theirs = read();
    if (theirs) return theirs;
    fs.writeFileSync(file, content);
    return read() ?? id;
  }
}

/** The person as git knows them in this repository (one spawn). */
export async function gitPerson(cwd: string): Promise<{ user: string; email: string }> {
  const { stdout } = await git(['config', '--get-regexp', '^user\\.(name|email)$'], {
    cwd,
    okCodes: [0, 1],
  });
  let user = '';
  let email = '';
  for (const line of stdout.split('\n')) {
    const space = line.indexOf(' ');
    if (space < 0) continue;
    const key = line.slice(0, space).toLowerCase();
    if (key === 'user.name') user = line.slice(space + 1);
    if (key === 'user.email') email = line.slice(space + 1);
  }
  return { user: user || loginName(), email };
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
