import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { copyPackage } from '../helpers/packageCopy.js';
import { makeRepo, REPO_ROOT, runQlock } from '../helpers/repo.js';
import { joinedClone } from '../helpers/sharedCli.js';
import { makeSharedWorld } from '../helpers/sharedFixture.js';

/**
 * One build (issue 17): a process that runs a hot command's bundle loads every module once. The
 * bundle's dynamic imports of dist modules (rare paths: post-commit, conflict prediction, shared
 * mode, commander for a line the light parser declines) are lazily required chunks of the same
 * build, never the ES modules of dist/ beside the bundle's own copies. Each bundle is driven down
 * such a path and node's module log (NODE_DEBUG=module,esm) read: a chunk of that bundle ran, no
 * dist/ file was loaded as an ES module, no file was loaded twice. An error thrown in a chunk
 * (shared mode's refusal) is still recognised by execute() by class: exit 3 and its message.
 */

const DEBUG = { NODE_DEBUG: 'module,esm', QLOCK_DEBUG: '1' };

interface Loaded {
  code: number;
  stdout: string;
  stderr: string;
  /** Every file loaded: by node's CommonJS loader, by bin/qlock.js (bundle, chunks), as ESM. */
  files: string[];
  /** dist/ files loaded as ES modules. */
  distEsm: string[];
  /** The lazy chunks bin/qlock.js loaded (file names). */
  chunks: string[];
}

