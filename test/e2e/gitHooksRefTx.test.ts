import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { renderRunner, runnerPath } from '../../src/hooks/runner.js';
import { gitSyncIn, makeRepo, type Repo, runQlock, tempDir } from '../helpers/repo.js';
import { gitRun } from './gitHooksHelpers.js';

/**
 * The reference-transaction hook (issue 21, point 1): base moving without a commit hook (a
 * fast-forward merge, reset, cherry-pick, update-ref, ...) is refused when it brings a path locked
 * by a session other than the one whose work it is; it is silent everywhere else (its own
 * session's lock, unlocked paths, other refs, commits that pre-commit judged, fetches); it never
 * fails in `committed`/`aborted` nor on qlock's own crash; and where base moves anyway, the lock
 * holder hears that its locked file changed.
 */

async function qlockOk(args: string[], cwd: string): Promise<string> {
  const r = await runQlock(args, { cwd });
  expect(r.code, `qlock ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

interface World {
  repo: Repo;
  alpha: string;
  beta: string;
}

async function world(): Promise<World> {
  const repo = makeRepo({
    files: { 'src/a.txt': 'a\n', 'src/other.txt': 'o\n', 'README.md': 'r\n' },
  });
  await qlockOk(['init'], repo.root);
  const alpha = JSON.parse(await qlockOk(['new', 'alpha', '--json'], repo.root)).session
    .path as string;
  const beta = JSON.parse(await qlockOk(['new', 'beta', '--json'], repo.root)).session
    .path as string;
  return { repo, alpha, beta };
}

function head(repo: Repo, cwd = repo.root): string {
  return repo.git(['rev-parse', 'HEAD'], cwd);
}

beforeAll(() => {
  expect(
    fs.existsSync(path.join(import.meta.dirname, '../../dist/hooks/referenceTransaction.js')),
  ).toBe(true);
});

describe('reference-transaction: base moving without a commit hook', () => {
  it('refuses a fast-forward merge over another session’s lock, and says nothing when there is none', async () => {
    const { repo, alpha, beta } = await world();
    await qlockOk(['lock', 'src/other.txt', '--reason', 'beta owns it'], beta);
    fs.appendFileSync(path.join(alpha, 'src/other.txt'), 'alpha\n');
    repo.git(['commit', '-q', '--no-verify', '-am', 'alpha changes other'], alpha);
    const alphaTip = head(repo, alpha);
    const main = head(repo);

    const merge = await gitRun(repo.root, ['merge', 'qlock/alpha']);
    expect(merge.code).not.toBe(0);
    expect(merge.stderr).toContain(
      'qlock: git merge would move main over 1 path(s) locked by another session; main stays where it was:',
    );
    expect(merge.stderr).toContain('src/other.txt: locked by beta (reason: beta owns it');
    expect(merge.stderr).toContain('`QLOCK=0 git merge …`');
    expect(head(repo)).toBe(main);
    // The hint puts the files back (git had already checked the merged tree out).
    const undo = `git read-tree -m -u ${alphaTip} HEAD`;
    expect(merge.stderr).toContain(undo);
    repo.git(undo.split(' ').slice(1));
    expect(repo.git(['status', '--porcelain'])).toBe('');

    // --ff-only, update-ref and reset are refused the same way.
    const ffOnly = await gitRun(repo.root, ['merge', '--ff-only', 'qlock/alpha']);
    expect(ffOnly.code).not.toBe(0);
    expect(ffOnly.stderr).toContain('src/other.txt: locked by beta');
    repo.git(undo.split(' ').slice(1));
    const updateRef = await gitRun(repo.root, ['update-ref', 'refs/heads/main', alphaTip]);
    expect(updateRef.code).not.toBe(0);
    expect(updateRef.stderr).toContain('qlock: git update-ref would move main');
    const reset = await gitRun(repo.root, ['reset', '--hard', alphaTip]);
    expect(reset.code).not.toBe(0);
    expect(reset.stderr).toContain('qlock: git reset would move main');
    repo.git(['reset', '-q', '--hard']);
    const pick = await gitRun(repo.root, ['cherry-pick', alphaTip]);
    expect(pick.code).not.toBe(0);
    expect(pick.stderr).toContain('qlock: git cherry-pick would move main');
    expect(pick.stderr).toContain('`git cherry-pick --abort` puts them back');
    repo.git(['cherry-pick', '--abort']);
    expect(head(repo)).toBe(main);
    expect(repo.git(['status', '--porcelain'])).toBe('');

    // With QLOCK=0 base moves anyway: no qlock line, and beta hears its locked file changed.
    const anyway = await gitRun(repo.root, ['merge', '-q', 'qlock/alpha'], { QLOCK: '0' });
    expect(anyway.code, anyway.stderr).toBe(0);
    expect(anyway.stderr).toBe('');
    const events = JSON.parse(await qlockOk(['inbox', '--json'], beta)).events as {
      kind: string;
      message: string;
      paths: string[];
    }[];
    const moved = events.filter((e) => e.kind === 'main-moved');
    expect(moved).toHaveLength(1);
    expect(moved[0]!.message).toContain(
      'main moved (1 commit): your locked file src/other.txt changed',
    );
    expect(moved[0]!.message).not.toContain('none of your files changed');
    expect(moved[0]!.paths[0]).toBe('src/other.txt');
    gitSyncIn(repo.root, ['reset', '-q', '--hard', main], { ...process.env, QLOCK: '0' });

    // Silence: the same merge when the lock is alpha's own (its own work coming in).
    await qlockOk(['unlock', 'src/other.txt'], beta);
    await qlockOk(['lock', 'src/other.txt'], alpha);
    const own = await gitRun(repo.root, ['merge', '-q', 'qlock/alpha']);
    expect(own.code, own.stderr).toBe(0);
    expect(own.stderr).not.toContain('qlock:');
    expect(head(repo)).toBe(alphaTip);

    // Silence: unlocked paths, other refs (a branch, a fetch of many refs), reset of base.
    // Moving base back over alpha's lock is a move like any other: QLOCK=0 here.
    gitSyncIn(repo.root, ['reset', '-q', '--hard', main], { ...process.env, QLOCK: '0' });
    const branch = await gitRun(repo.root, ['branch', 'side', alphaTip]);
    expect(branch.code).toBe(0);
    expect(branch.stderr).toBe('');
    const remote = path.join(tempDir('qlock-remote'), 'remote.git');
    repo.git(['clone', '-q', '--bare', repo.root, remote]);
    const refs = Array.from({ length: 20 }, (_, i) => `create refs/heads/r${i} ${alphaTip}`);
    const made = spawnSync('git', ['update-ref', '--stdin'], {
      cwd: remote,
      input: refs.join('\n') + '\n',
    });
    expect(made.status).toBe(0);
    const fetch = await gitRun(repo.root, ['fetch', '-q', remote, 'refs/heads/*:refs/remotes/o/*']);
    expect(fetch.code, fetch.stderr).toBe(0);
    expect(fetch.stderr).toBe('');
  });

  it('leaves commits on base to pre-commit (one message), and lets base move with QLOCK=0, telling the holder', async () => {
    const { repo, alpha, beta } = await world();
    await qlockOk(['lock', 'src/other.txt', '--reason', 'beta owns it'], beta);
    const main = head(repo);

    fs.appendFileSync(path.join(repo.root, 'src/other.txt'), 'main edits\n');
    const commit = await gitRun(repo.root, ['commit', '-qam', 'on main']);
    expect(commit.code).toBe(1);
    expect(commit.stderr.match(/locked by beta/g)).toHaveLength(1);
    expect(commit.stderr).not.toContain('would move main');
    // --no-verify skips pre-commit on purpose: reference-transaction does not refuse it again.
    const noVerify = await gitRun(repo.root, ['commit', '-q', '--no-verify', '-am', 'on main']);
    expect(noVerify.code, noVerify.stderr).toBe(0);
    expect(noVerify.stderr).not.toContain('would move');
    expect(noVerify.stderr).not.toContain('locked by');
    expect(head(repo)).not.toBe(main);

    // The holder's notice names its locked file first (not "none of your files changed").
    const inbox = await qlockOk(['inbox', '--json'], beta);
    const events = JSON.parse(inbox).events as { kind: string; message: string; paths: string[] }[];
    const moved = events.filter((e) => e.kind === 'main-moved');
    expect(moved).toHaveLength(1);
    expect(moved[0]!.message).toContain('your locked file src/other.txt changed');
    expect(moved[0]!.paths[0]).toBe('src/other.txt');
    // alpha holds nothing there and changed nothing: its notice says so.
    const alphaEvents = JSON.parse(await qlockOk(['inbox', '--json'], alpha)).events as {
      kind: string;
      message: string;
    }[];
    expect(alphaEvents.find((e) => e.kind === 'main-moved')?.message).toContain(
      'none of your files changed',
    );
  });

  it('chains a reference-transaction hook of the user’s (same stdin, its exit status) and uninstalls byte for byte', async () => {
    const repo = makeRepo({ files: { 'src/a.txt': 'a\n', 'src/other.txt': 'o\n' } });
    const hook = path.join(repo.root, '.git/hooks/reference-transaction');
    const log = path.join(repo.parent, 'user-hook.log');
    const original = `#!/bin/sh\n# the user's own\nwhile read -r o n r; do echo "$1 $r" >>${JSON.stringify(log)}; done\n[ -z "$REFUSE" ] || [ "$1" != prepared ] || exit 1\n`;
    fs.writeFileSync(hook, original, { mode: 0o750 });
    await qlockOk(['init'], repo.root);
    const alpha = JSON.parse(await qlockOk(['new', 'alpha', '--json'], repo.root)).session
      .path as string;
    const beta = JSON.parse(await qlockOk(['new', 'beta', '--json'], repo.root)).session
      .path as string;
    const installed = fs.readFileSync(hook, 'utf8');
    expect(installed.startsWith('#!/bin/sh\n# >>> qlock >>>\n')).toBe(true);
    expect(installed.endsWith(original.slice('#!/bin/sh\n'.length))).toBe(true);

    // A base update qlock passes on to node (beta's lock exists, the path is free): the user's
    // hook still gets the same lines afterwards.
    await qlockOk(['lock', 'src/other.txt'], beta);
    fs.appendFileSync(path.join(alpha, 'src/a.txt'), 'alpha\n');
    repo.git(['commit', '-q', '--no-verify', '-am', 'alpha'], alpha);
    fs.rmSync(log, { force: true });
    const merge = await gitRun(repo.root, ['merge', '-q', 'qlock/alpha']);
    expect(merge.code, merge.stderr).toBe(0);
    const seen = fs.readFileSync(log, 'utf8');
    expect(seen).toContain('prepared refs/heads/main\n');
    expect(seen).toContain('committed refs/heads/main\n');
    // Its exit status still counts: it refuses, git refuses.
    const before = head(repo);
    const refused = await gitRun(repo.root, ['commit', '-q', '--allow-empty', '-m', 'x'], {
      REFUSE: '1',
    });
    expect(refused.code).not.toBe(0);
    expect(head(repo)).toBe(before);

    const un = await runQlock(['hooks', 'uninstall'], { cwd: repo.root });
    expect(un.code, un.stderr).toBe(0);
    expect(fs.readFileSync(hook, 'utf8')).toBe(original);
    expect(fs.statSync(hook).mode & 0o777).toBe(0o750);
  });

  it('never fails on qlock’s own crash, even with failClosed, and never in committed/aborted', async () => {
    const { repo, alpha, beta } = await world();
    fs.writeFileSync(path.join(repo.root, '.qsessionrc.json'), '{"failClosed": true}\n');
    await qlockOk(['lock', 'src/other.txt'], beta);
    fs.appendFileSync(path.join(alpha, 'src/other.txt'), 'alpha\n');
    repo.git(['commit', '-q', '--no-verify', '-am', 'alpha'], alpha);
    const crash = path.join(tempDir('qlock-crash'), 'crash.js');
    fs.writeFileSync(crash, 'throw new Error("boom")\n');
    const stateDir = path.join(repo.root, '.git', 'qlock');
    fs.writeFileSync(
      runnerPath(stateDir),
      renderRunner({ node: process.execPath, bin: crash, failClosed: true }),
    );
    const merge = await gitRun(repo.root, ['merge', '-q', 'qlock/alpha']);
    expect(merge.code, merge.stderr).toBe(0);
    expect(merge.stderr).toContain('qlock: reference-transaction hook failed');
    expect(head(repo)).toBe(head(repo, alpha));
  });
});
