import { spawnSync } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import { BIN, tempDir } from '../helpers/repo.js';

/** What users expect of any command-line tool. */
describe('conventions', () => {
  it.each([['--help'], ['help', 'new'], ['list']])(
    'qlock %s into a pipe closed early ends quietly, without an EPIPE stack trace',
    (...args) => {
      const cwd = tempDir();
      // `true` exits before qlock writes: every write meets a closed pipe.
      for (let i = 0; i < 3; i++) {
        const r = spawnSync(
          'sh',
          ['-c', `"${process.execPath}" "${BIN}" ${args.join(' ')} -C "${cwd}" | true`],
          { cwd, encoding: 'utf8' },
        );
        expect(r.stderr).not.toContain('EPIPE');
        expect(r.stderr).not.toContain('    at ');
      }
    },
  );
});
