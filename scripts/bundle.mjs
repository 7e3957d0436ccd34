#!/usr/bin/env node
/**
 * Bundles the way in (src/bin.ts: the light parser, src/cli/fast.ts, then commander) with each
 * group of hot commands into one CommonJS file:
 *   dist/fastBundle-hook.cjs    `qlock hook …` (every installed git hook)
 *   dist/fastBundle-agent-tool.cjs     `qlock agent-hook <agent> pre-tool|post-tool` (every write)
 *   dist/fastBundle-agent-context.cjs  `qlock agent-hook <agent> prompt|session-start`
 *   dist/fastBundle-lock.cjs    `qlock lock`, `qlock unlock`
 *   dist/fastBundle-prompt.cjs  `qlock prompt` (every shell prompt)
 *   dist/fastBundle-status.cjs  `qlock status`
 * The main chunk holds the way in and the group's hot modules (`hot` below). Every other dist
 * module the group's commands may reach with import() (conflict prediction, shared mode,
 * post-commit, commander for a line the light parser declines: in the end every command, through
 * the command table) is in a lazily required chunk of the same build,
 * dist/fastChunk-<group>-<name>.cjs, which rolldown cuts by the import() calls that reach it (a
 * module two chunks use gets a chunk of its own, required by them, never by the main chunk), and
 * which bin/qlock.js requires, with the code cache, only when such an import() runs. `lazy` names
 * a few chunks by hand: the agent tool hook loads the shell command reader only for a shell tool
 * (issue 19). So a bundled process loads each module once: never a dist/ ES module beside the
 * bundle's copy of the modules it imports (issue 17; errors are told apart by class).
 * dist/fastBundle-<group>.json lists the main chunk's dist modules, which bin/qlock.js checks on
 * every run; dist/fastBundle-<group>.chunks.json each chunk's own size and digest and its
 * modules', checked when that chunk is first required (the digest only for a file newer than the
 * bundle: a copy that did not keep the times is not a rebuild).
 *
 * Why: node's ESM loader pays per module (resolve, read, compile, link) and is not even started for
 * a CommonJS entry; a hot path is 20-40 small modules. Bundled, each command saves 10-25 ms, which
 * is what brings them within DESIGN.md's budgets (see bench/RESULTS.md). One bundle per group, so
 * that `qlock lock` does not compile the git hooks' modules and their libraries. Packages that are
 * not on the hot path stay outside (node requires or imports them, once, when they are needed).
 *
 * proper-lockfile (the registry mutex) is bundled in, with graceful-fs replaced by node:fs: a
 * dynamic import() of the package would start node's ESM loader (~10 ms), and graceful-fs (~6 ms
 * to load, it patches fs) only queues and retries operations when a process runs out of file
 * descriptors, which a command that holds a handful of them for milliseconds cannot do. The
 * long-running processes (`qlock watch`, `qlock mcp`) load the real packages from dist/.
 *
 * bin/qlock.js uses a bundle only while it is fresh (no listed file changed size or is newer than
 * the bundle: a plain `tsc` rebuild makes it stale) and falls back to the dist/ modules otherwise,
 * so a missing or stale bundle only costs speed; a chunk found stale when it is required (a `tsc`
 * that rewrote only its modules: another size or digest) stops the command with a one-line "run
 * npm run build", as the process cannot mix in the dist/ copies then. Run by `npm run build`.
 */
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dist = path.join(root, 'dist');

/**
 * Each bundle: the way in (src/bin.ts, src/cli/fast.ts: the command table, the light parser,
 * execute) and the modules its command loads with import() that still belong in its main chunk,
 * because the command needs them on every run. Which commands are hot, and in which bundle, is the
 * command table's `hot` (src/cli/commandTable.ts); this build writes it out for bin/qlock.js
 * (fastRoutes.json).
 */
