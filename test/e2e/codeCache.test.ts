import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { copyPackage as packageCopy } from '../helpers/packageCopy.js';
import { makeRepo, runQlock } from '../helpers/repo.js';

/**
 * bin/qlock.js compiles the hot bundles with V8's code cache (dist/.cache): a run that had no
 * cache writes one, the next uses it, and a cache that does not fit (another build, garbage, an
 * unwritable directory) is never trusted and never stops the command. A copy of the built
 * package, so that this file's caches and breakage touch no other test's.
 */
function copyPackage(): { bin: string; cache: string } {
  const pkg = packageCopy();
  return { bin: path.join(pkg, 'bin/qlock.js'), cache: path.join(pkg, 'dist/.cache') };
}

describe('the code cache of the bundled commands', () => {
  it('is written by a first run, used by the next, and refused when it does not fit', async () => {
    const { bin, cache } = copyPackage();
    const repo = makeRepo({ files: { 'a.txt': 'a\n', 'b.txt': 'b\n' } });
    expect((await runQlock(['init', '--no-hooks'], { cwd: repo.root })).code).toBe(0);
    expect((await runQlock(['new', 'fa'], { cwd: repo.root })).code).toBe(0);
    const qlock = (...args: string[]) =>
      spawnSync(process.execPath, [bin, ...args], {
        cwd: `${repo.root}-fa`,
        encoding: 'utf8',
        env: { ...process.env, QLOCK_DEBUG: '1' },
      });
    const loads = (stderr: string) =>
      [...stderr.matchAll(/^qlock:bin load \S+\/(fast\S+) \(code cache (\w+)\)/gm)].map(
        (m) => `${m[1]} ${m[2]}`,
      );

    const first = qlock('lock', 'a.txt');
    expect(first.status, first.stderr).toBe(0);
    expect(loads(first.stderr)).toEqual(['fastBundle-lock.cjs written']);
    const files = fs.readdirSync(cache);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^fastBundle-lock\.cjs-\d+-\d+-v\d+\.\d+\.\d+-\w+\.v8$/);

    const second = qlock('lock', 'b.txt');
    expect(second.status, second.stderr).toBe(0);
    expect(loads(second.stderr)).toEqual(['fastBundle-lock.cjs used']);
    expect(second.stdout).toContain('Locked b.txt');

    // Garbage where the cache was (a torn disk, a hand edit): V8 refuses it, the command runs,
    // and a good cache replaces it.
    fs.writeFileSync(path.join(cache, files[0]!), 'not V8 code');
    const garbage = qlock('unlock', 'b.txt');
    expect(garbage.status, garbage.stderr).toBe(0);
    expect(loads(garbage.stderr)).toEqual(['fastBundle-lock.cjs written']);
    expect(fs.readFileSync(path.join(cache, files[0]!)).length).toBeGreaterThan(1000);
    expect(loads(qlock('unlock', 'a.txt').stderr)).toEqual(['fastBundle-lock.cjs used']);

    // A rebuilt bundle (another mtime) never runs on the old bundle's cache.
    const bundle = path.join(path.dirname(cache), 'fastBundle-lock.cjs');
    const later = new Date(fs.statSync(bundle).mtimeMs + 60_000);
    fs.utimesSync(bundle, later, later);
    const rebuilt = qlock('lock', 'a.txt');
    expect(rebuilt.status, rebuilt.stderr).toBe(0);
    expect(loads(rebuilt.stderr)).toEqual(['fastBundle-lock.cjs written']);
    expect(fs.readdirSync(cache)).toHaveLength(2);

    // No writable cache directory (a read-only install): every run compiles, and works.
    fs.rmSync(cache, { recursive: true });
    fs.writeFileSync(cache, ''); // a file where the directory would go
    for (const args of [
      ['unlock', 'a.txt'],
      ['lock', 'a.txt'],
    ]) {
      const r = qlock(...args);
      expect(r.status, r.stderr).toBe(0);
      expect(loads(r.stderr)).toEqual(['fastBundle-lock.cjs written']);
      expect(r.stderr).not.toMatch(/ENOTDIR|EEXIST| {4}at /);
    }
    expect(fs.statSync(cache).isFile()).toBe(true);
  });
});
