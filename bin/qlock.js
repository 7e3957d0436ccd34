#!/usr/bin/env node
'use strict';
/* global require, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * The qlock command. CommonJS on purpose (bin/package.json): node's CommonJS loader is up when a
 * script starts and the ESM loader is not, and the hot commands (git hooks, agent hooks, lock,
 * unlock, prompt, status) run inside `git commit`, the agent's tool loop and shell prompts, or
 * are run all the time (status), where every millisecond counts.
 *
 * Those commands first go to their bundle, dist/fastBundle-<group>.cjs (scripts/bundle.mjs: the
 * light way in, src/cli/fast.ts, and the command's hot modules in one file), while that bundle is
 * fresh; anything the light parser does not take (help, a typo), and everything else, goes to
 * commander (dist/cli.js, through dist/bin.js). Fresh: every dist file the bundle was made from still has its size and is not newer
 * than the bundle, so a plain `tsc` rebuild can never run stale code, only slower code.
 */
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const dist = path.join(__dirname, '..', 'dist');

// A reader that closed the pipe (`qlock --help | head -n 1`) ends the output quietly, as with any
// Unix tool: no EPIPE stack trace. Other write errors stay errors.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error && error.code === 'EPIPE') process.exit(process.exitCode || 0);
    throw error;
  });
}
/**
 * The bundle for this command line, from dist/fastRoutes.json, which the build writes from the
 * command table (src/cli/commandTable.ts): `<command>`, or `agent-hook <event>` for the tool events.
 */
function bundleFor(argv) {
  let routes;
  try {
    routes = JSON.parse(fs.readFileSync(path.join(dist, 'fastRoutes.json'), 'utf8'));
  } catch {
    return undefined;
  }
  for (const key of [`${argv[0]} ${String(argv[2]).toLowerCase()}`, String(argv[0])])
    if (Object.hasOwn(routes, key)) return routes[key];
  return undefined;
}

function bundleIsFresh(bundleFile, manifestFile) {
  try {
    const bundle = fs.statSync(bundleFile);
    const { files } = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
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
  const group = bundleFor(argv);
  // Help goes to commander, which writes it.
  if (group && !argv.includes('--help') && !argv.includes('-h')) {
    const bundleFile = path.join(dist, `fastBundle-${group}.cjs`);
    const fresh = bundleIsFresh(bundleFile, path.join(dist, `fastBundle-${group}.json`));
    if (process.env.QLOCK_DEBUG === '1') {
      process.stderr.write(
        `qlock:bin ${fresh ? `bundled fast path (${group})` : 'no fresh bundle: dist modules'}\n`,
      );
    }
    if (fresh) {
      const code = await require(bundleFile).runFast(argv);
      if (code !== undefined) return code;
      // Declined (a typo, an unusual option): commander reports it the usual way.
      const { main: cli } = await import(pathToFileURL(path.join(dist, 'cli.js')).href);
      return cli(argv);
    }
  }
  const { run } = await import(pathToFileURL(path.join(dist, 'bin.js')).href);
  return run(argv);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    // A crash, not a decision: git's hook runner tells the two apart by the exit status.
    process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