const ENTRY = 'bin.js';
const BUNDLES = {
  hook: {
    hot: ['commands/hook.js', 'hooks/runGitHook.js', 'hooks/preCommit.js', 'project/loadConfig.js'],
  },
  // `qlock agent-hook`: the tool hooks (before every write: the budget) apart from the context
  // hooks (prompt, session start), which need the inbox, change sets and all the messages.
  'agent-tool': {
    hot: [
      'commands/agentHook.js',
      'agents/hookProcess.js',
      'agents/fileTargets.js',
      'agents/toolHook.js',
      'project/findProject.js',
      'project/loadConfig.js',
      'ui/messages/agents.js',
      'agents/peerChanges.js', // Claude, Gemini and Codex writes: the other sessions' changes
      'git/exec.js',
    ],
    // Lazily required chunks (dist/fastChunk-agent-tool-<name>.cjs), each loaded only by the calls
    // that need it: the shell command reader (~50 KB, issue 19) only for a shell tool, and the
    // registry writers (lastSeen every 30 s, autoLock) only when they write.
    lazy: {
      shell: ['agents/toolTargets.js', 'agents/shellDeferred.js'],
      registry: ['sessions/touchSession.js', 'locks/acquireLocks.js', 'proper-lockfile'],
    },
  },
  'agent-context': {
    hot: [
      'commands/agentHook.js',
      'agents/hookProcess.js',
      'agents/contextHooks.js',
      'project/findProject.js',
      'project/loadConfig.js',
      'ui/messages/agents.js',
      'proper-lockfile', // marking events read
    ],
  },
  lock: {
    hot: [
      'commands/lock.js',
      'commands/unlock.js',
      'locks/acquireLocks.js',
      'locks/acquireLocksWaiting.js', // through src/shared/sharedMode.ts, imported lazily there
      'locks/releaseLocks.js',
      'store/registry.js',
      'proper-lockfile',
    ],
  },
  prompt: { hot: ['commands/prompt.js'] },
  // `qlock status`: its budget (p95 < 500 ms) is mostly ten git scans; the rest is startup.
  status: {
    hot: [
      'commands/status.js',
      'commands/conflicts.js', // same scans and predictions as status
      'sessions/touchSession.js',
      'project/loadConfig.js',
      'proper-lockfile', // lastSeen (every 30 s) and main-moved records
    ],
  },
};

/**
 * The shape of the bundles this script writes (how their import() and chunks are routed), which
 * bin/qlock.js must know to run them: a manifest of another format (an older build in dist/
 * beside a newer bin/qlock.js, as after a `git pull` before `npm run build`) is never fresh.
 * Raise it, here and in bin/qlock.js, whenever that contract changes.
 */
const BUNDLE_FORMAT = 3;

const bundleFile = (name) => path.join(dist, `fastBundle-${name}.cjs`);
const manifestFile = (name) => path.join(dist, `fastBundle-${name}.json`);
const chunksFile = (name) => path.join(dist, `fastBundle-${name}.chunks.json`);
const routesFile = path.join(dist, 'fastRoutes.json');

function removeBundles(reason) {
  fs.rmSync(routesFile, { force: true });
  for (const name of Object.keys(BUNDLES)) {
    fs.rmSync(bundleFile(name), { force: true });
    fs.rmSync(manifestFile(name), { force: true });
    fs.rmSync(chunksFile(name), { force: true });
  }
  removeChunks();
  console.log(
    `scripts/bundle.mjs: no fast-path bundles (${reason}); the hot commands load dist/ modules.`,
  );
}

/** The lazily required chunks of the bundles (dist/fastChunk-<bundle>-<group>.cjs). */
function removeChunks() {
  for (const f of fs.readdirSync(dist, { withFileTypes: true }))
    if (f.isFile() && /^fastChunk-.*\.cjs$/.test(f.name)) fs.rmSync(path.join(dist, f.name));
  // bin/qlock.js's V8 code caches of the previous bundles (each keyed by its bundle's mtime).
  fs.rmSync(path.join(dist, '.cache'), { recursive: true, force: true });
}

function writeAtomic(file, content) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

let rolldown;
try {
  const require = createRequire(path.join(root, 'package.json'));
  const entry = require.resolve('rolldown');
  ({ rolldown } = await import(pathToFileURL(entry).href));
} catch (error) {
  removeBundles(`rolldown not found: ${error.message.split('\n')[0]}`);
  process.exit(0);
}
if (!fs.existsSync(path.join(dist, ENTRY))) {
  removeBundles(`dist/${ENTRY} is missing: run tsc first`);
  process.exit(0);
}
// The old single bundle (before one per command group), if a previous build left it.
fs.rmSync(path.join(dist, 'fastBundle.cjs'), { force: true });
fs.rmSync(path.join(dist, 'fastBundle.json'), { force: true });

/**
 * Replacements inside bundled packages. graceful-fs: see above. assert: signal-exit (proper-lockfile's
 * release on exit) loads node:assert (~3 ms: it pulls in the inspector's colour and diff code)
 * for one `assert.equal` on its argument's type.
 */
