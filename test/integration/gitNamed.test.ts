import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { GitError } from '../../src/errors.js';
import { ignoredAmong, isIgnored, isTracked, untrackedEntries } from '../../src/git/diff.js';
import { cleanGitEnv } from '../../src/git/exec.js';
import { gitUser } from '../../src/git/gitUser.js';
import { listFromTop } from '../../src/git/listFromTop.js';
import { commitTree, emptyTree, makeTree, readObjects, writeBlob } from '../../src/git/objects.js';
import { blobsAt, changedSinceMergeBaseAmong, newFilesAmong } from '../../src/git/peerPaths.js';
import { moveRefIfAt } from '../../src/git/refs.js';
import { fetchRefspec, pushWithLease } from '../../src/git/remote.js';
import { STAGED_DIFF, stagedDiff } from '../../src/git/stagedDiff.js';
import { dropStash, stashTop } from '../../src/git/stash.js';
import { makeRepo, tempDir } from '../helpers/repo.js';

/**
 * The named git steps of src/git/ that parse what git says (cat-file --batch, push --porcelain,
 * the stash list), against real git: each answer checked where it must be and where it must not.
 */

describe('readObjects', () => {
  it('reads blobs and commits in the order asked, undefined for a name that names nothing', async () => {
    const repo = makeRepo({ files: { 'a.txt': 'one\ntwo\n', 'bin.dat': '\u0000\u00ff\n' } });
    const head = repo.git(['rev-parse', 'HEAD']);
    const [blob, missing, commit, binary] = await readObjects(repo.root, [
      'HEAD:a.txt',
      'HEAD:nope.txt',
      'HEAD^{commit}',
      'HEAD:bin.dat',
    ]);
    expect(blob?.type).toBe('blob');
    expect(blob?.content.toString('utf8')).toBe('one\ntwo\n');
    expect(blob?.id).toBe(repo.git(['rev-parse', 'HEAD:a.txt']));
    expect(missing).toBeUndefined();
    expect(commit?.type).toBe('commit');
    expect(commit?.id).toBe(head);
    expect(commit?.content.toString('utf8')).toMatch(/^tree [0-9a-f]{40}\n/);
    expect(binary?.content).toEqual(fs.readFileSync(path.join(repo.root, 'bin.dat')));
  });

  it('reads a path whose name is not UTF-8 (its bytes go back to git as they came)', async () => {
    const repo = makeRepo();
    const name = Buffer.from([0x6c, 0xe9, 0x2e, 0x74, 0x78, 0x74]); // "lé.txt" in Latin-1
    fs.writeFileSync(Buffer.concat([Buffer.from(repo.root + '/'), name]), 'latin\n');
    repo.commitAll('latin-1 name');
    const [object] = await readObjects(repo.root, ['HEAD:l\udce9.txt']);
    expect(object?.content.toString('utf8')).toBe('latin\n');
    const [decoded] = await readObjects(repo.root, ['HEAD:l\u00e9.txt']);
    expect(decoded).toBeUndefined();
  });
});

describe('writeBlob, makeTree, commitTree', () => {
  it('write a one-file commit that git reads back', async () => {
    const repo = makeRepo();
    const blob = await writeBlob(repo.root, '{"v":1}\n');
    const tree = await makeTree(repo.root, [
      { mode: '100644', type: 'blob', id: blob, name: 'state.json' },
    ]);
    const commit = await commitTree(repo.root, tree, [], 'qlock: test\n', cleanGitEnv());
    expect(repo.git(['show', `${commit}:state.json`])).toBe('{"v":1}');
    expect(repo.git(['log', '-1', '--format=%s%n%P', commit])).toBe('qlock: test');
    const child = await commitTree(repo.root, tree, [commit], 'child\n', cleanGitEnv());
    expect(repo.git(['log', '-1', '--format=%P', child])).toBe(commit);
  });
});

