import fs from 'node:fs';

/**
 * Writes to stdout / stderr without creating `process.stdout` / `process.stderr`: node builds those
 * streams on first use (a pipe loads node:net and the stream machinery, ~3-5 ms), which the hot
 * commands (lock, unlock, the git and agent hooks) would pay on every run for one line of output.
 * A blocking write of the whole text is what the stream does for files and pipes on Linux anyway.
 * A reader that closed the pipe (`qlock status | head -n 1`) gets nothing more, quietly, as from
 * any Unix tool. A descriptor that would block (set non-blocking by a parent) or fails otherwise
 * gets the rest through the stream as usual, so nothing is lost and errors behave as before.
 */
function writeDirect(fd: 1 | 2, text: string): void {
  const data = Buffer.from(text);
  let done = 0;
  try {
    while (done < data.length) done += fs.writeSync(fd, data, done);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') return;
    (fd === 1 ? process.stdout : process.stderr).write(data.subarray(done));
  }
}

export function writeStdout(text: string): void {
  writeDirect(1, text);
}

export function writeStderr(text: string): void {
  writeDirect(2, text);
}

/**
 * Context.out / Context.err for the light way in (src/cli/fast.ts). Commander keeps node's streams:
 * commander writes through them too, and there a few milliseconds do not matter.
 */
export const directOutput = {
  out: (text: string) => writeStdout(text.endsWith('\n') ? text : text + '\n'),
  err: (text: string) => writeStderr(text.endsWith('\n') ? text : text + '\n'),
};