const SHIMS = {
  'graceful-fs': "module.exports = require('node:fs');\n",
  assert:
    'module.exports = { equal(actual, expected, message) { if (actual != expected) throw new Error(message); } };\n',
};

/**
 * A module that finds files relative to itself (`import.meta.url`: the package's bin/, hooks/,
 * package.json) finds them from its dist/ path in a bundle too: bin/qlock.js passes dist/ as every
 * bundle's and chunk's `__dirname`.
 */
function importMetaUrl(rel) {
  return `require("node:url").pathToFileURL(require("node:path").join(__dirname, ${JSON.stringify(rel)})).href`;
}

/**
 * A build of `inputs`: every dist module they reach, statically or with import(), is bundled;
 * with `dynamicExternal`, a dynamic import of a dist module outside `inline` stays external
 * instead (used only to find which modules the hot path holds). Packages are bundled if in
 * `inline` (and whatever they require), else left to node's require().
 */
async function build(inputs, inline, { dynamicExternal = false, ...options } = {}) {
  const built = await rolldown({
    ...options,
    input: inputs.map((i) => path.join(dist, i)),
    platform: 'node',
    logLevel: 'warn',
    // A dynamic import that reaches a module the hot path also imports statically: nothing to
    // split, the module is in the main chunk either way.
    onLog(level, log, handler) {
      if (log.code === 'INEFFECTIVE_DYNAMIC_IMPORT') return;
      handler(level, log);
    },
    plugins: [
      {
        name: 'qlock-fast-path',
        resolveId(source, importer, options) {
          if (source.startsWith('node:')) return { id: source, external: true };
          if (!importer) return null;
          if (
            Object.hasOwn(SHIMS, source) &&
            importer.includes(`${path.sep}node_modules${path.sep}`)
          )
            return `\0qlock-shim:${source}`;
          if (!source.startsWith('.') && !path.isAbsolute(source)) {
            // A package: bundled if the hot path needs it (and everything it requires), else
            // left to node, required from dist/ when (and if) it is needed.
            const bundled =
              inline.has(source) || importer.includes(`${path.sep}node_modules${path.sep}`);
            return bundled ? null : { id: source, external: true };
          }
          const target = path.resolve(path.dirname(importer), source);
          const rel = path.relative(dist, target).split(path.sep).join('/');
          if (dynamicExternal && options?.kind === 'dynamic-import' && !inline.has(rel))
            return { id: `./${rel}`, external: true };
          return null;
        },
        load(id) {
          return id.startsWith('\0qlock-shim:') ? SHIMS[id.slice('\0qlock-shim:'.length)] : null;
        },
        transform(code, id) {
          if (!id.startsWith(dist + path.sep) || !code.includes('import.meta.url')) return null;
          const rel = path.relative(dist, id).split(path.sep).join('/');
          return { code: code.replaceAll('import.meta.url', importMetaUrl(rel)), map: null };
        },
      },
    ],
  });
  return built;
}

function checkChunk(name, chunk) {
  if (chunk.code.includes('import.meta')) {
    // A bundled module that locates files relative to itself would look in the wrong place.
    throw new Error(`the ${name} bundle must not contain import.meta: see importMetaUrl`);
  }
}

/**
 * dist-relative path → size, for the dist modules among a chunk's modules; with `digests`, →
 * { size, sha1 } (a lazy chunk's, read only when bin/qlock.js finds one newer than the bundle).
 */
function distFiles(chunk, digests = false) {
  const files = {};
  for (const id of chunk.moduleIds) {
    if (!path.isAbsolute(id) || !id.startsWith(dist + path.sep)) continue;
    const rel = path.relative(dist, id).split(path.sep).join('/');
    files[rel] = digests ? identity(fs.readFileSync(id)) : fs.statSync(id).size;
  }
  return files;
}

/** What bin/qlock.js compares a lazily required file by: its size, and its SHA-1 when newer. */
function identity(bytes) {
  return { size: bytes.length, sha1: createHash('sha1').update(bytes).digest('base64url') };
}

const banner =
  '// Generated by scripts/bundle.mjs from dist/ (see there); loaded by bin/qlock.js while fresh.\n';

/**
 * bin/qlock.js compiles a bundle with vm.Script (for V8's code cache), where import() needs an
 * experimental flag on node 20: every import() call left (a user's own config file, loaded by
 * URL) becomes `__qlockImport(`, which bin/qlock.js passes in. None may name a dist module: those
 * are all in the bundle or its chunks. The bundles are therefore loaded by bin/qlock.js only,
 * never by a plain require().
 */
