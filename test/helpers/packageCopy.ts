import fs from 'node:fs';
import path from 'node:path';

import { REPO_ROOT, tempDir } from './repo.js';

/**
 * A copy of the built package (bin/, hooks/, dist/ without its code cache, package.json, node_modules
 * linked): a test that makes its bundles stale, rebuilds them or touches their files changes no
 * other test's dist/. The other test files run the shared dist/ at the same time, and a process
 * that finds a lazy chunk stale while it runs stops (bin/qlock.js).
 */
export function copyPackage(): string {
  const pkg = tempDir('qlock-pkg');
  for (const dir of ['bin', 'hooks'])
    fs.cpSync(path.join(REPO_ROOT, dir), path.join(pkg, dir), { recursive: true });
  fs.cpSync(path.join(REPO_ROOT, 'dist'), path.join(pkg, 'dist'), {
    recursive: true,
    preserveTimestamps: true, // the bundles stay fresh: no dist file newer than its bundle
    filter: (source) => path.basename(source) !== '.cache',
  });
  fs.copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(pkg, 'package.json'));
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(pkg, 'node_modules'));
  return pkg;
}
