import { conflictMessages } from './messages/conflicts.js';

/**
 * Progress on stderr for scans that take over a second, on a terminal only. Each line overwrites
 * the last with a carriage return and spaces, not an escape sequence, so that NO_COLOR and dumb
 * terminals see no escape codes at all.
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr) {
  const started = Date.now();
  let width = 0;
  return {
    onProgress(done: number, total: number) {
      if (!stream.isTTY || Date.now() - started < 1000) return;
      const text = conflictMessages.conflictsProgress(done, total);
      stream.write(`\r${text.padEnd(width)}`);
      width = Math.max(width, text.length);
    },
    finish() {
      if (width) stream.write(`\r${' '.repeat(width)}\r`);
    },
  };
}
