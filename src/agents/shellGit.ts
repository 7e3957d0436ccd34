import fs from 'node:fs';
import path from 'node:path';

import { shellGuardMessages as messages } from '../ui/messages/shellGuard.js';
import { diffPaths } from './patchPaths.js';
import type { CommandContext, Found } from './shellOperands.js';
import { operands } from './shellOperands.js';
import type { Word } from './shellTokens.js';

/**
 * The worktree files a git command writes:
 * - `git checkout [<tree-ish>] -- <path>…` / `git checkout <path>` and `git restore <path>…`
 *   (not `--staged` alone): those paths; a directory operand (`.`) means every file under it;
 * - `git checkout <branch>` / `git switch <branch>`: the files that differ from HEAD there;
 * - `git apply <patch>…` (not --cached/--check/--stat): the patch's headers, read from the file
 *   or the here-document; a patch qlock cannot read may touch any file;
 * - `git stash [push]` / `git stash pop|apply [<stash>]`: the files it reverts or restores;
 * - `git reset --hard|--merge|--keep [<commit>]`: every file whose content differs from the
 *   commit (`git diff --name-only <commit>`): a locked file that is not modified is not touched;
 * - `git mv`, `git rm` (not --cached).
 * Reading commands (diff, log, show, blame, status, grep…) write nothing.
 */

/** The top of the worktree containing `dir` (where git apply's paths start). */
function worktreeTop(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return dir;
  }
}

const listZ = (...args: string[]) => ['-c', 'core.quotePath=false', ...args, '-z'];

export function gitWrites(all: Word[], ctx: CommandContext): Found {
  const found: Found = { words: [], paths: [], deferred: [], scripts: [] };
  let k = 0;
  let dir = ctx.dir;
  // Global options: -C <dir> moves the command; the others take a value or none.
  while (k < all.length && all[k]!.text.startsWith('-')) {
    const t = all[k]!.text;
    if (t === '-C' && all[k + 1]) dir = path.resolve(dir, all[k + 1]!.text);
    k += ['-C', '-c', '--git-dir', '--work-tree', '--namespace'].includes(t) ? 2 : 1;
  }
  const sub = all[k]?.text;
  const args = all.slice(k + 1);
  const inDir = { ...ctx, dir };
  const dirWords = (words: Word[]) =>
    words.map((w) =>
      dir === ctx.dir || path.isAbsolute(w.text)
        ? w
        : { ...w, text: path.join(dir, w.text), pattern: `${dir}/${w.pattern}` },
    );
  const listed = (command: string, args: string[], exact = true) =>
    found.deferred.push({
      kind: 'git',
      dir,
      args,
      why: messages.shellUnsureGitState(command),
      exact,
    });
  /**
   * The listing for a revision the command names, unless that word starts with `-` (an operand
   * after `--` may): in qlock's own `git diff`/`stash show` it would be an option (`--output=<file>`
   * writes a file), so it is never passed on; such a command may touch any file of the worktree.
   */
  const listedAt = (command: string, revision: string, args: (rev: string) => string[]) => {
    if (revision.startsWith('-'))
      found.deferred.push({
        kind: 'under',
        dir: worktreeTop(dir),
        why: messages.shellUnsureGitRevision(command, revision),
      });
    else listed(command, args(revision));
  };
  switch (sub) {
    case 'checkout':
    case 'restore':
    case 'switch': {
      const { ops, opts } = operands(
        args,
        new Set(['-b', '-B', '--orphan', '-s', '--source', '-c', '-C', '--conflict']),
      );
      if (sub === 'restore' && (opts.has('--staged') || opts.has('-S'))) {
        if (!opts.has('--worktree') && !opts.has('-W')) return found;
      }
      const dash = args.findIndex((w) => w.text === '--');
      if (sub === 'restore' || dash >= 0) {
        const paths = sub === 'restore' ? ops : args.slice(dash + 1);
        found.words = dirWords(paths);
        return found;
      }
      // `git checkout <path>` when the operand is a file or directory, else a branch switch.
      const onDisk = ops.filter((w) => {
        const v = inDir.values(w);
        return v?.some((x) => fs.existsSync(path.resolve(dir, x)));
      });
      if (onDisk.length && sub === 'checkout') {
        found.words = dirWords(onDisk);
        return found;
      }
      const start = opts.get('-b') ?? opts.get('-B') ?? opts.get('-c') ?? opts.get('-C');
      const target = start !== undefined ? ops[0]?.text : ops[0]?.text;
      if (target && !target.startsWith('-'))
        listed(`git ${sub} ${target}`, listZ('diff', '--name-only', 'HEAD', target));
      return found;
    }
    case 'apply': {
      const { ops, opts } = operands(
        args,
        new Set(['-p', '--directory', '--exclude', '--include', '-C', '--whitespace']),
      );
      const readOnly = ['--check', '--stat', '--numstat', '--summary'].some((o) => opts.has(o));
      if ((opts.has('--cached') && !opts.has('--index')) || (readOnly && !opts.has('--apply')))
        return found;
      const strip = Number(opts.get('-p') ?? 1);
      const top = worktreeTop(dir);
      const texts = ops.length
        ? ops.map((w) => ctx.readFile(path.resolve(dir, w.text)))
        : [ctx.stdin ?? (ctx.inputFile ? ctx.readFile(ctx.inputFile) : undefined)];
      for (const text of texts) {
        if (text === undefined) {
          found.deferred.push({ kind: 'under', dir: top, why: messages.shellUnsureGitApply() });
          continue;
        }
        found.paths.push(...diffPaths(text, strip).map((p) => path.resolve(top, p)));
      }
      return found;
    }
    case 'stash': {
      const action = args[0]?.text;
      if (action === 'pop' || action === 'apply') {
        const ref = operands(args.slice(1)).ops[0]?.text ?? 'stash@{0}';
        listedAt(`git stash ${action}`, ref, (r) => listZ('stash', 'show', '--name-only', r));
      } else if (!action || action === 'push' || action === 'save' || action.startsWith('-'))
        listed('git stash', listZ('diff', '--name-only', 'HEAD'));
      return found;
    }
    case 'reset': {
      const { ops, opts } = operands(args);
      if (!['--hard', '--merge', '--keep'].some((o) => opts.has(o))) return found;
      const commit = ops[0]?.text ?? 'HEAD';
      listedAt(`git reset --hard`, commit, (c) => listZ('diff', '--name-only', c));
      return found;
    }
    case 'mv':
      found.words = dirWords(operands(args).ops);
      return found;
    case 'rm': {
      const { ops, opts } = operands(args);
      if (!opts.has('--cached')) found.words = dirWords(ops);
      return found;
    }
    default:
      return found;
  }
}
