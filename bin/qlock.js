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
 * Those commands first go to their bundle, dist/fastBundle-<group>.cjs (scripts/bundle.mjs:
 * src/bin.ts, the light way in, src/cli/fast.ts, and the command's hot modules in one file; every
 * other module it may need, commander included, in lazily required chunks of the same build),
 * while that bundle is fresh: such a process loads no dist/ module at all. Everything else, and a
 * hot command without a fresh bundle, goes to dist/bin.js (the same way in, as ES modules).
 * Fresh: every dist file the bundle's main chunk was made from still has its size and is not newer
 * than the bundle, so a plain `tsc` rebuild can never run stale code, only slower code (a lazy
 * chunk is checked when it is required: checkChunk).
 */
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const dist = path.join(__dirname, '..', 'dist');
/** The bundles' format this file runs (scripts/bundle.mjs BUNDLE_FORMAT): others are not fresh. */
const BUNDLE_FORMAT = 3;

/**
 * A reader that closed the pipe (`qlock --help | head -n 1`) ends the output quietly, as with any
 * Unix tool: no EPIPE stack trace. Other write errors stay errors. Only on commander's way in:
 * touching process.stdout creates node's stream (node:net, node:tty and the stream machinery,
 * ~3-4 ms), which the bundled commands never need (src/ui/stdio.ts writes to the descriptors).
 */
function quietOnClosedPipe() {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error) => {
      if (error && error.code === 'EPIPE') process.exit(process.exitCode || 0);
      throw error;
    });
  }
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

/** Whether every file of `files` (dist-relative path → size) still is what the bundle was made from. */
function filesAreFresh(files, bundleMtimeMs) {
  for (const [rel, size] of Object.entries(files)) {
    const stat = fs.statSync(path.join(dist, rel));
    if (stat.size !== size || stat.mtimeMs > bundleMtimeMs) return false;
  }
  return true;
}