describe('moveRefIfAt', () => {
  it('moves a ref only from where the caller saw it; creates one only where none is', async () => {
    const repo = makeRepo();
    const first = repo.git(['rev-parse', 'HEAD']);
    repo.write('x.txt', 'x\n');
    const second = repo.commitAll('second');
    expect(await moveRefIfAt(repo.root, 'refs/heads/t', first, null, 'create')).toBe(true);
    expect(await moveRefIfAt(repo.root, 'refs/heads/t', second, null, 'create again')).toBe(false);
    expect(await moveRefIfAt(repo.root, 'refs/heads/t', second, second, 'stale')).toBe(false);
    expect(repo.git(['rev-parse', 'refs/heads/t'])).toBe(first);
    expect(await moveRefIfAt(repo.root, 'refs/heads/t', second, first, 'move')).toBe(true);
    expect(repo.git(['rev-parse', 'refs/heads/t'])).toBe(second);
    expect(repo.git(['reflog', '-1', '--format=%gs', 'refs/heads/t'])).toBe('move');
  });
});

describe('pushWithLease', () => {
  function world() {
    const repo = makeRepo();
    const bare = path.join(tempDir('qlock-bare'), 'remote.git');
    repo.git(['init', '-q', '--bare', bare], repo.parent);
    repo.git(['remote', 'add', 'origin', bare]);
    return { repo, bare };
  }

  it('pushes under a lease that holds, reports a stale one with its summary', async () => {
    const { repo, bare } = world();
    const first = repo.git(['rev-parse', 'HEAD']);
    const ref = 'refs/qlock/locks';
    const created = await pushWithLease(repo.root, 'origin', ref, first, null, 10_000);
    expect(created.exitOk).toBe(true);
    expect(created.status?.flag).not.toBe('!');
    expect(created.status?.line).toContain(`:${ref}\t`);
    expect(repo.git(['rev-parse', ref], bare)).toBe(first);

    repo.write('x.txt', 'x\n');
    const second = repo.commitAll('second');
    // The lease says "must not exist yet": the remote has it, so git refuses, as stale.
    const stale = await pushWithLease(repo.root, 'origin', ref, second, null, 10_000);
    expect(stale.exitOk).toBe(false);
    expect(stale.status?.flag).toBe('!');
    expect(stale.status?.summary).toMatch(/stale info/);
    expect(repo.git(['rev-parse', ref], bare)).toBe(first);

    const moved = await pushWithLease(repo.root, 'origin', ref, second, first, 10_000);
    expect(moved.exitOk).toBe(true);
    expect(repo.git(['rev-parse', ref], bare)).toBe(second);
  });

  it('throws a GitError when the remote is not there; fetchRefspec too', async () => {
    const repo = makeRepo();
    const gone = path.join(repo.parent, 'gone.git');
    const head = repo.git(['rev-parse', 'HEAD']);
    await expect(
      pushWithLease(repo.root, gone, 'refs/qlock/x', head, null, 10_000),
    ).rejects.toThrow(GitError);
    await expect(
      fetchRefspec(repo.root, gone, '+refs/qlock/x:refs/qlock-remote/x', 10_000),
    ).rejects.toThrow(GitError);
  });
});

describe('dropStash', () => {
  it('drops exactly the entry it names, wherever it is in the list', async () => {
    const repo = makeRepo();
    repo.write('README.md', 'mine\n');
    repo.git(['stash', 'push', '-q', '-m', 'ours']);
    const ours = await stashTop(repo.root);
    repo.write('README.md', 'later\n');
    repo.git(['stash', 'push', '-q', '-m', 'someone else']);
    const theirs = await stashTop(repo.root);
    expect(ours).toBeDefined();
    expect(theirs).not.toBe(ours);
    await dropStash(repo.root, ours!);
    expect(repo.git(['stash', 'list', '--format=%H'])).toBe(theirs);
    // A stash that is not (or no longer) in the list: nothing dropped.
    await dropStash(repo.root, ours!);
    expect(repo.git(['stash', 'list', '--format=%H'])).toBe(theirs);
  });
});

