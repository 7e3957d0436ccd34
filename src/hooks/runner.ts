import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { runnerPath } from '../project/hookPaths.js';
import { atomicWrite } from '../store/atomicWrite.js';
import { hookMessages } from '../ui/messages/hooks.js';
import { GIT_HOOKS, type HookSpec } from './hookTable.js';
import { BLOCK_EXIT, STAGED_END } from './hookTypes.js';

/**
 * The runner: hooks/run.sh (shipped in the package) rendered into `<state>/hooks/run.sh` with this
 * machine's node and bin/qlock.js, the failClosed setting, and the hook table's lists. It lives in
 * the git common dir, so it is per clone and never committed, unlike husky's hook files.
 */

/** A file of this package, from dist/hooks/ or src/hooks/ alike. */
export function packageFile(rel: string): string {
  return fileURLToPath(new URL(`../../${rel}`, import.meta.url));
}

export { hooksStateDir, runnerPath } from '../project/hookPaths.js';

export interface RunnerInfo {
  node: string;
  /** This package's bin/qlock.js (it runs the bundled fast path while that is fresh). */
  bin: string;
  failClosed: boolean;
}

function realOrAsIs(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file; // not installed in the usual layout: record the path as is
  }
}

/** The node and bin/qlock.js of the running qlock: what the runner records. */
export function currentRunnerTarget(): { node: string; bin: string } {
  return { node: process.execPath, bin: realOrAsIs(packageFile('bin/qlock.js')) };
}

/** A single-quoted shell word: safe for spaces, unicode, quotes and `$`. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function renderRunner(
  info: RunnerInfo,
  table: Readonly<Record<string, HookSpec>> = GIT_HOOKS,
): string {
  const names = (pick: (spec: HookSpec) => boolean) =>
    shellQuote(
      Object.entries(table)
        .filter(([, spec]) => pick(spec))
        .map(([name]) => name)
        .join(' '),
    );
  const values: Record<string, string> = {
    NODE: shellQuote(info.node),
    BIN: shellQuote(info.bin),
    FAIL_CLOSED: info.failClosed ? '1' : '0',
    BLOCK_EXIT: String(BLOCK_EXIT),
    MAY_BLOCK: names((s) => s.mayBlock),
    STDIN: names((s) => s.stdin),
    STAGED: names((s) => s.staged === true && !s.stdin),
    FAIL_OPEN: names((s) => s.failOpen === true),
    FILTER_BASE: names((s) => s.filter === 'base'),
    FILTER_WORKTREE_ADD: names((s) => s.filter === 'worktree-add'),
    STAGED_END: shellQuote(STAGED_END),
    MSG_MISSING: shellQuote(hookMessages.runnerMissing()),
    MSG_MISSING_BLOCK: shellQuote(hookMessages.runnerMissingBlock()),
    MSG_CRASH: shellQuote(hookMessages.runnerCrash()),
    MSG_CRASH_BLOCK: shellQuote(hookMessages.runnerCrashBlock()),
  };
  const template = fs.readFileSync(packageFile('hooks/run.sh'), 'utf8');
  return template.replace(/@([A-Z_]+)@/g, (whole, key: string) => values[key] ?? whole);
}

/** Writes the runner when its content changes; returns whether it did. */
export function writeRunner(
  stateDir: string,
  info: RunnerInfo,
  table: Readonly<Record<string, HookSpec>> = GIT_HOOKS,
): boolean {
  const file = runnerPath(stateDir);
  const content = renderRunner(info, table);
  let current: string | undefined;
  try {
    current = fs.readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === content) return false;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  atomicWrite(file, content);
  fs.chmodSync(file, 0o755);
  return true;
}

function unquote(word: string): string {
  if (!word.startsWith("'")) return word;
  return word.slice(1, -1).replace(/'\\''/g, "'");
}

/** What an installed runner records, or undefined when there is none. */
export function readRunner(stateDir: string): RunnerInfo | undefined {
  let text: string;
  try {
    text = fs.readFileSync(runnerPath(stateDir), 'utf8');
  } catch {
    return undefined;
  }
  const value = (name: string) => {
    const match = new RegExp(`^qlock_${name}=(.*)$`, 'm').exec(text);
    return match ? unquote(match[1]!) : undefined;
  };
  const node = value('node');
  const bin = value('bin');
  if (node === undefined || bin === undefined) return undefined;
  return { node, bin, failClosed: value('fail_closed') === '1' };
}