/** The bundle's modification time if it and its main chunk's modules are fresh, else undefined. */
function freshBundle(bundleFile, manifestFile) {
  try {
    const { mtimeMs } = fs.statSync(bundleFile);
    const { format, files } = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    if (format !== BUNDLE_FORMAT) return undefined;
    return filesAreFresh(files, mtimeMs) ? mtimeMs : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A lazy chunk is checked when it is first required, against fastBundle-<group>.chunks.json: its
 * own file and its modules, each by size, and by SHA-1 when newer than the bundle (a copy that did
 * not keep the times, `cp -r`, makes files newer without changing them; a `tsc` that rebuilt only
 * the chunk's modules changes them). A chunk whose modules changed cannot fall back to the dist/
 * modules: the process already runs the bundle's copies of the modules they import. It stops
 * instead (exit 1, which git's hook runner and the agent hooks take for a crash, not a decision),
 * saying what to do.
 */
let chunkManifest;
function checkChunk(file) {
  const { group, mtimeMs } = running;
  const name = path.basename(file);
  let fresh = false;
  try {
    chunkManifest ??= JSON.parse(
      fs.readFileSync(path.join(dist, `fastBundle-${group}.chunks.json`), 'utf8'),
    );
    const entry = Object.hasOwn(chunkManifest, name) ? chunkManifest[name] : undefined;
    fresh =
      entry !== undefined &&
      Object.entries({ [name]: entry, ...entry.files }).every(([rel, want]) => {
        const file = path.join(dist, rel);
        const stat = fs.statSync(file);
        if (stat.size !== want.size) return false;
        if (stat.mtimeMs <= mtimeMs) return true;
        const { createHash } = require('node:crypto');
        return createHash('sha1').update(fs.readFileSync(file)).digest('base64url') === want.sha1;
      });
  } catch {
    // A file gone: stale.
  }
  if (!fresh) {
    // Not an error of the command (execute() would report it as qlock's bug): the build's state.
    process.stderr.write(
      `qlock: dist/ changed after dist/fastBundle-${group}.cjs was built (${name} or its modules): run npm run build\n`,
    );
    process.exit(1);
  }
}

/**
 * Loads a bundle or one of its lazy chunks (once per process) as require() would, but with V8's
 * code cache: compiling a 60-250 KB bundle is ~10 ms of every hot run, reading V8's code for it
 * a few. The cache lives in dist/.cache (trusted as much as the code beside it, never a shared
 * temporary directory), one file per bundle, its size and mtime and node's version, written
 * atomically when a run had none (or V8 rejected it); without a writable dist/ every run compiles,
 * as plain require() does. scripts/bundle.mjs turns the bundles' import() calls into
 * `__qlockImport`, passed in here: an import() compiled by vm.Script needs an experimental flag
 * on node 20.
 */
const bundles = new Map();
const caches = [];
/** The bundle this process runs: its group and modification time (for checkChunk). */
let running;
function loadBundle(file) {
  const known = bundles.get(file);
  if (known) return known.exports;
  if (running && path.basename(file).startsWith('fastChunk-')) checkChunk(file);
  const vm = require('node:vm');
  const { createRequire } = require('node:module');
  // The size and mtime of the very bytes read (a rebuild renames new files in meanwhile): the
  // cache is keyed by them and must never be written for other bytes than those it was made from.
  const fd = fs.openSync(file, 'r');
  let source, size, mtimeMs;
  try {
    ({ size, mtimeMs } = fs.fstatSync(fd));
    source = fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
  const cacheFile = path.join(
    dist,
    '.cache',
    `${path.basename(file)}-${size}-${Math.floor(mtimeMs)}-${process.version}-${process.arch}.v8`,
  );
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname, __qlockImport) {${source}\n})`,
    { filename: file, cachedData },
  );
  const hit = cachedData !== undefined && !script.cachedDataRejected;
  if (!hit) caches.push({ script, cacheFile });
  if (process.env.QLOCK_DEBUG === '1')
    process.stderr.write(`qlock:bin load ${file} (code cache ${hit ? 'used' : 'written'})\n`);
  const mod = { exports: {}, filename: file };
  bundles.set(file, mod);
  const plainRequire = createRequire(file);
  const requireInBundle = (id) =>
    /^\.\/fast(Bundle|Chunk)-[\w-]+\.cjs$/.test(id)
      ? loadBundle(path.join(dist, id))
      : plainRequire(id);
  // What import() is left in a bundle loads no module of dist/ (scripts/bundle.mjs checks): the
  // packages the commands import lazily and a user's own config file.
  const importInBundle = (specifier) => import(specifier);
  script
    .runInThisContext()
    .call(mod.exports, mod.exports, requireInBundle, mod, file, dist, importInBundle);
  return mod.exports;
}
process.on('exit', () => {
  // After the run, so the cache holds the functions it compiled along the way.
  for (const { script, cacheFile } of caches) {
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
      fs.writeFileSync(temporary, script.createCachedData());
      fs.renameSync(temporary, cacheFile);
    } catch {
      // No cache this time (a read-only install): the next run compiles again.
      try {
        fs.rmSync(temporary, { force: true });
      } catch {
        // Nothing was written.
      }
    }
  }
});

async function main(argv) {
  const group = bundleFor(argv);
  // Help goes to commander, which writes it.
  if (group && !argv.includes('--help') && !argv.includes('-h')) {
    const bundleFile = path.join(dist, `fastBundle-${group}.cjs`);
    const mtimeMs = freshBundle(bundleFile, path.join(dist, `fastBundle-${group}.json`));
    if (process.env.QLOCK_DEBUG === '1') {
      process.stderr.write(
        `qlock:bin ${mtimeMs !== undefined ? `bundled fast path (${group})` : 'no fresh bundle: dist modules'}\n`,
      );
    }
    if (mtimeMs !== undefined) {
      running = { group, mtimeMs };
      // src/bin.ts, bundled: every module this process loads from here on is the bundle's
      // (commander too, from a lazy chunk), never a dist/ copy beside it.
      const bundle = loadBundle(bundleFile);
      const code = await bundle.runFast(argv);
      if (code !== undefined) return code;
      // Declined (a typo, an unusual option): commander reports it the usual way.
      quietOnClosedPipe();
      return bundle.runCommander(argv);
    }
  }
  quietOnClosedPipe();
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