describe('untrackedEntries, ignoredAmong', () => {
  it('lists untracked and ignored entries apart, a wholly untracked directory as one entry', async () => {
    const repo = makeRepo({ files: { '.gitignore': 'build/\n*.log\n', 'src/a.txt': 'a\n' } });
    repo.write('build/out.js', 'x\n');
    repo.write('debug.log', 'x\n');
    repo.write('notes/todo.txt', 'x\n');
    repo.write('src/new.txt', 'x\n');
    expect((await untrackedEntries(repo.root)).sort()).toEqual(['notes/', 'src/new.txt']);
    expect((await untrackedEntries(repo.root, { ignored: true })).sort()).toEqual([
      'build/',
      'debug.log',
    ]);
  });

  it('names exactly the ignored paths among those asked; none in a deleted worktree', async () => {
    const repo = makeRepo({ files: { '.gitignore': '*.log\n', 'src/a.txt': 'a\n' } });
    const asked = ['x.log', 'src/a.txt', 'src/new.txt', 'deep/dir/y.log'];
    expect([...(await ignoredAmong(repo.root, asked))].sort()).toEqual(['deep/dir/y.log', 'x.log']);
    expect([...(await ignoredAmong(repo.root, ['src/a.txt']))]).toEqual([]);
    const gone = tempDir('qlock-gone');
    expect([...(await ignoredAmong(gone, ['x.log']))]).toEqual([]);
  });
});

describe('isIgnored, isTracked', () => {
  it('say whether git ignores one path, and whether it tracks one, both ways; throw outside a repository', async () => {
    const repo = makeRepo({ files: { '.gitignore': '*.log\n', 'src/a.txt': 'a\n' } });
    repo.write('src/new.txt', 'x\n');
    repo.write('x.log', 'x\n');
    repo.write('-dash.txt', 'x\n');
    expect(await isIgnored(repo.root, 'x.log')).toBe(true);
    expect(await isIgnored(repo.root, 'not-there.log')).toBe(true);
    expect(await isIgnored(repo.root, 'src/new.txt')).toBe(false);
    expect(await isIgnored(repo.root, 'src/a.txt')).toBe(false);
    expect(await isIgnored(repo.root, '-dash.txt')).toBe(false);
    expect(await isTracked(repo.root, 'src/a.txt')).toBe(true);
    expect(await isTracked(repo.root, 'src/new.txt')).toBe(false);
    expect(await isTracked(repo.root, 'x.log')).toBe(false);
    expect(await isTracked(repo.root, '-dash.txt')).toBe(false);
    repo.git(['add', '--', '-dash.txt']);
    expect(await isTracked(repo.root, '-dash.txt')).toBe(true);
    const gone = tempDir('qlock-gone');
    await expect(isIgnored(gone, 'x.log')).rejects.toThrow(GitError);
    await expect(isTracked(gone, 'src/a.txt')).rejects.toThrow(GitError);
  });
});

describe('gitUser', () => {
  it("reads user.name and user.email as git would use them, '' for one not set anywhere", async () => {
    const repo = makeRepo();
    // The test's global config (test/helpers/setupEnv.ts), then the repository's own, which wins.
    expect(await gitUser(repo.root)).toEqual({ name: 'qlock test', email: 'test@qlock.invalid' });
    repo.git(['config', 'user.name', 'Ada Lovelace']);
    repo.git(['config', 'user.names', 'not a name']);
    expect(await gitUser(repo.root)).toEqual({
      name: 'Ada Lovelace',
      email: 'test@qlock.invalid',
    });

    const global = process.env.GIT_CONFIG_GLOBAL;
    process.env.GIT_CONFIG_GLOBAL = path.join(repo.parent, 'empty.gitconfig');
    try {
      expect(await gitUser(repo.root)).toEqual({ name: 'Ada Lovelace', email: '' });
      repo.git(['config', '--unset', 'user.name']);
      expect(await gitUser(repo.root)).toEqual({ name: '', email: '' });
    } finally {
      process.env.GIT_CONFIG_GLOBAL = global;
    }
  });
});

