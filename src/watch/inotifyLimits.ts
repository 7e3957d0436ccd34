import fs from 'node:fs';

/**
 * inotify's limits are per user, shared by every process (editors, dev servers, other watchers):
 * running out fails them all with ENOSPC. These helpers read the limit and count the watches a
 * process holds, for the watcher's budget, `qlock doctor` and the benchmark.
 */

const MAX_WATCHES_FILE = '/proc/sys/fs/inotify/max_user_watches';

/** `fs.inotify.max_user_watches`, or undefined where there is no inotify (macOS, Windows). */
export function maxUserWatches(): number | undefined {
  try {
    const value = Number(fs.readFileSync(MAX_WATCHES_FILE, 'utf8').trim());
    return Number.isFinite(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The share of the user's limit one qlock watcher allows itself. Half leaves room for the IDE and
 * dev servers; beyond it, sessions are polled instead of taking watches from other tools.
 */
export function watchBudget(max = maxUserWatches()): number {
  return max === undefined ? Number.POSITIVE_INFINITY : Math.floor(max / 2);
}

/** Number of inotify watches held by process `pid` (the `inotify wd:` lines of its fdinfo). */
export function countInotifyWatches(pid: number | 'self' = 'self'): number {
  const dir = `/proc/${pid}/fdinfo`;
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  let count = 0;
  for (const fd of entries) {
    let text: string;
    try {
      text = fs.readFileSync(`${dir}/${fd}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) if (line.startsWith('inotify wd:')) count++;
  }
  return count;
}

/** The sysctl commands that raise the limit, now and across reboots. */
export function raiseLimitCommands(target: number): string[] {
  return [
    `sudo sysctl fs.inotify.max_user_watches=${target}`,
    `echo fs.inotify.max_user_watches=${target} | sudo tee /etc/sysctl.d/60-qlock-inotify.conf`,
  ];
}
