import fs from 'node:fs';

import { leftoverTempFiles } from '../store/atomicWrite.js';
import { atomicWrite } from '../store/atomicWrite.js';
import { withMutex } from '../store/mutex.js';
import { parseRegistry, readRegistry, registryPath } from '../store/registry.js';
import { emptyRegistry } from '../store/types.js';
import { messages } from '../ui/messages.js';
import type { Check, Finding } from './types.js';

/** A backup name that never overwrites an earlier backup. */
function backupName(file: string, now: Date): string {
  return `${file}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
}

/**
 * Restores a corrupt registry: the damaged file is kept as a backup, then the last good version
 * (registry.json.prev) is restored if it parses; otherwise an empty registry is written and the
 * user is told that sessions must be joined again (the backup keeps what could be recovered).
 */
export async function repairRegistry(stateDir: string, now: Date): Promise<string> {
  const file = registryPath(stateDir);
  return withMutex(stateDir, () => {
    try {
      readRegistry(stateDir);
      return 'the registry is readable again; nothing to do';
    } catch {
      // still corrupt: repair below
    }
    // A registry deleted by hand has nothing damaged to keep: then the previous version is what
    // is kept, in case it does not parse either (the next write would replace it).
    const missing = !fs.existsSync(file);
    const damaged = missing ? `${file}.prev` : file;
    let backup = backupName(file, now);
    for (let n = 2; fs.existsSync(backup); n++) backup = `${backupName(file, now)}-${n}`;
    fs.copyFileSync(damaged, backup, fs.constants.COPYFILE_EXCL);
    let restored = false;
    try {
      const prev = fs.readFileSync(`${file}.prev`, 'utf8');
      parseRegistry(prev, `${file}.prev`);
      atomicWrite(file, prev);
      restored = true;
    } catch {
      atomicWrite(file, JSON.stringify(emptyRegistry(), null, 2) + '\n');
    }
    if (missing)
      return restored
        ? `restored the missing registry from its previous version (kept as ${backup} too)`
        : `the registry was missing and its previous version is damaged: started an empty registry (that version kept as ${backup}); register sessions again with \`qlock join\``;
    return restored
      ? `restored the last good registry (damaged file kept as ${backup})`
      : `no good previous version: started an empty registry (damaged file kept as ${backup}); register sessions again with \`qlock join\``;
  });
}

export const checkState: Check = async (ws, ctx) => {
  const { stateDir } = ws.project;
  const findings: Finding[] = [];
  if (!fs.existsSync(stateDir)) {
    findings.push({
      check: 'state',
      ok: true,
      message: `no state yet (${stateDir} is created on first use): \`qlock init\` sets the project up`,
    });
    return findings;
  }
  try {
    const registry = readRegistry(stateDir);
    findings.push({
      check: 'state',
      ok: true,
      message: `registry readable: ${Object.keys(registry.sessions).length} session(s), ${registry.locks.length} lock(s)`,
    });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0]!;
    // A file qlock cannot read (a directory in its place, its permissions) is not corrupt: its
    // content may be fine, so restoring the previous version over it would not be safe.
    const code = ((error as Error).cause as NodeJS.ErrnoException | undefined)?.code;
    findings.push(
      typeof code === 'string'
        ? {
            check: 'state',
            ok: false,
            message,
            fix: messages.doctorStateUnreadableFix(registryPath(stateDir)),
          }
        : {
            check: 'state',
            ok: false,
            message,
            fix: 'qlock doctor --fix (keeps a backup, restores the last good version)',
            apply: () => repairRegistry(stateDir, ctx.now()),
          },
    );
  }
  const temps = leftoverTempFiles(stateDir);
  if (temps.length) {
    findings.push({
      check: 'state',
      ok: false,
      message: `${temps.length} temp file(s) left by killed qlock processes`,
      fix: 'qlock gc (or qlock doctor --fix)',
      apply: async () => {
        for (const f of temps) fs.rmSync(f, { force: true });
        return `removed ${temps.length} temp file(s)`;
      },
    });
  }
  return findings;
};
