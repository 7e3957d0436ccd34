'use strict';
/* global require, __dirname, process */ // CommonJS on purpose (see below); eslint's config is for ESM
/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * The program qlock's git-hook runner starts: `node hooks/entry.cjs hook <name> [args...]`.
 *
 * It runs the bundled hot path, dist/hookBundle.cjs (see hooks/bundle.mjs), while that bundle is
 * fresh, else the normal modules through dist/bin.js. Fresh: every dist file the bundle was made
 * from still has the size it had and is not newer than the bundle (a plain `tsc` rebuild leaves
 * the bundle stale; it is then simply not used). CommonJS and free of our own imports on purpose:
 * node's CommonJS loader is already up when a script starts, the ESM loader is not, and every
 * millisecond here is added to `git commit`.
 */
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const dist = path.join(__dirname, '..', 'dist');
const bundleFile = path.join(dist, 'hookBundle.cjs');

function bundleIsFresh() {
  try {
    const bundle = fs.statSync(bundleFile);
    const { files } = JSON.parse(fs.readFileSync(path.join(dist, 'hookBundle.json'), 'utf8'));
    for (const [rel, size] of Object.entries(files)) {
      const stat = fs.statSync(path.join(dist, rel));
      if (stat.size !== size || stat.mtimeMs > bundle.mtimeMs) return false;
    }
    return true;
  } catch {
    return false;
  }
}

async function main(argv) {
  const fresh = bundleIsFresh();
  if (process.env.QLOCK_DEBUG === '1') {
    process.stderr.write(
      `qlock:hooks ${fresh ? 'bundled hot path' : 'no fresh bundle: dist modules'}\n`,
    );
  }
  if (fresh) {
    const code = await require(bundleFile).runFast(argv);
    if (code !== undefined) return code;
  }
  const { run } = await import(pathToFileURL(path.join(dist, 'bin.js')).href);
  return run(argv);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    // A crash, not a decision: the runner tells the two apart by the exit status.
    process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