function loaded(r: { code: number; stdout: string; stderr: string }, dist: string): Loaded {
  const cjs = [...r.stderr.matchAll(/^MODULE \d+: load "([^"]+)" for module/gm)].map((m) => m[1]!);
  const bin = [...r.stderr.matchAll(/^qlock:bin load (\S+) \(code cache/gm)].map((m) => m[1]!);
  const esm = [...r.stderr.matchAll(/^ESM \d+: Storing file:\/\/(\S+) /gm)].map((m) =>
    decodeURIComponent(m[1]!),
  );
  const files = [...cjs, ...bin, ...esm].filter((f) => path.isAbsolute(f));
  return {
    ...r,
    files,
    distEsm: esm.filter((f) => f.startsWith(dist + path.sep)),
    chunks: bin.map((f) => path.basename(f)).filter((f) => f.startsWith('fastChunk-')),
  };
}

/** The chunks of `group`'s bundle that hold `module` (a dist-relative path). */
function chunksHolding(group: string, module: string): string[] {
  const file = path.join(REPO_ROOT, 'dist', `fastBundle-${group}.chunks.json`);
  if (!fs.existsSync(file)) return [];
  const chunks = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<
    string,
    { files: Record<string, unknown> }
  >;
  return Object.keys(chunks).filter((c) => Object.hasOwn(chunks[c]!.files, module));
}

/** Ran from `group`'s bundle, reached `module` in a chunk of it, and loaded every file once. */
function expectOneBuild(r: Loaded, group: string, module: string) {
  const log = `${r.stderr.slice(-3000)}`;
  expect(r.stderr, log).toContain(`qlock:bin bundled fast path (${group})`);
  expect(r.distEsm, log).toEqual([]);
  const twice = r.files.filter((f, i) => r.files.indexOf(f) !== i);
  expect(twice, log).toEqual([]);
  const holding = chunksHolding(group, module);
  expect(holding.length, `no chunk of ${group} holds ${module}`).toBeGreaterThan(0);
  expect(
    r.chunks.some((c) => holding.includes(c)),
    `${module} not loaded: ${r.chunks.join(' ')}`,
  ).toBe(true);
}

const dist = path.join(REPO_ROOT, 'dist');

describe('one build: a bundled process loads each module once', () => {
  it('shared mode: lock refused by another machine (exit 3), status, the pre-write hook', async () => {
    const world = makeSharedWorld();
    const bob = await joinedClone(world, 'bob', 'fb');
    const alice = await joinedClone(world, 'alice', 'fa');
    const taken = await runQlock(['lock', 'src/a.txt', '--reason', 'rewriting a'], {
      cwd: bob.root,
    });
    expect(taken.code, taken.stderr).toBe(0);

    // The refusal is a RefusedError thrown by shared/sharedLocks.js, in a lazy chunk of the lock
    // bundle, and recognised by execute() (the main chunk) by class: exit 3, its own message.
    const refused = loaded(
      await runQlock(['lock', 'src/a.txt'], { cwd: alice.root, env: DEBUG }),
      dist,
    );
    expect(refused.code, refused.stderr.slice(-2000)).toBe(3);
    expect(refused.stderr).toContain(
      `src/a.txt is locked by fb of bob <bob@example.com> on ${os.hostname()} (reason: rewriting a`,
    );
    expect(refused.stderr).not.toContain('internal error');
    expectOneBuild(refused, 'lock', 'shared/sharedLocks.js');

    // Given where nothing is held: a lock taken, from the same chunk, exit 0.
    const free = loaded(
      await runQlock(['lock', 'src/b.txt'], { cwd: alice.root, env: DEBUG }),
      dist,
    );
    expect(free.code, free.stderr.slice(-2000)).toBe(0);
    expectOneBuild(free, 'lock', 'shared/sharedLocks.js');

    // alice's work touches the file bob holds: status names the other machine's lock.
    fs.appendFileSync(path.join(alice.root, 'src/a.txt'), 'uncommitted\n');
    const status = loaded(
      await runQlock(['status', '--json'], { cwd: alice.root, env: DEBUG }),
      dist,
    );
    expect(status.code, status.stderr.slice(-2000)).toBe(0);
    const report = JSON.parse(status.stdout) as { shared: { locks: unknown[] } };
    expect(report.shared.locks).toMatchObject([{ path: 'src/a.txt', user: 'bob' }]);
    expectOneBuild(status, 'status', 'shared/remoteListing.js');

    const edit = JSON.stringify({
      session_id: 's',
      cwd: alice.root,
      hook_event_name: 'PreToolUse',
      tool_name: 'Edit',
      tool_input: {
        file_path: path.join(alice.root, 'src/a.txt'),
        old_string: 'a',
        new_string: 'b',
      },
    });
    const agent = loaded(
      await runQlock(['agent-hook', 'claude', 'PreToolUse'], {
        cwd: alice.root,
        input: edit,
        env: DEBUG,
      }),
      dist,
    );
    expect(agent.code).toBe(2);
    expect(agent.stderr).toContain('src/a.txt is locked by session fb of bob <bob@example.com>');
    expectOneBuild(agent, 'agent-tool', 'shared/cachedLocks.js');
  });

  it('post-commit, the agent prompt hook, and a line the light parser declines', async () => {
    const repo = makeRepo();
    expect((await runQlock(['init', '--no-hooks'], { cwd: repo.root })).code).toBe(0);
    expect((await runQlock(['new', 'fa'], { cwd: repo.root })).code).toBe(0);
    expect((await runQlock(['new', 'fb'], { cwd: repo.root })).code).toBe(0);
    const fa = `${repo.root}-fa`;
    const fb = `${repo.root}-fb`;
    repo.write('src/a.txt', 'A\n', fa);
    repo.commitAll('fa', fa);
    repo.write('src/a.txt', 'B\n', fb);
    repo.commitAll('fb', fb);

    const postCommit = loaded(
      await runQlock(['hook', 'post-commit'], { cwd: fa, env: DEBUG }),
      dist,
    );
    expect(postCommit.code, postCommit.stderr.slice(-2000)).toBe(0);
    expectOneBuild(postCommit, 'hook', 'hooks/postBaseMoved.js');

    const prompt = JSON.stringify({
      session_id: 's',
      cwd: fa,
      hook_event_name: 'UserPromptSubmit',
      prompt: 'go on',
    });
    const context = loaded(
      await runQlock(['agent-hook', 'claude', 'UserPromptSubmit'], {
        cwd: fa,
        input: prompt,
        env: DEBUG,
      }),
      dist,
    );
    expect(context.code, context.stderr.slice(-2000)).toBe(0);
    expectOneBuild(context, 'agent-context', 'conflicts/predictConflicts.js');

    // An option the light parser does not know: commander words the usage error, from a chunk.
    const declined = loaded(
      await runQlock(['prompt', '--no-such-option'], { cwd: fa, env: DEBUG }),
      dist,
    );
    expect(declined.code).toBe(2);
    expect(declined.stderr).toContain("unknown option '--no-such-option'");
    expectOneBuild(declined, 'prompt', 'cli/program.js');
  });

  it('a chunk whose modules changed after the build stops the command with what to do', async () => {
    const pkg = copyPackage();
    const repo = makeRepo();
    expect((await runQlock(['init', '--no-hooks'], { cwd: repo.root })).code).toBe(0);
    expect((await runQlock(['new', 'fa'], { cwd: repo.root })).code).toBe(0);
    const qlock = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(pkg, 'bin/qlock.js'), ...args], {
        cwd: `${repo.root}-fa`,
        encoding: 'utf8',
        env: { ...process.env, ...DEBUG },
      });

    const before = qlock('hook', 'post-commit');
    expect(before.status, before.stderr.slice(-2000)).toBe(0);
    expect(before.stderr).not.toContain('dist/ changed');

    // A `tsc` that rewrote one module of a lazy chunk only (the main chunk's modules unchanged),
    // to bytes of the same size: newer, and another digest.
    const module = path.join(pkg, 'dist/hooks/postBaseMoved.js');
    const text = fs.readFileSync(module, 'utf8');
    fs.writeFileSync(module, text.replace('a', 'b'));
    const later = new Date(fs.statSync(path.join(pkg, 'dist/fastBundle-hook.cjs')).mtimeMs + 5000);
    fs.utimesSync(module, later, later);
    const run = qlock('hook', 'post-commit');
    const after = loaded({ ...run, code: run.status ?? -1 }, path.join(pkg, 'dist'));
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(
      /^qlock: dist\/ changed after dist\/fastBundle-hook\.cjs was built \(fastChunk-hook-\S+\.cjs or its modules\): run npm run build$/m,
    );
    expect(after.distEsm).toEqual([]);
  });

  it('a copy that did not keep the times (cp -r) runs its lazy chunks: newer is not changed', async () => {
    const pkg = copyPackage();
    const repo = makeRepo();
    expect((await runQlock(['init', '--no-hooks'], { cwd: repo.root })).code).toBe(0);
    expect((await runQlock(['new', 'fa'], { cwd: repo.root })).code).toBe(0);
    // Every lazy chunk of the hook bundle and every module of them newer than the bundle, as a
    // copy that wrote the bundle first leaves them; the main chunk's modules as they were.
    const pkgDist = path.join(pkg, 'dist');
    const chunks = JSON.parse(
      fs.readFileSync(path.join(pkgDist, 'fastBundle-hook.chunks.json'), 'utf8'),
    ) as Record<string, { files: Record<string, unknown> }>;
    const main = (
      JSON.parse(fs.readFileSync(path.join(pkgDist, 'fastBundle-hook.json'), 'utf8')) as {
        files: Record<string, number>;
      }
    ).files;
    const later = new Date(fs.statSync(path.join(pkgDist, 'fastBundle-hook.cjs')).mtimeMs + 5000);
    for (const [chunk, { files }] of Object.entries(chunks))
      for (const rel of [chunk, ...Object.keys(files)])
        if (!Object.hasOwn(main, rel)) fs.utimesSync(path.join(pkgDist, rel), later, later);
    const run = spawnSync(
      process.execPath,
      [path.join(pkg, 'bin/qlock.js'), 'hook', 'post-commit'],
      {
        cwd: `${repo.root}-fa`,
        encoding: 'utf8',
        env: { ...process.env, ...DEBUG },
      },
    );
    const r = loaded({ ...run, code: run.status ?? -1 }, pkgDist);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    expect(r.stderr).not.toContain('dist/ changed');
    expect(r.stderr).toContain('qlock:bin bundled fast path (hook)');
    expect(r.chunks.length).toBeGreaterThan(0);
    expect(r.distEsm).toEqual([]);
  });

  it('a bundle of another format (an older build beside a newer bin/qlock.js) is not run', async () => {
    // bin/qlock.js and scripts/bundle.mjs name the same format.
    const format = (file: string) =>
      /const BUNDLE_FORMAT = (\d+);/.exec(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'))?.[1];
    expect(format('bin/qlock.js')).toBeDefined();
    expect(format('bin/qlock.js')).toBe(format('scripts/bundle.mjs'));

    const pkg = copyPackage();
    const repo = makeRepo();
    expect((await runQlock(['init', '--no-hooks'], { cwd: repo.root })).code).toBe(0);
    const prompt = () =>
      spawnSync(process.execPath, [path.join(pkg, 'bin/qlock.js'), 'prompt'], {
        cwd: repo.root,
        encoding: 'utf8',
        env: { ...process.env, QLOCK_DEBUG: '1' },
      });
    const fresh = prompt();
    expect(fresh.status, fresh.stderr).toBe(0);
    expect(fresh.stderr).toContain('qlock:bin bundled fast path (prompt)');

    // The manifest as the build before this format wrote it: { files } alone.
    const manifest = path.join(pkg, 'dist/fastBundle-prompt.json');
    const { files } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { files: unknown };
    const { mtime } = fs.statSync(manifest);
    fs.writeFileSync(manifest, JSON.stringify({ files }));
    fs.utimesSync(manifest, mtime, mtime);
    const old = prompt();
    expect(old.status, old.stderr).toBe(0);
    expect(old.stdout).toBe(fresh.stdout);
    expect(old.stderr).toContain('qlock:bin no fresh bundle: dist modules');
    expect(old.stderr).not.toContain('bundled fast path');
  });

  it('without a fresh bundle, the dist modules alone: the refusal from shared mode is still exit 3', async () => {
    const world = makeSharedWorld();
    const bob = await joinedClone(world, 'bob', 'fb');
    const alice = await joinedClone(world, 'alice', 'fa');
    expect((await runQlock(['lock', 'src/a.txt'], { cwd: bob.root })).code).toBe(0);
    // A plain `tsc` rebuild: the way in is newer than every bundle.
    const pkg = copyPackage();
    const fast = path.join(pkg, 'dist/cli/fast.js');
    const later = new Date(fs.statSync(path.join(pkg, 'dist/fastBundle-lock.cjs')).mtimeMs + 5000);
    fs.utimesSync(fast, later, later);
    const run = spawnSync(process.execPath, [path.join(pkg, 'bin/qlock.js'), 'lock', 'src/a.txt'], {
      cwd: alice.root,
      encoding: 'utf8',
      env: { ...process.env, ...DEBUG },
    });
    const r = loaded({ ...run, code: run.status ?? -1 }, path.join(pkg, 'dist'));
    expect(r.code, r.stderr.slice(-2000)).toBe(3);
    expect(r.stderr).toContain('src/a.txt is locked by fb of bob');
    expect(r.stderr).toContain('qlock:bin no fresh bundle: dist modules');
    expect(r.files.filter((f) => /fast(Bundle|Chunk)-/.test(f))).toEqual([]);
    expect(r.distEsm).toContain(path.join(pkg, 'dist/shared/sharedLocks.js'));
    // Our modules once each (a CommonJS package imported from an ES module shows in both of
    // node's logs, one instance).
    const ours = r.files.filter((f) => f.startsWith(path.join(pkg, 'dist') + path.sep));
    expect(ours.filter((f, i) => ours.indexOf(f) !== i)).toEqual([]);
  });
});
