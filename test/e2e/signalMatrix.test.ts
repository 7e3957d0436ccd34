import fs from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { gitSyncIn, makeRepo, type Repo, runQlock } from '../helpers/repo.js';
import { type GitRun, gitRun } from './gitHooksHelpers.js';

/**
 * The signal matrix of issue 21 for git workflows: each row is a workflow run for real (git with
 * qlock's installed hooks, the built CLI) twice, once where a signal must come (a path locked by
 * another session, base moving under a lock) and once where nothing happened (an unlocked path),
 * and asserts both directions: the block/notice where it must be, no qlock block or warning where
 * it must not. One repository is shared by the rows (each row starts from the same base commit
 * and its own branch), so the matrix stays fast. The hook managers' rows are in
 * signalMatrixManagers.test.ts.
 *
 * Rows git gives no hook for at all (`git reset`, `git update-ref`, `git cherry-pick` and a
 * fast-forward `git merge`/`pull`/`rebase` of base have no pre-* hook) are refused through the
 * reference-transaction hook; see README "Git hooks".
 */

const LOCKED = 'src/locked.txt';
const FREE = 'src/free.txt';
const BLOCKED = /qlock: .*(blocked|would move)/;
const ANY_WARNING = /qlock: (warning|.*blocked|.*would move)/;

interface World {
  repo: Repo;
  alpha: string;
  beta: string;
  base0: string;
}

let w: World;

async function qlockOk(args: string[], cwd: string): Promise<string> {
  const r = await runQlock(args, { cwd });
  expect(r.code, `qlock ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

const noHooks = { ...process.env, QLOCK: '0' };

/** Base back where every row starts (QLOCK=0: moving base is what the rows test). */
function resetBase(): void {
  gitSyncIn(w.repo.root, ['reset', '-q', '--hard', w.base0], noHooks);
  gitSyncIn(w.repo.root, ['clean', '-qfd'], noHooks);
}

/** A branch `name` from base with one commit changing `file`, made in alpha (its work). */
function alphaBranch(name: string, file: string): string {
  gitSyncIn(w.alpha, ['checkout', '-q', '-B', name, w.base0], noHooks);
  fs.appendFileSync(path.join(w.alpha, file), `${name}\n`);
  gitSyncIn(w.alpha, ['commit', '-q', '--no-verify', '-am', name], noHooks);
  return gitSyncIn(w.alpha, ['rev-parse', 'HEAD']);
}

/** `git format-patch` of commit `tip`, written to a file outside the worktrees. */
function patchOf(tip: string): string {
  const file = path.join(w.repo.parent, `${tip.slice(0, 12)}.patch`);
  fs.writeFileSync(file, gitSyncIn(w.alpha, ['format-patch', '-1', '--stdout', tip]) + '\n');
  return file;
}

/** Where base is (not HEAD: a refused rebase leaves HEAD detached). */
function baseHead(): string {
  return gitSyncIn(w.repo.root, ['rev-parse', 'refs/heads/main']);
}

function expectBlocked(r: GitRun, before: string): void {
  expect(r.code, r.stderr).not.toBe(0);
  expect(r.stderr).toMatch(BLOCKED);
  expect(r.stderr).toContain(`${LOCKED}: locked by beta`);
  expect(baseHead()).toBe(before);
}

function expectSilent(r: GitRun): void {
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).not.toMatch(ANY_WARNING);
  expect(r.stderr).not.toContain('locked by');
}

beforeAll(async () => {
  const repo = makeRepo({
    files: { [LOCKED]: 'l\n', [FREE]: 'f\n', 'README.md': 'r\n' },
    cleanup: afterAll,
  });
  await qlockOk(['init'], repo.root);
  const alpha = JSON.parse(await qlockOk(['new', 'alpha', '--json'], repo.root)).session
    .path as string;
  const beta = JSON.parse(await qlockOk(['new', 'beta', '--json'], repo.root)).session
    .path as string;
  await qlockOk(['lock', LOCKED, '--reason', 'matrix'], beta);
  w = { repo, alpha, beta, base0: repo.git(['rev-parse', 'HEAD']) };
}, 120_000);

describe('signal matrix: commits in a session (pre-commit)', () => {
  it.each([
    ['commit -a', (f: string) => ['commit', '-qam', `a ${f}`]],
    ['commit <path>', (f: string) => ['commit', '-qm', `p ${f}`, '--', f]],
  ])('%s: blocks a locked path, silent on a free one', async (_row, args) => {
    for (const [file, blocked] of [
      [LOCKED, true],
      [FREE, false],
    ] as const) {
      gitSyncIn(w.alpha, ['checkout', '-q', '-B', 'commits', w.base0], noHooks);
      fs.appendFileSync(path.join(w.alpha, file), 'edit\n');
      const before = gitSyncIn(w.alpha, ['rev-parse', 'HEAD']);
      const r = await gitRun(w.alpha, args(file));
      if (blocked) {
        expect(r.code).toBe(1);
        expect(r.stderr).toContain('qlock: commit blocked');
        expect(gitSyncIn(w.alpha, ['rev-parse', 'HEAD'])).toBe(before);
        gitSyncIn(w.alpha, ['checkout', '-q', '--', file]);
      } else expectSilent(r);
    }
  });

  it('commit --amend: blocks adding a locked path, silent when only the message changes', async () => {
    alphaBranch('amend', FREE);
    const msg = await gitRun(w.alpha, ['commit', '-q', '--amend', '-m', 'reworded']);
    expectSilent(msg);
    fs.appendFileSync(path.join(w.alpha, LOCKED), 'amend\n');
    const before = gitSyncIn(w.alpha, ['rev-parse', 'HEAD']);
    const r = await gitRun(w.alpha, ['commit', '-q', '--amend', '-am', 'amended']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${LOCKED}: locked by beta`);
    expect(gitSyncIn(w.alpha, ['rev-parse', 'HEAD'])).toBe(before);
    gitSyncIn(w.alpha, ['checkout', '-q', '--', LOCKED]);
  });
});

