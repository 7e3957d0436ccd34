import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes a file so that a reader sees either the old or the new content, never half of either,
 * and a crash (even SIGKILL, even power loss after fsync) leaves one of the two.
 *
 * With `keepPrevious`, the old content stays readable as `<file>.prev` (a hard link, no copy):
 * `qlock doctor --fix` restores it if the current file is ever found corrupt.
 *
 * `durable: false` skips the fsyncs, for caches: readers still never see half a file (the rename
 * is atomic), but after a power loss the file may be empty, which a cache reads as "compute
 * again". It saves a disk flush on hot paths.
 */
export function atomicWrite(
  file: string,
  content: string,
  options: { keepPrevious?: boolean; durable?: boolean } = {},
): void {
  const durable = options.durable !== false;
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${uniqueHex()}.tmp`);
  // O_EXCL: the temp name is new; should something be there (a planted link), fail, never follow.
  const fd = fs.openSync(tmp, 'wx', 0o644);
  try {
    try {
      fs.writeFileSync(fd, content); // loops until every byte is written
      if (durable) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (options.keepPrevious) {
      const prev = `${file}.prev`;
      fs.rmSync(prev, { force: true });
      try {
        fs.linkSync(file, prev);
      } catch {
        // no current file yet (first write), or a file system without hard links: nothing to keep
      }
    }
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
  if (durable) fsyncDir(dir);
}

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // some file systems refuse fsync on a directory; the rename is still atomic
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Temp files left by a writer that was killed; safe to delete once their writer is gone. */
export function leftoverTempFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/.test(n))
    .filter((n) => {
      const pid = Number(/\.(\d+)\.[0-9a-f]{8}\.tmp$/.exec(n)![1]);
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    })
    .map((n) => path.join(dir, n));
}

let counter = 0;
/**
 * Eight hex digits, unique within this process (a counter) and unlikely to repeat across processes
 * of the same pid (time and Math.random). Not node:crypto: importing it costs ~3 ms on every hook.
 */
export function uniqueHex(): string {
  counter = (counter + 1) % 0x1000;
  const mixed = (Date.now() * 0x1000 + counter + Math.floor(Math.random() * 0x100000)) >>> 0;
  return mixed.toString(16).padStart(8, '0');
}