function routeImports(fileName, code) {
  const routed = code.replace(/(?<![\w$.])import\(/g, '__qlockImport(');
  const left = /(?<![\w$.])import\s*\(/.exec(routed);
  if (left) throw new Error(`${fileName}: an import() bin/qlock.js cannot route: ${left[0]}`);
  const dist = /__qlockImport\(\s*["'`]\.{1,2}\//.exec(routed);
  if (dist) throw new Error(`${fileName}: a dist module left to import(): ${dist[0]}`);
  return routed;
}

/**
 * rolldown puts its helpers (`__toESM`, `__exportAll`) in a chunk of their own when chunks that
 * do not load the main chunk use them, and the main chunk would require that chunk on every run.
 * The helpers (stateless functions) go into the main chunk instead, which hands them to the lazy
 * chunks: each of them is loaded after the main chunk, by one of its import() calls.
 */
function placeRuntime(name, entryChunk, runtime, chunks, code) {
  const load = `require("./${runtime.fileName}")`;
  const own = `const require_rolldown_runtime = ${load};`;
  if (!code.get(entryChunk).includes(own))
    throw new Error(`${entryChunk.fileName}: no \`${own}\` to put rolldown's helpers in place of`);
  code.set(
    entryChunk,
    code
      .get(entryChunk)
      .replace(
        own,
        `const require_rolldown_runtime = (() => {\nconst exports = {};\n${runtime.code}\nreturn exports;\n})();\n` +
          'exports.__qlockRuntime = require_rolldown_runtime;',
      ),
  );
  for (const c of chunks) {
    if (c === runtime) continue;
    code.set(c, code.get(c).replaceAll(load, `require("./fastBundle-${name}.cjs").__qlockRuntime`));
    if (code.get(c).includes(runtime.fileName))
      throw new Error(`${c.fileName}: loads ${runtime.fileName} in a way this build cannot move`);
  }
}

async function bundle(name, { hot, lazy = {} }) {
  const entry = ENTRY;
  const inline = new Set(['cli/fast.js', ...hot]);
  // The main chunk: the way in and the modules it reaches statically or through a hot import(),
  // which every run of the group's commands needs.
  const single = await (
    await build([entry], inline, { dynamicExternal: true })
  ).generate({ format: 'cjs', codeSplitting: false });
  const mainChunk = single.output.find((o) => o.type === 'chunk');
  if (!mainChunk) throw new Error(`rolldown produced no chunk for ${entry}`);
  const main = new Set(mainChunk.moduleIds);
  // The named lazy groups: each group's entries and what only they use, in one chunk.
  const groupOf = new Map();
  for (const [group, entries] of Object.entries(lazy)) {
    const alone = await (
      await build(
        entries.filter((e) => e.endsWith('.js')),
        new Set(entries),
        { dynamicExternal: true },
      )
    ).generate({ format: 'cjs' });
    for (const o of alone.output)
      if (o.type === 'chunk')
        for (const id of o.moduleIds) if (!main.has(id) && !groupOf.has(id)) groupOf.set(id, group);
    for (const e of entries) inline.add(e);
  }
  // Everything else the commands may reach (rare paths: conflict prediction, shared mode,
  // post-commit, commander for a line the light parser declines) in chunks that rolldown cuts by
  // which import() reaches them, each required only when such an import() runs. The main chunk
  // may export more than its modules did, which nothing but the chunks reads.
  const split = await (
    await build([entry], inline, { preserveEntrySignatures: 'allow-extension' })
  ).generate({
    format: 'cjs',
    // The doc comments are for the sources (src/); a hot run reads every byte of its main chunk.
    comments: { legal: true, annotation: true, jsdoc: false },
    entryFileNames: path.basename(bundleFile(name)),
    chunkFileNames: `fastChunk-${name}-[name].cjs`,
    codeSplitting: {
      groups: [
        {
          debugName: 'lazy',
          name: (id) => groupOf.get(id) ?? null,
          priority: 2,
          includeDependenciesRecursively: false,
        },
        {
          debugName: 'main',
          name: (id) => (main.has(id) ? 'main' : null),
          priority: 1,
          includeDependenciesRecursively: false,
        },
      ],
    },
  });
  const chunks = split.output.filter((o) => o.type === 'chunk');
  const entryChunk = chunks.find((c) => c.isEntry);
  if (!entryChunk) throw new Error(`rolldown produced no entry chunk for ${entry}`);
  const runtime = chunks.find((c) => c.fileName === `fastChunk-${name}-rolldown-runtime.cjs`);
  const code = new Map(chunks.map((c) => [c, c.code]));
  if (runtime) placeRuntime(name, entryChunk, runtime, chunks, code);
  const parts = chunks.filter((c) => c !== entryChunk && c !== runtime);
  for (const c of parts)
    if (!/^fastChunk-[\w-]+\.cjs$/.test(c.fileName))
      throw new Error(`${c.fileName}: a chunk name bin/qlock.js does not route`);
  for (const c of chunks) {
    checkChunk(name, c);
    if (/import\(\s*["']\.\/fastChunk-/.test(c.code))
      throw new Error(`${c.fileName}: a chunk loaded with import(), which starts the ESM loader`);
  }
  // The main chunk must not require any other chunk when it loads (only when an import() runs).
  const eager = entryChunk.imports.filter(
    (i) => i !== runtime?.fileName && parts.some((c) => c.fileName === i),
  );
  if (eager.length) throw new Error(`${entryChunk.fileName} loads ${eager.join(', ')} eagerly`);
  // The chunks first, the entry last: bin/qlock.js trusts the bundle only while no file it was
  // made from is newer than the entry or has changed size. The main chunk's modules are checked
  // on every run (fastBundle-<name>.json); a chunk's own file and modules when it is required
  // (fastBundle-<name>.chunks.json), so a run pays only for what it loads.
  const lazyChunks = {};
  for (const c of parts) {
    const text = banner + routeImports(c.fileName, code.get(c));
    writeAtomic(path.join(dist, c.fileName), text);
    lazyChunks[c.fileName] = { ...identity(Buffer.from(text)), files: distFiles(c, true) };
  }
  writeAtomic(chunksFile(name), JSON.stringify(lazyChunks, null, 2) + '\n');
  writeAtomic(bundleFile(name), banner + routeImports(entryChunk.fileName, code.get(entryChunk)));
  const files = distFiles(entryChunk);
  writeAtomic(manifestFile(name), JSON.stringify({ format: BUNDLE_FORMAT, files }, null, 2) + '\n');
  const kib = (c) => `${(code.get(c).length / 1024).toFixed(0)} KiB`;
  const named = parts.filter((c) =>
    Object.hasOwn(lazy, c.fileName.slice(`fastChunk-${name}-`.length, -'.cjs'.length)),
  );
  const rest = parts.filter((c) => !named.includes(c));
  return (
    `dist/fastBundle-${name}.cjs, ${Object.keys(files).length} modules ${kib(entryChunk)}` +
    named.map((c) => `, ${c.fileName} ${c.moduleIds.length} modules ${kib(c)}`).join('') +
    `; ${rest.length} more lazy chunks, ${rest.reduce((n, c) => n + c.moduleIds.length, 0)} modules, ` +
    `${(rest.reduce((n, c) => n + code.get(c).length, 0) / 1024).toFixed(0)} KiB`
  );
}

removeChunks();
for (const [name, spec] of Object.entries(BUNDLES))
  console.log(`scripts/bundle.mjs: ${await bundle(name, spec)}`);

/**
 * bin/qlock.js's routes, from the command table: `<command>` → its bundle, and for agent-hook
 * `agent-hook <event>` → the tool bundle for every tool event (qlock's names and each agent's
 * native ones, lower case, as parseHookEvent compares them).
 */
const { COMMANDS } = await import(pathToFileURL(path.join(dist, 'cli/commandTable.js')).href);
const { ADAPTERS } = await import(pathToFileURL(path.join(dist, 'agents/adapters/index.js')).href);
const routes = {};
for (const spec of COMMANDS) {
  if (!spec.hot) continue;
  if (!Object.hasOwn(BUNDLES, spec.hot))
    throw new Error(`no bundle "${spec.hot}" for ${spec.name}`);
  routes[spec.name] = spec.hot;
}
for (const event of ['pre-tool', 'post-tool']) {
  const names = [event, ...Object.values(ADAPTERS).map((a) => a.events[event].toLowerCase())];
  for (const name of names) routes[`agent-hook ${name}`] = 'agent-tool';
}
writeAtomic(routesFile, JSON.stringify(routes, null, 2) + '\n');
console.log(`scripts/bundle.mjs: dist/fastRoutes.json, ${Object.keys(routes).length} routes`);