describe('signal matrix: git am into a session (pre-applypatch)', () => {
  it('am of a patch changing a locked path: blocked; of a free path: silent', async () => {
    for (const [file, blocked] of [
      [LOCKED, true],
      [FREE, false],
    ] as const) {
      const tip = alphaBranch(`am-src-${blocked ? 'l' : 'f'}`, file);
      const patch = patchOf(tip);
      gitSyncIn(w.alpha, ['checkout', '-q', '-B', 'am-into', w.base0], noHooks);
      const r = await gitRun(w.alpha, ['am', '-q', patch]);
      if (blocked) {
        expect(r.code, r.stderr).not.toBe(0);
        expect(r.stderr).toContain(`${LOCKED}: locked by beta`);
        expect(gitSyncIn(w.alpha, ['rev-parse', 'HEAD'])).toBe(w.base0);
        gitSyncIn(w.alpha, ['am', '--abort'], noHooks);
      } else {
        expectSilent(r);
        expect(gitSyncIn(w.alpha, ['rev-parse', 'HEAD'])).not.toBe(w.base0);
      }
    }
  });
});

describe('signal matrix: base moving (merge, pull, rebase, cherry-pick, reset)', () => {
  const rows: [string, (tip: string, branch: string) => string[], string?][] = [
    ['merge (fast-forward)', (_t, b) => ['merge', '-q', b]],
    ['merge --ff-only', (_t, b) => ['merge', '-q', '--ff-only', b]],
    ['merge --no-ff', (_t, b) => ['merge', '-q', '--no-ff', '-m', 'm', b], 'merge --abort'],
    ['pull (fast-forward)', (_t, b) => ['pull', '-q', '--ff-only', '.', b]],
    ['rebase (base onto the branch)', (_t, b) => ['rebase', '-q', b], 'rebase --abort'],
    ['cherry-pick', (t) => ['cherry-pick', t], 'cherry-pick --abort'],
    ['reset --hard', (t) => ['reset', '-q', '--hard', t]],
    ['update-ref', (t) => ['update-ref', 'refs/heads/main', t]],
    ['am (a patch of the branch onto base)', (t) => ['am', '-q', patchOf(t)], 'am --abort'],
  ];
  it.each(rows)('%s: refused over a locked path, silent otherwise', async (row, args, abort) => {
    resetBase();
    const slug = row.replace(/[^a-z]+/g, '-');
    const lockedTip = alphaBranch(`${slug}-l`, LOCKED);
    const r = await gitRun(w.repo.root, args(lockedTip, `${slug}-l`));
    if (abort) gitSyncIn(w.repo.root, abort.split(' '), noHooks);
    expectBlocked(r, w.base0);
    resetBase();

    const freeTip = alphaBranch(`${slug}-f`, FREE);
    const ok = await gitRun(w.repo.root, args(freeTip, `${slug}-f`));
    expectSilent(ok);
    expect(baseHead()).not.toBe(w.base0);
    resetBase();
  });

  it('merge --squash then commit: pre-commit blocks the locked path', async () => {
    resetBase();
    alphaBranch('squash-l', LOCKED);
    gitSyncIn(w.repo.root, ['merge', '-q', '--squash', 'squash-l'], noHooks);
    const r = await gitRun(w.repo.root, ['commit', '-qm', 'squash']);
    expectBlocked(r, w.base0);
    resetBase();
  });

  // After `merge --squash` git leaves no MERGE_HEAD: pre-commit reads SQUASH_MSG's commits to
  // tell that the staged change is alpha's own work (it warned "alpha is also changing" before).
  it('merge --squash then commit: silent on a free path', async () => {
    resetBase();
    alphaBranch('squash-f', FREE);
    gitSyncIn(w.repo.root, ['merge', '-q', '--squash', 'squash-f'], noHooks);
    expectSilent(await gitRun(w.repo.root, ['commit', '-qm', 'squash']));
    resetBase();
  });

  // The session went on working after the commits that are squashed (its HEAD is past them): the
  // squash is still its own work, not another session's change to warn about.
  it('merge --squash then commit: silent when the session has moved past the squashed commits', async () => {
    resetBase();
    const squashed = alphaBranch('squash-p', FREE);
    gitSyncIn(w.repo.root, ['merge', '-q', '--squash', squashed], noHooks);
    fs.appendFileSync(path.join(w.alpha, FREE), 'after the squash\n');
    gitSyncIn(w.alpha, ['commit', '-q', '--no-verify', '-am', 'later'], noHooks);
    expectSilent(await gitRun(w.repo.root, ['commit', '-qm', 'squash']));
    resetBase();
  });

  it('merge --squash then commit: still warns about a session whose work is not squashed', async () => {
    resetBase();
    alphaBranch('squash-o', FREE);
    // beta changes the same file, uncommitted: squashing alpha's work touches beta's.
    fs.appendFileSync(path.join(w.beta, FREE), 'beta\n');
    gitSyncIn(w.repo.root, ['merge', '-q', '--squash', 'squash-o'], noHooks);
    const r = await gitRun(w.repo.root, ['commit', '-qm', 'squash']);
    gitSyncIn(w.beta, ['checkout', '-q', '--', FREE]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`session beta is also changing ${FREE}`);
    expect(r.stderr).not.toContain('session alpha');
    resetBase();
  });

  it('base moved anyway (QLOCK=0): the holder hears its locked file changed; a free move says none of its files', async () => {
    resetBase();
    await qlockOk(['inbox'], w.beta); // read what the rows above left
    alphaBranch('anyway-f', FREE);
    gitSyncIn(w.repo.root, ['merge', '-q', 'anyway-f'], noHooks);
    await qlockOk(['status'], w.repo.root); // main-moved is checked here (no hook ran)
    const free = JSON.parse(await qlockOk(['inbox', '--json'], w.beta)).events as {
      kind: string;
      message: string;
    }[];
    expect(free.filter((e) => e.kind === 'main-moved').map((e) => e.message)).toEqual([
      expect.stringContaining('none of your files changed'),
    ]);

    alphaBranch('anyway-l', LOCKED);
    gitSyncIn(w.repo.root, ['reset', '-q', '--hard', 'anyway-l'], noHooks);
    await qlockOk(['status'], w.repo.root);
    const locked = JSON.parse(await qlockOk(['inbox', '--json'], w.beta)).events as {
      kind: string;
      message: string;
    }[];
    const moved = locked.filter((e) => e.kind === 'main-moved');
    expect(moved).toHaveLength(1);
    expect(moved[0]!.message).toContain(`your locked file ${LOCKED} changed`);
    resetBase();
    await qlockOk(['status'], w.repo.root);
    await qlockOk(['inbox'], w.beta);
  });
});

