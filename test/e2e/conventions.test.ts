import { spawnSync } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import { BIN, makeRepo, runQlock, tempDir } from '../helpers/repo.js';

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

  it.each([['status'], ['lock', 'a.txt'], ['prompt']])(
    'bundled qlock %s into a pipe closed early ends quietly and still does its work',
    async (...args) => {
      // The bundled commands write to the descriptors (src/ui/stdio.ts), not node's streams,
      // which bin/qlock.js leaves uncreated for them: the closed pipe is met there.
      const repo = makeRepo({ files: { 'a.txt': 'a\n' } });
      expect((await runQlock(['init', '--no-hooks'], { cwd: repo.root })).code).toBe(0);
      expect((await runQlock(['new', 'fa'], { cwd: repo.root })).code).toBe(0);
      const fa = `${repo.root}-fa`;
      for (let i = 0; i < 3; i++) {
        const r = spawnSync(
          'sh',
          ['-c', `"${process.execPath}" "${BIN}" ${args.join(' ')} | true`],
          { cwd: fa, encoding: 'utf8', env: { ...process.env, QLOCK_DEBUG: '' } },
        );
        expect(r.stderr).not.toContain('EPIPE');
        expect(r.stderr).not.toContain('    at ');
      }
      if (args[0] === 'lock') {
        const locks = await runQlock(['locks', '--json'], { cwd: fa });
        expect(JSON.parse(locks.stdout).locks.map((l: { path: string }) => l.path)).toEqual([
          'a.txt',
        ]);
      }
    },
  );
});
