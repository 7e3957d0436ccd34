import fs from 'node:fs';

import { readRegistry } from '../store/registry.js';
import { messages } from '../ui/messages.js';
import { countTreeDirs } from '../watch/countTreeDirs.js';
import { maxUserWatches, raiseLimitCommands, watchBudget } from '../watch/inotifyLimits.js';
import { treeFilter } from '../watch/sessionWatch.js';
import { ownerIsLive, readWatchOwner, watchPidPath } from '../watch/watchPidFile.js';
import type { Check, Finding } from './types.js';

/** Watches beyond the session trees: refs, packed-refs, the state dir (chokidar). */
const EXTRA_WATCHES = 8;

/**
 * `qlock watch` needs one inotify watch per directory of every session; the limit is per user and
 * shared with editors and dev servers. Also reports a running watcher, or a stale watch.pid.
 */
export const checkWatchLimits: Check = async (ws) => {
  const findings: Finding[] = [];
  const { project, config } = ws;
  const owner = readWatchOwner(project.stateDir);
  if (owner) {
    if (ownerIsLive(owner)) {
      findings.push({
        check: 'watch',
        ok: true,
        message: messages.doctorWatchRunning(owner.pid, owner.host, owner.cwd),
      });
    } else {
      const file = watchPidPath(project.stateDir);
      findings.push({
        check: 'watch',
        ok: false,
        message: messages.doctorWatchStalePid(file, owner.pid),
        fix: `qlock doctor --fix (removes ${file}; the next \`qlock watch\` would take it over anyway)`,
        apply: async () => {
          const again = readWatchOwner(project.stateDir);
          if (again && ownerIsLive(again)) return 'a watcher started meanwhile: left it alone';
          fs.rmSync(file, { force: true });
          return `removed ${file}`;
        },
      });
    }
  }

  const max = maxUserWatches();
  if (max === undefined) {
    findings.push({ check: 'watch', ok: true, message: messages.doctorWatchNoInotify() });
    return findings;
  }
  let registry;
  try {
    registry = readRegistry(project.stateDir);
  } catch {
    return findings; // the state check reports a damaged registry
  }
  const sessions = Object.values(registry.sessions).filter((s) => fs.existsSync(s.path));
  const paths = sessions.map((s) => s.path);
  let dirs = EXTRA_WATCHES;
  for (const session of sessions) {
    const filter = await treeFilter(project, config, session.path, paths);
    dirs += countTreeDirs(session.path, filter);
  }
  if (config.watch.usePolling || dirs <= watchBudget(max)) {
    findings.push({
      check: 'watch',
      ok: true,
      message: messages.doctorWatchOk(dirs, sessions.length, max),
    });
  } else {
    const target = Math.max(524_288, 2 ** Math.ceil(Math.log2(dirs * 4)));
    findings.push({
      check: 'watch',
      ok: false,
      message: messages.doctorWatchLow(dirs, sessions.length, max),
      fix: raiseLimitCommands(target).join('; '),
    });
  }
  return findings;
};
