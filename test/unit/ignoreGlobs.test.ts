import { describe, expect, it } from 'vitest';

import { anchoredIgnoreGlobs } from '../../src/changes/ignoreGlobs.js';
import { makeIgnoreMatcher } from '../../src/changes/snapshot.js';

describe('config `ignore` globs, read as .gitignore reads patterns', () => {
  it.each([
    ['*.log', 'debug.log', true],
    ['*.log', 'src/deep/debug.log', true],
    ['dist/**', 'dist/app.js', true],
    ['dist/**', 'src/dist/app.js', false],
    ['dist/', 'dist/app.js', true],
    ['dist/', 'pkg/dist/app.js', true],
    ['/dist/', 'pkg/dist/app.js', false],
    ['/dist/', 'dist', true],
    ['dist/', 'pkg/dist', true],
    ['/NOTES.md', 'NOTES.md', true],
    ['/NOTES.md', 'docs/NOTES.md', false],
    ['src/*.ts', 'src/a.ts', true],
    ['src/*.ts', 'lib/src/a.ts', false],
    ['**/gen/**', 'a/gen/x.ts', true],
    ['.env', 'services/api/.env', true],
    // A bare name may be a directory: everything below it goes too (gitignore does the same).
    ['build', 'build/out.js', true],
    ['build', 'pkg/build/x.js', true],
    ['build', 'builder/x.js', false],
    ['src/gen', 'src/gen/a.ts', true],
  ])('%s on %s: %s', (glob, rel, ignored) => {
    expect(makeIgnoreMatcher([glob])(rel)).toBe(ignored);
  });

  it('leaves anchored globs as they are and anchors the others at any depth', () => {
    expect(anchoredIgnoreGlobs(['*.log', 'dist/**', '/x', '**/y', 'build/', '/out/'])).toEqual([
      '**/*.log',
      '**/*.log/**',
      'dist/**',
      'x',
      'x/**',
      '**/y',
      '**/y/**',
      '**/build/**',
      'out/**',
    ]);
  });
});
