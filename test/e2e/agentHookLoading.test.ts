import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { init } from '../../src/commands/init.js';
import { newSession } from '../../src/commands/new.js';
import { acquireLocks } from '../../src/locks/acquireLocks.js';
import { findProject } from '../../src/project/findProject.js';
import { makeRepo, REPO_ROOT, runQlock, testContext } from '../helpers/repo.js';

/**
 * What the built pre-write hook loads (issue 19's budget: the hook runs before every write): the
 * files node reads to run it, from node's own module log (NODE_DEBUG=module,esm). A file tool's
 * call must not load the shell command reader; a shell tool's call loads it; neither starts
 * node's ES module loader on dist/ modules (each one costs a resolve, read, compile and link).
 */

const DIST = path.join(REPO_ROOT, 'dist');

interface Loaded {
  code: number;
  stderr: string;
  /** Files loaded as CommonJS: by node (the entry) or by bin/qlock.js (the bundle, its chunks). */
  cjs: string[];
  /** dist/ modules node loaded as ES modules. */
  esm: string[];
}

async function world() {
  const repo = makeRepo({
    files: { 'src/a.txt': 'a1\n', 'src/b.txt': 'b1\n', 'README.md': 'r\n' },
  });
  await init({ hooks: false }, testContext(repo.root));
  const fa = (await newSession({ name: 'fa' }, testContext(repo.root))).session.path;
  await newSession({ name: 'fb' }, testContext(repo.root));
  const stateDir = findProject(repo.root)!.stateDir;
  await acquireLocks(stateDir, {
    session: 'fb',
    paths: ['src/a.txt'],
    reason: '',
    now: new Date(),
  });
  return { fa, home: repo.parent };
}

async function preTool(
  w: { fa: string; home: string },
  tool: string,
  input: Record<string, unknown>,
): Promise<Loaded> {
  const payload = JSON.stringify({
    session_id: 's',
    cwd: w.fa,
    hook_event_name: 'PreToolUse',
    tool_name: tool,
    tool_input: input,
  });
  const r = await runQlock(['agent-hook', 'claude', 'pre-tool'], {
    cwd: w.home,
    input: payload,
    env: { NODE_DEBUG: 'module,esm', QLOCK_DEBUG: '1' },
  });
  const cjs = [
    ...[...r.stderr.matchAll(/^MODULE \d+: load "([^"]+)" for module/gm)].map((m) => m[1]!),
    ...[...r.stderr.matchAll(/^qlock:bin load (\S+) \(code cache/gm)].map((m) => m[1]!),
  ];
  const esm = [...r.stderr.matchAll(/^ESM \d+: Storing file:\/\/(\S+) /gm)]
    .map((m) => decodeURIComponent(m[1]!))
    .filter((f) => f.startsWith(DIST + path.sep));
  return { code: r.code, stderr: r.stderr, cjs, esm };
}

/** Whether a loaded file holds the shell command reader (bundled: rolldown's region comment). */
const holdsShellReader = (files: string[]) =>
  files.some(
    (f) =>
      f === path.join(DIST, 'agents/shellWrites.js') ||
      (f.endsWith('.cjs') && fs.readFileSync(f, 'utf8').includes('// dist/agents/shellWrites.js')),
  );

describe('the pre-write hook loads only what the call needs', () => {
  it('a file tool loads no shell reader; a shell tool loads it; no ES module of dist either way', async () => {
    const w = await world();

    // Bundled, fresh (what the agents run after `npm run build`).
    const free = await preTool(w, 'Edit', {
      file_path: path.join(w.fa, 'src/b.txt'),
      old_string: 'b1',
      new_string: 'B',
    });
    expect(free.code, free.stderr).toBe(0);
    expect(free.stderr).toContain('qlock:bin bundled fast path (agent-tool)');
    expect(holdsShellReader(free.cjs), free.cjs.join('\n')).toBe(false);
    expect(free.esm).toEqual([]);

    const locked = await preTool(w, 'Write', {
      file_path: path.join(w.fa, 'src/a.txt'),
      content: 'x',
    });
    expect(locked.code).toBe(2);
    expect(locked.stderr).toContain('src/a.txt is locked by session fb');
    expect(holdsShellReader(locked.cjs)).toBe(false);
    expect(locked.esm).toEqual([]);

    // A shell write of the locked file: read by the shell reader, refused.
    const sed = await preTool(w, 'Bash', { command: "sed -i 's/a1/A/' src/a.txt" });
    expect(sed.code).toBe(2);
    expect(sed.stderr).toContain('src/a.txt is locked by session fb');
    expect(holdsShellReader(sed.cjs)).toBe(true);
    expect(sed.esm).toEqual([]);

    // A write only the locks can name (find -exec): the deferred check, still no ES module.
    const find = await preTool(w, 'Bash', {
      command: "find src -name '*.txt' -exec sed -i s/a/b/ {} +",
    });
    expect(find.code).toBe(2);
    expect(find.stderr).toContain('src/a.txt is locked by session fb');
    expect(find.esm).toEqual([]);

    // A read-only command: the reader runs, nothing is refused.
    const read = await preTool(w, 'Bash', { command: 'cat src/a.txt' });
    expect(read.code).toBe(0);
    expect(holdsShellReader(read.cjs)).toBe(true);
    expect(read.esm).toEqual([]);
  });

  it('lock and unlock run from their bundle alone: no ES module of dist', async () => {
    const w = await world();
    for (const args of [
      ['lock', 'src/b.txt'],
      ['unlock', 'src/b.txt'],
    ]) {
      const r = await runQlock(args, {
        cwd: w.fa,
        env: { NODE_DEBUG: 'module,esm', QLOCK_DEBUG: '1' },
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('qlock:bin bundled fast path (lock)');
      const esm = [...r.stderr.matchAll(/^ESM \d+: Storing file:\/\/(\S+) /gm)]
        .map((m) => decodeURIComponent(m[1]!))
        .filter((f) => f.startsWith(DIST + path.sep));
      expect(esm, args.join(' ')).toEqual([]);
    }
  });
});
