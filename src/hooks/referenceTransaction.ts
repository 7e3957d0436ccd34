import fs from 'node:fs';
import path from 'node:path';

import {
  changedBetween,
  commitsBetween,
  listWorktrees,
  parentsOf,
  resolveCommit,
} from '../git/repo.js';
import { findBlockingLocks } from '../locks/lockTable.js';
import { baseBranches, renderBaseRefs } from '../project/baseRefs.js';
import { sessionForPath } from '../sessions/resolveSession.js';
import { hookMessages } from '../ui/messages/hooks.js';
import type { HookInput, HookOutcome } from './hookTypes.js';
import { lockedPaths } from './lockedPaths.js';

/**
 * reference-transaction `<state>` with `<old> <new> <ref>` lines on stdin (git >= 2.28): the one
 * hook git runs wherever base moves, including the moves no other hook can refuse (a fast-forward
 * `git merge`/`pull`, `cherry-pick`, `rebase`, `reset`, `am`, `update-ref`). In the `prepared`
 * state a move of base that brings a path locked by a session other than the one whose work it is
 * is refused (or warned about) per `onLocked`. The block in the hook file already dropped every
 * other state and every transaction that does not touch a base ref before node started (it runs
 * for every ref update, a fetch of 300 refs included).
 *
 * Not judged here, to say things once:
 * - `git commit` on base (pre-commit judged the staged paths, or --no-verify skipped it on purpose);
 * - a merge commit made by `git merge`/`pull` (pre-merge-commit judged it).
 * The other states (`committed`, `aborted`) never reach node and never fail.
 */

const ZERO = /^0+$/;

export interface RefUpdate {
  old: string;
  new: string;
  ref: string;
}

export function parseRefUpdates(stdin: string): RefUpdate[] {
  const out: RefUpdate[] = [];
  for (const line of stdin.split('\n')) {
    const [old, next, ref] = line.trim().split(/\s+/);
    if (old && next && ref) out.push({ old, new: next, ref });
  }
  return out;
}

/**
 * The git subcommand that runs this hook (`merge`, `commit`, `reset`, ...), from the command line
 * of the git process whose pid the hook block passes in QLOCK_GIT_PID (Linux /proc); undefined
 * where that cannot be read, and then every move is judged.
 */
export function gitSubcommand(pid: string | undefined): string | undefined {
  if (!pid || !/^\d+$/.test(pid)) return undefined;
  let argv: string[];
  try {
    argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return undefined;
  }
  const [exe, ...rest] = argv;
  const dashed = /(?:^|\/)git-([a-z-]+)$/.exec(exe ?? '');
  if (dashed) return dashed[1];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '-c' || arg === '-C' || arg === '--git-dir' || arg === '--work-tree') i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** How to put the files back after the refusal (git may have changed them already). */
function undoHint(command: string | undefined, update: RefUpdate): string {
  switch (command) {
    case 'cherry-pick':
    case 'revert':
    case 'rebase':
    case 'am':
      return `git ${command} --abort`;
    case 'merge':
    case 'pull':
    case 'reset':
      return `git read-tree -m -u ${update.new} HEAD`;
    default:
      return '';
  }
}

export async function checkRefUpdate(
  { ws, registry, ctx, now }: HookInput,
  stdin: string,
): Promise<HookOutcome> {
  const outcome: HookOutcome = { block: false, lines: [] };
  const { project, config } = ws;
  if (config.onLocked === 'off' || !registry.locks.length) return outcome;
  const bases = new Set(
    renderBaseRefs(await baseBranches(ws, registry))
      .trim()
      .split('\n'),
  );
  const cwd = project.worktreeRoot;
  const updates: RefUpdate[] = [];
  for (const u of parseRefUpdates(stdin)) {
    if (!bases.has(u.ref) || ZERO.test(u.new)) continue;
    // An update that does not check the old value (`git update-ref <ref> <new>`, reset) comes with
    // an all-zero old: the ref still has its old value in `prepared`.
    const old = ZERO.test(u.old) ? await resolveCommit(cwd, u.ref) : u.old;
    if (old && old !== u.new) updates.push({ ...u, old });
  }
  if (!updates.length) return outcome;
  const command = gitSubcommand(ctx.env.QLOCK_GIT_PID);
  if (command === 'commit') return outcome;

  for (const update of updates) {
    if (command === 'merge' || command === 'pull') {
      const [first, ...others] = await parentsOf(cwd, update.new);
      if (first === update.old && others.length) continue; // a merge commit: pre-merge-commit's
    }
    const changed = await changedBetween(cwd, update.old, update.new);
    if (!changed.length) continue;

    // Whose work it is: the sessions whose HEAD the move brings in, and the one making it.
    const brought = new Set(await commitsBetween(cwd, update.old, update.new));
    const owners = new Set<string>();
    for (const w of await listWorktrees(project.root)) {
      if (!w.head || !brought.has(w.head)) continue;
      const session = sessionForPath(registry, w.path);
      if (session && path.resolve(session.path) === path.resolve(w.path)) owners.add(session.name);
    }
    const current = sessionForPath(registry, cwd)?.name;
    if (current) owners.add(current);

    const locks = findBlockingLocks(registry, changed, undefined, now).filter(
      (l) => !owners.has(l.session),
    );
    const locked = await lockedPaths(locks, changed, now);
    if (!locked.length) continue;
    const base = update.ref.replace(/^refs\/heads\//, '');
    if (config.onLocked === 'block') {
      outcome.block = true;
      outcome.lines.push(
        hookMessages.refUpdateBlocked(base, command, locked, undoHint(command, update)),
      );
      return outcome;
    }
    outcome.lines.push(hookMessages.lockedWarn(locked));
  }
  return outcome;
}

export async function handle(input: HookInput & { stdin?: string }): Promise<HookOutcome> {
  if (input.args[0] !== 'prepared') return { block: false, lines: [] };
  return checkRefUpdate(input, input.stdin ?? (await readStdin()));
}
