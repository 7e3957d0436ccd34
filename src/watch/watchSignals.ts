import fs from 'node:fs';
import path from 'node:path';

import { type FSWatcher, watch } from 'chokidar';

import { createDebug } from '../ui/debug.js';

const debug = createDebug('watch');

/**
 * The small watches besides the session trees, with chokidar (a handful of entries each, and its
 * handling of atomic renames is what we want there).
 */

export interface Closable {
  close(): Promise<void>;
}

/** chokidar reports a refused watch as an error event: ENOSPC = inotify has no watches left. */
function errorHandler(what: string, onLimit?: () => void): (error: unknown) => void {
  return (error) => {
    debug(`${what}: ${String(error)}`);
    if ((error as NodeJS.ErrnoException | undefined)?.code === 'ENOSPC') onLimit?.();
  };
}

function closeAll(watchers: FSWatcher[]): Closable {
  return { close: async () => void (await Promise.all(watchers.map((w) => w.close()))) };
}

/**
 * Base's ref. Git writes `refs/heads/main.lock` and renames it over `main`, and `pack-refs` moves
 * refs into `packed-refs`, so a watch on the ref file itself dies after the first commit
 * (reference/libs-and-git.md §2.4). We watch the directory holding the ref (recursively: branch
 * names with '/' live in subdirectories) and the common dir filtered to `packed-refs`. Any event
 * calls `onChange`; the caller debounces and re-reads the tip (`checkMainMoved`).
 */
export function watchBaseRef(
  commonDir: string,
  fullRef: string,
  onChange: () => void,
  onLimit?: () => void,
): Closable {
  const watchers: FSWatcher[] = [];
  const refDir = path.join(commonDir, path.dirname(fullRef));
  // refs/heads covers every local branch; for a remote-tracking base, its remote's directory.
  const refsRoot = fullRef.startsWith('refs/heads/')
    ? path.join(commonDir, 'refs/heads')
    : fs.existsSync(refDir)
      ? refDir
      : undefined;
  const onError = errorHandler('ref watcher', onLimit);
  if (refsRoot && fs.existsSync(refsRoot)) {
    const refs = watch(refsRoot, {
      ignoreInitial: true,
      // Lock files are transient: the rename that follows is the event that counts.
      ignored: (p) => p.endsWith('.lock'),
    });
    refs.on('all', onChange).on('error', onError);
    watchers.push(refs);
  }
  const packed = watch(commonDir, {
    ignoreInitial: true,
    depth: 0,
    ignored: (p) => p !== commonDir && path.basename(p) !== 'packed-refs',
  });
  packed.on('all', onChange).on('error', onError);
  watchers.push(packed);
  return closeAll(watchers);
}

/** The state dir: registry.json (sessions come and go) and events.jsonl (events to print). */
export function watchStateDir(
  stateDir: string,
  handlers: { onRegistry(): void; onEvents(): void; onLimit?(): void },
): Closable {
  const names = new Set(['registry.json', 'events.jsonl']);
  const watcher = watch(stateDir, {
    ignoreInitial: true,
    depth: 0,
    ignored: (p) => p !== stateDir && !names.has(path.basename(p)),
  });
  watcher.on('all', (_event, file) => {
    if (path.basename(file) === 'registry.json') handlers.onRegistry();
    else handlers.onEvents();
  });
  watcher.on(
    'error',
    errorHandler('state watcher', () => handlers.onLimit?.()),
  );
  return closeAll([watcher]);
}
