import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vitest/config';

// Layers (STYLE.md §14): unit (pure code), integration (real git in temp dirs, in-process),
// e2e (the built CLI as a child process, real git hooks), and slow: what takes minutes or
// loads the machine on purpose (real agent CLIs, races between processes, crash recovery, live
// watchers). `npm test` builds and runs them all; `npm run test:fast` runs unit and integration,
// and `mocking`: the unit and integration files that mock modules, kept a process per file.
/**
 * Test files run at once, per project. vitest's own default is one less than the cores: a single
 * worker on the 2-core machine, which then sat half idle while the tests waited on their git
 * processes. 1.5 per core (3 here; bench/RESULTS.md, "Test loop"); QLOCK_TEST_WORKERS overrides it. The slow group keeps one: its races, crashes and watchers load the machine on
 * purpose, so it runs alone after the others (a project with one worker runs last in vitest 4).
 */
const WORKERS =
  Number(process.env.QLOCK_TEST_WORKERS) ||
  Math.max(2, Math.round(os.availableParallelism() * 1.5));

const shared = {
  setupFiles: ['test/helpers/setupEnv.ts'],
  env: { NO_COLOR: '1' },
  pool: 'forks' as const, // process.chdir and child processes need forks, not threads
  maxWorkers: WORKERS,
};

/**
 * One process per worker, not per test file (unit and integration): a fork and its imports cost
 * more CPU than most of these files' tests (bench/RESULTS.md, "Test loop, stop 18"). vitest still
 * re-runs the setup file (a fresh home, git config, environment) per test file and restores mocks
 * and spies after each; module state of src/ lives on, keyed by the temp paths every test makes
 * afresh. The files restore what process state they change (environment variables, timers, PATH);
 * none changes the cwd. e2e and slow keep a process per file (not examined for shared state).
 */
const NOT_ISOLATED = { isolate: false };

/**
 * Files that replace modules (vi.mock, vi.doMock, vi.resetModules) keep a process per file, in a
 * project of their own that test:fast runs too: doctorFindings failed once in six runs without it
 * (its inotify mock not seen; cause not pinned down). Found by reading the files, so that a new
 * file that mocks a module lands here by itself.
 */
function filesThatMock(dirs: readonly string[]): string[] {
  const root = path.dirname(fileURLToPath(import.meta.url));
  const found: string[] = [];
  for (const dir of dirs)
    for (const name of fs.readdirSync(path.join(root, dir), {
      recursive: true,
      encoding: 'utf8',
    })) {
      if (!name.endsWith('.test.ts')) continue;
      const file = `${dir}/${name.split(path.sep).join('/')}`;
      if (
        /\bvi\.(?:mock|doMock|resetModules)\(/.test(fs.readFileSync(path.join(root, file), 'utf8'))
      )
        found.push(file);
    }
  return found.sort();
}
const MOCKING = filesThatMock(['test/unit', 'test/integration']);

/** The slow group: by file, so that a new race or watcher test lands there by its name. */
const SLOW = [
  'test/e2e/realAgents/**/*.test.ts', // real Claude Code, Gemini CLI, Codex CLI (minutes)
  'test/e2e/**/*{Race,race,Concurrency,concurrency}*.test.ts', // processes racing for locks
  'test/integration/**/*{Race,race}*.test.ts', // in-process races, repeated until they show
  'test/e2e/**/*{Crash,crash}*.test.ts', // killed writers, stale mutexes
  'test/e2e/watch*.test.ts', // `qlock watch` as a process: waits on live events
  'test/integration/watch*.test.ts', // in-process watchers on real trees
];

export default defineConfig({
  test: {
    clearMocks: true,
    restoreMocks: true,
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          exclude: MOCKING,
          testTimeout: 10_000,
          ...NOT_ISOLATED,
        },
      },
      {
        test: { ...shared, name: 'mocking', include: MOCKING, exclude: SLOW, testTimeout: 60_000 },
      },
      {
        test: {
          ...shared,
          ...NOT_ISOLATED,
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: [...SLOW, ...MOCKING],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          ...shared,
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          exclude: SLOW,
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          ...shared,
          name: 'slow',
          include: SLOW,
          maxWorkers: 1,
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