describe('signal matrix: worktrees and sync', () => {
  it('git worktree add: auto-joined (a notice); a plain checkout says nothing', async () => {
    const dir = path.join(w.repo.parent, 'added');
    const add = await gitRun(w.repo.root, ['worktree', 'add', '-q', '-b', 'added', dir, 'main']);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stderr).toContain('as session "added"');
    const checkout = await gitRun(dir, ['checkout', '-q', '-b', 'other']);
    expectSilent(checkout);
    expect(checkout.stderr).toBe('');
    await qlockOk(['rm', 'added', '--force'], w.repo.root);
  });

  it.each([['--rebase'], ['--merge']])(
    'qlock sync %s: brings base in, tells no other session anything',
    async (mode) => {
      resetBase();
      gitSyncIn(w.alpha, ['checkout', '-q', '-B', `sync${mode}`, w.base0], noHooks);
      fs.appendFileSync(path.join(w.alpha, 'README.md'), 'alpha\n');
      gitSyncIn(w.alpha, ['commit', '-q', '--no-verify', '-am', 'alpha work'], noHooks);
      gitSyncIn(w.repo.root, ['commit', '-q', '--allow-empty', '-m', 'base moves'], noHooks);
      await qlockOk(['status'], w.repo.root);
      await qlockOk(['inbox'], w.beta);
      const sync = await runQlock(['sync', mode], { cwd: w.alpha });
      expect(sync.code, sync.stderr).toBe(0);
      expect(gitSyncIn(w.alpha, ['merge-base', '--is-ancestor', baseHead(), 'HEAD'], noHooks)).toBe(
        '',
      );
      const after = JSON.parse(await qlockOk(['inbox', '--json', '--peek'], w.beta)).events;
      expect(after).toEqual([]);
      resetBase();
      await qlockOk(['status'], w.repo.root);
      await qlockOk(['inbox'], w.beta);
    },
  );
});