describe('stagedDiff', () => {
  const names = (raw: string) => raw.split('\0').filter((f, i) => i % 2 === 1);

  it('lists what the index changes (not the unstaged edits), against HEAD or a commit', async () => {
    const repo = makeRepo();
    const first = repo.git(['rev-parse', 'HEAD']);
    repo.write('src/a.txt', 'staged\n');
    repo.write('src/b.txt', 'not staged\n');
    repo.git(['add', 'src/a.txt']);
    expect(names(await stagedDiff(repo.root, cleanGitEnv()))).toEqual(['src/a.txt']);
    repo.git(['commit', '-q', '-m', 'a']);
    expect(await stagedDiff(repo.root, cleanGitEnv())).toBe('');
    const raw = await stagedDiff(repo.root, cleanGitEnv(), first);
    expect(names(raw)).toEqual(['src/a.txt']);
    // Full object ids: the old blob is the first commit's.
    expect(raw.split(' ')[2]).toBe(repo.git(['rev-parse', `${first}:src/a.txt`]));
  });

  it("reads the index the caller's environment names (a commit's temporary index), and an unborn HEAD", async () => {
    const repo = makeRepo();
    const index = path.join(repo.parent, 'next-index.lock');
    fs.copyFileSync(path.join(repo.root, '.git', 'index'), index);
    repo.write('README.md', 'changed\n');
    repo.git(['update-index', '--add', 'README.md'], repo.root);
    const own = { ...cleanGitEnv(), GIT_INDEX_FILE: index };
    expect(names(await stagedDiff(repo.root, cleanGitEnv()))).toEqual(['README.md']);
    expect(await stagedDiff(repo.root, own)).toBe('');

    const fresh = tempDir('qlock-unborn');
    execFileSync('git', ['init', '-q', fresh], { env: cleanGitEnv() });
    fs.writeFileSync(path.join(fresh, 'new.txt'), 'x\n');
    execFileSync('git', ['add', 'new.txt'], { cwd: fresh, env: cleanGitEnv() });
    expect(names(await stagedDiff(fresh, cleanGitEnv()))).toEqual(['new.txt']);
  });

  it('uses the flags of the hook runner, which computes the same diff while node starts', () => {
    const runner = fs.readFileSync(path.join(import.meta.dirname, '../../hooks/run.sh'), 'utf8');
    expect(runner).toContain(`git ${STAGED_DIFF.join(' ')} 2>/dev/null`);
  });
});

describe('listFromTop', () => {
  it("names what a listing prints relative to the worktree's top, asked from a subdirectory", async () => {
    const repo = makeRepo();
    const sub = path.join(repo.root, 'src');
    const list = ['-c', 'core.quotePath=false', 'diff', '--name-only', 'HEAD', '-z'];
    expect(await listFromTop(sub, list)).toEqual({
      top: fs.realpathSync(repo.root),
      names: [],
    });
    repo.write('README.md', 'changed\n');
    repo.write('src/b.txt', 'changed\n');
    expect(await listFromTop(sub, list)).toEqual({
      top: fs.realpathSync(repo.root),
      names: ['README.md', 'src/b.txt'],
    });
    await expect(listFromTop(sub, ['diff', '--name-only', 'no-such-ref', '-z'])).rejects.toThrow(
      GitError,
    );
    await expect(listFromTop(tempDir('qlock-gone'), list)).rejects.toThrow(GitError);
  });
});

