import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { describe, expect, it } from 'vitest';

import { REPO_ROOT } from '../helpers/repo.js';

/**
 * A hot command runs from its bundle and loads rarely used modules from dist/, each with its own
 * copy of src/errors.ts: an error of one copy must be recognised by the other (a RefusedError
 * from shared mode is exit 3, not an internal error). Two copies of the built module, loaded
 * under two URLs in one process, stand in for the two worlds.
 */
describe('qlock errors across two copies of the errors module', () => {
  it('instanceof and isQlockError go by kind, not by class identity', () => {
    const url = pathToFileURL(path.join(REPO_ROOT, 'dist/errors.js')).href;
    const script = `
      const a = await import(${JSON.stringify(url + '?a')});
      const b = await import(${JSON.stringify(url + '?b')});
      const refused = new b.RefusedError('held', { holders: [] });
      const git = new b.GitError(['status'], 128, 'fatal: x', '/');
      console.log(JSON.stringify({
        distinctCopies: a.RefusedError !== b.RefusedError,
        refused: [refused instanceof a.RefusedError, refused instanceof a.QlockError, refused instanceof a.UsageError, a.isQlockError(refused)],
        git: [git instanceof a.GitError, git instanceof a.RefusedError, git instanceof Error],
        plain: [new Error('x') instanceof a.QlockError, null instanceof a.QlockError, a.isQlockError({ exitCode: 3 })],
        sameCopy: [new a.UsageError('u') instanceof a.UsageError, new a.UsageError('u') instanceof a.StateError],
      }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      distinctCopies: true,
      refused: [true, true, false, true],
      git: [true, false, true],
      plain: [false, false, false],
      sameCopy: [true, false],
    });
  });
});
