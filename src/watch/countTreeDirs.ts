import fs from 'node:fs';
import path from 'node:path';

import type { TreeFilter } from './sessionWatch.js';

/**
 * How many directories the watcher would watch in a tree (= inotify watches it needs), with the
 * same skips as TreeWatcher. For `qlock doctor`, before any watch is taken.
 */
export function countTreeDirs(root: string, filter: TreeFilter): number {
  let count = 0;
  const walk = (rel: string) => {
    count++;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(rel ? path.join(root, rel) : root, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name === '.git') continue;
      if (!rel && filter.skipRootNames.has(entry.name)) continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (filter.skipDirs.has(path.join(root, child))) continue;
      if (filter.isIgnored(child, true)) continue;
      walk(child);
    }
  };
  if (fs.existsSync(root)) walk('');
  return count;
}