describe('changedSinceMergeBaseAmong, newFilesAmong, blobsAt', () => {
  it("name a session's own changes among the paths asked, not base's later ones", async () => {
    const repo = makeRepo({
      files: { 'a.txt': 'a\n', 'b.txt': 'b\n', 'c.txt': 'c\n', 'd*.txt': 'd\n' },
    });
    const wt = repo.worktree('s1');
    repo.write('a.txt', 'base moved on\n');
    repo.commitAll('main moves');
    repo.write('b.txt', 'committed here\n', wt);
    repo.commitAll('s1 commits', wt);
    repo.write('c.txt', 'unstaged here\n', wt);
    repo.write('dx.txt', 'a file the pattern d*.txt would match\n', wt);
    repo.git(['add', 'dx.txt'], wt);
    const asked = ['a.txt', 'b.txt', 'c.txt', 'd*.txt'];
    expect([...(await changedSinceMergeBaseAmong(wt, 'main', asked))].sort()).toEqual([
      'b.txt',
      'c.txt',
    ]);
    expect([...(await changedSinceMergeBaseAmong(wt, 'main', ['d*.txt', 'dx.txt']))]).toEqual([
      'dx.txt',
    ]);
    await expect(changedSinceMergeBaseAmong(wt, 'no-such-base', asked)).rejects.toThrow(GitError);
  });

  it('names new work (untracked, not ignored) among the paths asked', async () => {
    const repo = makeRepo({ files: { '.gitignore': '*.log\n', 'a.txt': 'a\n' } });
    repo.write('new.txt', 'x\n');
    repo.write('out.log', 'x\n');
    repo.write('new*.txt', 'x\n');
    repo.write('dir/one.txt', 'x\n');
    const asked = ['a.txt', 'new.txt', 'out.log', 'missing.txt', 'dir/'];
    expect([...(await newFilesAmong(repo.root, asked))].sort()).toEqual(['dir/one.txt', 'new.txt']);
    expect([...(await newFilesAmong(repo.root, ['new*.txt']))]).toEqual(['new*.txt']);
    await expect(newFilesAmong(tempDir('qlock-gone'), asked)).rejects.toThrow(GitError);
  });

  it("reads each file's blob at a commit, null where the commit has none", async () => {
    const repo = makeRepo({ files: { 'a.txt': 'one\n', 'dir/b.txt': 'two\n' } });
    const tip = repo.git(['rev-parse', 'HEAD']);
    const blobs = await blobsAt(repo.root, tip, ['a.txt', 'nope.txt', 'dir', 'dir/b.txt']);
    expect(blobs?.get('a.txt')?.toString('utf8')).toBe('one\n');
    expect(blobs?.get('nope.txt')).toBeNull();
    expect(blobs?.get('dir')).toBeNull();
    expect(blobs?.get('dir/b.txt')?.toString('utf8')).toBe('two\n');
    await expect(blobsAt(tempDir('qlock-gone'), tip, ['a.txt'])).rejects.toThrow(GitError);
  });
});

describe('emptyTree', () => {
  it("answers each repository's own object format, and does not keep a failed answer", async () => {
    const sha1 = makeRepo();
    const sha256 = tempDir('qlock-sha256');
    execFileSync('git', ['init', '-q', '--object-format=sha256', sha256], { env: cleanGitEnv() });
    expect(await emptyTree(sha1.root)).toBe('4b825dc642cb6eb9a060e54bf8d69288fbee4904');
    expect(await emptyTree(sha256)).toBe(
      '6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321',
    );

    // Asked in a directory that is gone (a worktree just removed), then there again.
    const later = path.join(tempDir('qlock-gone'), 'wt');
    await expect(emptyTree(later)).rejects.toThrow();
    fs.mkdirSync(later);
    execFileSync('git', ['init', '-q', later], { env: cleanGitEnv() });
    expect(await emptyTree(later)).toBe('4b825dc642cb6eb9a060e54bf8d69288fbee4904');
  });
});
