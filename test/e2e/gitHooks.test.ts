import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { copyPackage } from '../helpers/packageCopy.js';
import { makeRepo, type Repo, runQlock } from '../helpers/repo.js';
import { gitRun } from './gitHooksHelpers.js';

/**
 * qlock's git hooks through real `git commit` / `git merge` / `git worktree add` in real linked
 * worktrees, with the hooks installed by `qlock init` (the built CLI): exit status, stderr and the
 * repository's state afterwards.
 */

async function qlockOk(args: string[], cwd: string): Promise<string> {
  const r = await runQlock(args, { cwd });
  expect(r.code, `qlock ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

interface World {
  repo: Repo;
  fa: string;
  fb: string;
}

async function world(): Promise<World> {
  const repo = makeRepo();
  await qlockOk(['init'], repo.root);
  const fa = JSON.parse(await qlockOk(['new', 'fa', '--json'], repo.root)).session.path as string;
  const fb = JSON.parse(await qlockOk(['new', 'fb', '--json'], repo.root)).session.path as string;
  return { repo, fa, fb };
}

function setConfig(repo: Repo, config: Record<string, unknown>): void {
  fs.writeFileSync(path.join(repo.root, '.qsessionrc.json'), JSON.stringify(config));
}

beforeAll(() => {
  // The e2e layer runs the built CLI; a stale dist would test old code.
  expect(fs.existsSync(path.join(import.meta.dirname, '../../dist/hooks/runGitHook.js'))).toBe(
    true,
  );
});

describe('git hooks in a plain repository', () => {
  it('pre-commit blocks staged paths locked by another session, whatever index the commit uses', async () => {
    const { repo, fa, fb } = await world();
    await qlockOk(['lock', 'src/a.txt', '--reason', 'rewriting a'], fa);
    fs.appendFileSync(path.join(fb, 'src/a.txt'), 'fb edits a\n');
    fs.appendFileSync(path.join(fb, 'src/b.txt'), 'fb edits b\n');
    const head = repo.git(['rev-parse', 'HEAD'], fb);

    // git commit -a: the temporary index.lock holds a.txt.
    const all = await gitRun(fb, ['commit', '-qam', 'everything']);
    expect(all.code).toBe(1);
    expect(all.stderr).toContain('qlock: commit blocked: 1 path(s) locked by another session:');
    expect(all.stderr).toContain('src/a.txt: locked by fa (reason: rewriting a, ');
    expect(all.stderr).toContain('ask fa to finish and run `qlock unlock src/a.txt`');
    expect(all.stderr).toContain('`qlock unlock --force src/a.txt`');
    expect(all.stderr).toContain('`git commit --no-verify`');
    expect(repo.git(['rev-parse', 'HEAD'], fb)).toBe(head);

    // git commit <path> from a subdirectory (GIT_PREFIX, next-index-<pid>.lock).
    const sub = await gitRun(path.join(fb, 'src'), ['commit', '-qm', 'only a', 'a.txt']);
    expect(sub.code).toBe(1);
    expect(sub.stderr).toContain('src/a.txt: locked by fa');

    // a.txt staged in the real index, but `git commit <path>` commits only b.txt: allowed.
    repo.git(['add', 'src/a.txt'], fb);
    const onlyB = await gitRun(fb, ['commit', '-qm', 'only b', '--', 'src/b.txt']);
    expect(onlyB.code, onlyB.stderr).toBe(0);
    expect(onlyB.stderr).not.toContain('blocked');
    expect(repo.git(['show', '--name-only', '--format=', 'HEAD'], fb)).toBe('src/b.txt');
    expect(repo.git(['diff', '--cached', '--name-only'], fb)).toBe('src/a.txt');

    // The plain commit of the staged index is blocked; QLOCK=0 and --no-verify go through.
    expect((await gitRun(fb, ['commit', '-qm', 'a'])).code).toBe(1);
    const off = await gitRun(fb, ['commit', '-qm', 'a (QLOCK=0)'], { QLOCK: '0' });
    expect(off.code, off.stderr).toBe(0);
    expect(off.stderr).toBe('');
    fs.appendFileSync(path.join(fb, 'src/a.txt'), 'more\n');
    const noVerify = await gitRun(fb, ['commit', '-qam', 'a again', '--no-verify']);
    expect(noVerify.code).toBe(0);
    expect(repo.git(['rev-list', '--count', 'HEAD'], fb)).toBe('4');

    // The holder itself commits freely.
    fs.appendFileSync(path.join(fa, 'src/a.txt'), 'fa edits a\n');
    const own = await gitRun(fa, ['commit', '-qam', 'fa a']);
    expect(own.code, own.stderr).toBe(0);
  });

  it('pre-commit warns about files another live session changes, and blocks with onOverlap: block', async () => {
    const { repo, fa, fb } = await world();
    // fa's uncommitted edit of line 1 of b.txt; fb changes the same line differently.
    const b = fs.readFileSync(path.join(fa, 'src/b.txt'), 'utf8');
    fs.writeFileSync(path.join(fa, 'src/b.txt'), b.replace('b1\n', 'b1 by fa\n'));
    fs.writeFileSync(path.join(fb, 'src/b.txt'), b.replace('b1\n', 'b1 by fb\n'));
    fs.writeFileSync(path.join(fb, 'src/new.txt'), 'fb new\n');
    fs.writeFileSync(path.join(fa, 'src/new.txt'), 'fa new, untracked\n');
    repo.git(['add', '-A'], fb);

    const warned = await gitRun(fb, ['commit', '-qm', 'b1']);
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stderr).toContain(
      'qlock: warning: session fa is also changing src/b.txt, src/new.txt;',
    );
    expect(warned.stderr).toContain(
      'qlock: warning: your staged changes would conflict with session fa in src/b.txt, src/new.txt;',
    );
    expect(repo.git(['rev-list', '--count', 'HEAD'], fb)).toBe('2');

    setConfig(repo, { onOverlap: 'block', onConflict: 'off' });
    fs.appendFileSync(path.join(fb, 'src/b.txt'), 'again\n');
    const blocked = await gitRun(fb, ['commit', '-qam', 'again']);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain(
      'commit blocked: staged files are also changed by other sessions',
    );
    expect(blocked.stderr).toContain('  fa: src/b.txt');
    expect(blocked.stderr).not.toContain('would conflict');
    expect(repo.git(['rev-list', '--count', 'HEAD'], fb)).toBe('2');

    // A file nobody else touches commits without a word.
    setConfig(repo, {});
    repo.git(['checkout', '--', 'src/b.txt'], fb);
    fs.appendFileSync(path.join(fb, 'README.md'), 'readme\n');
    const quiet = await gitRun(fb, ['commit', '-qam', 'readme']);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
  });

  it('pre-commit onConflict: block stops a conflicting commit, even when the last snapshot is older than the edit', async () => {
    const { repo, fa, fb } = await world();
    const edit = (dir: string, n: number, text: string) => {
      const file = path.join(dir, 'src/a.txt');
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      lines[n - 1] = text;
      fs.writeFileSync(file, lines.join('\n'));
    };
    setConfig(repo, { onConflict: 'block' });
    // Snapshots of both sessions are cached while neither has edited anything...
    await qlockOk(['status'], repo.root);
    // ...then fa edits line 5 (uncommitted) and fb commits its own line 5.
    edit(fa, 5, 'a5 by fa');
    edit(fb, 5, 'a5 by fb');
    const blocked = await gitRun(fb, ['commit', '-qam', 'fb: line 5']);
    expect(blocked.code, blocked.stderr).toBe(1);
    expect(blocked.stderr).toContain(
      'qlock: commit blocked: the staged changes would conflict with other sessions (onConflict: block):\n  fa: src/a.txt',
    );
    expect(repo.git(['rev-list', '--count', 'HEAD'], fb)).toBe('1');

    // Another line of the same file: an overlap to hear about, not a conflict.
    repo.git(['checkout', '--', 'src/a.txt'], fb);
    edit(fb, 15, 'a15 by fb');
    const clean = await gitRun(fb, ['commit', '-qam', 'fb: line 15']);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stderr).toContain('qlock: warning: session fa is also changing src/a.txt;');
    expect(clean.stderr).not.toContain('would conflict');

    // onConflict: off lets the conflicting commit through without a word about conflicts.
    setConfig(repo, { onConflict: 'off' });
    edit(fb, 5, 'a5 by fb');
    const off = await gitRun(fb, ['commit', '-qam', 'fb: line 5 anyway']);
    expect(off.code, off.stderr).toBe(0);
    expect(off.stderr).not.toContain('would conflict');
    expect(repo.git(['rev-list', '--count', 'HEAD'], fb)).toBe('3');
  });

  it("pre-commit looks at other worktrees without the hook's GIT_DIR / GIT_WORK_TREE / GIT_INDEX_FILE", async () => {
    const { repo, fa, fb } = await world();
    const a = fs.readFileSync(path.join(fa, 'src/a.txt'), 'utf8');
    fs.writeFileSync(path.join(fa, 'src/a.txt'), a.replace('a1\n', 'a1 by fa\n'));
    fs.writeFileSync(path.join(fb, 'src/a.txt'), a.replace('a1\n', 'a1 by fb\n'));
    // git's trace2 log of every git process (qlock's included): which worktree it worked on, and
    // which of git's per-repository variables it was given.
    const local = repo.git(['rev-parse', '--local-env-vars']).split('\n').filter(Boolean);
    const trace = path.join(repo.parent, 'trace2.jsonl');
    // `git --git-dir --work-tree` from a subdirectory exports GIT_DIR, GIT_WORK_TREE (relative)
    // and GIT_PREFIX to the hook, on top of GIT_INDEX_FILE (commit -a: index.lock).
    const gitDir = repo.git(['rev-parse', '--path-format=absolute', '--git-dir'], fb);
    const run = await gitRun(
      path.join(fb, 'src'),
      [`--git-dir=${gitDir}`, `--work-tree=${fb}`, 'commit', '-qam', 'fb a1'],
      { GIT_TRACE2_EVENT: trace, GIT_TRACE2_ENV_VARS: local.join(',') },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('qlock: warning: session fa is also changing src/a.txt;');
    expect(run.stderr).toContain(
      'qlock: warning: your staged changes would conflict with session fa in src/a.txt;',
    );
    const processes = new Map<string, { worktree?: string; vars: Record<string, string> }>();
    for (const line of fs.readFileSync(trace, 'utf8').split('\n').filter(Boolean)) {
      const e = JSON.parse(line) as Record<string, string>;
      const p = processes.get(e.sid!) ?? { vars: {} };
      processes.set(e.sid!, p);
      if (e.event === 'def_repo') p.worktree = e.worktree;
      if (e.event === 'def_param' && local.includes(e.param!)) p.vars[e.param!] = e.value!;
    }
    const on = (dir: string) => [...processes.values()].filter((p) => p.worktree === dir);
    // The hook's own questions (staged paths, staged tree) use them on purpose.
    expect(on(fb).some((p) => p.vars.GIT_INDEX_FILE?.startsWith(gitDir))).toBe(true);
    // A git process about fa or the main worktree got none of the hook's values (git sets its own
    // GIT_DIR, and GIT_INDEX_FILE names qlock's private index there).
    const others = [...on(fa), ...on(repo.root)];
    expect(others.length).toBeGreaterThan(0);
    const leaked = others.filter(
      (p) =>
        'GIT_PREFIX' in p.vars ||
        'GIT_WORK_TREE' in p.vars ||
        Object.values(p.vars).some((v) => v.includes(gitDir) || v.includes(fb)),
    );
    expect(leaked).toEqual([]);
    expect(repo.git(['status', '--porcelain'], fa)).toBe('M src/a.txt');
  });

  it('a merge into base: pre-merge-commit blocks paths a third session locked and names who must sync', async () => {
    const { repo, fa, fb } = await world();
    fs.appendFileSync(path.join(fb, 'src/b.txt'), 'fb work\n');
    expect((await gitRun(fb, ['commit', '-qam', 'fb work'])).code).toBe(0);
    await qlockOk(['lock', 'src/b.txt', '--reason', 'fa owns b'], fa);
    fs.appendFileSync(path.join(fa, 'src/b.txt'), 'fa work in progress\n');
    const main = repo.git(['rev-parse', 'HEAD']);

    const blocked = await gitRun(repo.root, ['merge', '--no-ff', '-m', 'merge fb', 'qlock/fb']);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('qlock: merge blocked: 1 path(s) locked by another session:');
    expect(blocked.stderr).toContain('src/b.txt: locked by fa (reason: fa owns b');
    expect(blocked.stderr).toContain('`git merge --no-verify`');
    expect(repo.git(['rev-parse', 'HEAD'])).toBe(main);

    // git left the merge waiting; concluding it with `git commit` runs the same check.
    expect(fs.existsSync(path.join(repo.root, '.git/MERGE_HEAD'))).toBe(true);
    const commit = await gitRun(repo.root, ['commit', '--no-edit']);
    expect(commit.code).toBe(1);
    expect(commit.stderr).toContain('merge blocked');
    expect(commit.stderr).toContain('`git commit --no-verify`');
    expect(repo.git(['rev-parse', 'HEAD'])).toBe(main);
    repo.git(['merge', '--abort']);

    // Locks of the session being merged do not block its own merge.
    await qlockOk(['unlock', 'src/b.txt'], fa);
    await qlockOk(['lock', 'src/b.txt', '--reason', 'still mine'], fb);
    const merged = await gitRun(repo.root, ['merge', '--no-ff', '-m', 'merge fb', 'qlock/fb']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr).toContain(
      'qlock: after this merge into main, session fa will need `qlock sync`: it also changes src/b.txt.',
    );
    expect(repo.git(['rev-list', '--count', 'HEAD'])).toBe('3');

    // post-merge: base moved, fa hears about it with the file that intersects its work.
    expect(merged.stderr).toContain('qlock: main moved; told fa');
    const inbox = JSON.parse(await qlockOk(['inbox', '--json', '--session', 'fa'], repo.root)) as {
      events: { kind: string; paths?: string[] }[];
    };
    const moved = inbox.events.filter((e) => e.kind === 'main-moved');
    expect(moved).toHaveLength(1);
    expect(moved[0]!.paths).toEqual(['src/b.txt']);
  });

  it('post-commit on base tells the sessions; commits on session branches start no check', async () => {
    const { repo, fa } = await world();
    fs.appendFileSync(path.join(fa, 'src/a.txt'), 'fa work\n');
    fs.appendFileSync(path.join(repo.root, 'src/a.txt'), 'hotfix on main\n');
    const onMain = await gitRun(repo.root, ['commit', '-qam', 'hotfix']);
    expect(onMain.code, onMain.stderr).toBe(0);
    expect(onMain.stderr).toContain('qlock: main moved; told fa, fb');
    const events = JSON.parse(await qlockOk(['inbox', '--json', '--peek', '--session', 'fa'], fa))
      .events as { kind: string; paths?: string[] }[];
    expect(events.find((e) => e.kind === 'main-moved')?.paths).toEqual(['src/a.txt']);

    // On a session branch the runner's shell filter skips post-commit: node does not even start.
    const onBranch = await gitRun(fa, ['commit', '-qam', 'fa work'], { QLOCK_DEBUG: '1' });
    expect(onBranch.code).toBe(0);
    expect(onBranch.stderr).toContain('qlock:hooks pre-commit: ok');
    expect(onBranch.stderr).not.toContain('post-commit');

    // Amending the commit on main moves it again (post-rewrite).
    const amend = await gitRun(repo.root, ['commit', '--amend', '-qm', 'hotfix (amended)']);
    expect(amend.code).toBe(0);
    expect(amend.stderr).toContain('qlock: main moved; told');
  });

  it('a fast-forward of a base that only a newer session uses is recorded too (post-merge)', async () => {
    const { repo } = await world();
    repo.git(['branch', 'develop']);
    const fd = JSON.parse(await qlockOk(['new', 'fd', '--base', 'develop', '--json'], repo.root))
      .session.path as string;
    fs.appendFileSync(path.join(fd, 'src/a.txt'), 'fd work\n');
    repo.git(['checkout', '-q', '-b', 'topic', 'develop']);
    fs.appendFileSync(path.join(repo.root, 'src/a.txt'), 'topic\n');
    repo.git(['commit', '-qam', 'topic', '--no-verify']);
    repo.git(['checkout', '-q', 'develop']);
    // No hook has run since fd registered: the runner's list of bases must already have develop.
    const ff = await gitRun(repo.root, ['merge', '-q', '--ff-only', 'topic']);
    expect(ff.code, ff.stderr).toBe(0);
    expect(ff.stderr).toContain('qlock: develop moved; told fd');
    const events = JSON.parse(await qlockOk(['inbox', '--json', '--peek', '--session', 'fd'], fd))
      .events as { kind: string; paths?: string[] }[];
    expect(events.find((e) => e.kind === 'main-moved')?.paths).toEqual(['src/a.txt']);
  });

  it('post-checkout: `git worktree add` registers the new worktree when autoJoin is on', async () => {
    const { repo } = await world();
    const dir = path.join(repo.parent, 'extra work');
    const add = await gitRun(repo.root, ['worktree', 'add', '-q', '-b', 'extra', dir]);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stderr).toContain('registered');
    const list = JSON.parse(await qlockOk(['list', '--json'], repo.root)) as {
      sessions: { name: string; path: string }[];
    };
    expect(list.sessions.find((s) => s.name === 'extra-work')?.path).toBe(fs.realpathSync(dir));

    // A plain checkout in a worktree starts nothing and registers nothing.
    const switched = await gitRun(dir, ['checkout', '-q', '-b', 'other']);
    expect(switched.code).toBe(0);
    expect(switched.stderr).toBe('');

    setConfig(repo, { autoJoin: false });
    const off = await gitRun(repo.root, [
      'worktree',
      'add',
      '-q',
      '-b',
      'extra2',
      path.join(repo.parent, 'x2'),
    ]);
    expect(off.code).toBe(0);
    expect(off.stderr).toBe('');
    const after = JSON.parse(await qlockOk(['list', '--json'], repo.root)) as {
      sessions: { name: string }[];
    };
    expect(after.sessions.map((s) => s.name).sort()).toEqual(['extra-work', 'fa', 'fb']);
  });

  it('hooks status says every worktree runs the hooks; uninstall leaves .git/hooks as it was', async () => {
    const { repo } = await world();
    const status = JSON.parse(await qlockOk(['hooks', 'status', '--json'], repo.root)) as {
      ok: boolean;
      mode: string;
      worktrees: { path: string; runs: boolean; session?: string }[];
    };
    expect(status.ok).toBe(true);
    expect(status.mode).toBe('default');
    expect(status.worktrees.map((w) => [w.session ?? '-', w.runs])).toEqual([
      ['-', true],
      ['fa', true],
      ['fb', true],
    ]);
    const text = await qlockOk(['hooks', 'status'], repo.root);
    expect(text).toContain('the common dir: shared by every worktree');

    const out = await qlockOk(['hooks', 'uninstall'], repo.root);
    expect(out).toContain('deleted (qlock had created it)');
    expect(
      fs.readdirSync(path.join(repo.root, '.git/hooks')).filter((f) => !f.endsWith('.sample')),
    ).toEqual([]);
    const none = JSON.parse(await qlockOk(['hooks', 'status', '--json'], repo.root));
    expect(none.installed).toBe(false);
  });

  it('a user pre-push hook still gets its stdin after qlock read it', async () => {
    const { repo, fb } = await world();
    const remote = path.join(repo.parent, 'remote.git');
    repo.git(['init', '-q', '--bare', remote]);
    const seen = path.join(repo.parent, 'seen.txt');
    const hook = path.join(repo.root, '.git/hooks/pre-push');
    // qlock's block is in a file qlock created: put a user's script after it, as if chained.
    fs.appendFileSync(hook, `cat > '${seen}'\necho "args: $*" >> '${seen}'\n`);
    fs.appendFileSync(path.join(fb, 'README.md'), 'x\n');
    expect((await gitRun(fb, ['commit', '-qam', 'x'])).code).toBe(0);
    const push = await gitRun(fb, ['push', '-q', remote, 'HEAD:refs/heads/fb']);
    expect(push.code, push.stderr).toBe(0);
    const sha = repo.git(['rev-parse', 'HEAD'], fb);
    expect(fs.readFileSync(seen, 'utf8')).toBe(
      `HEAD ${sha} refs/heads/fb ${'0'.repeat(40)}\nargs: ${remote} ${remote}\n`,
    );
  });

  it('the hook entry runs the bundled hot path while it is fresh, the dist modules otherwise', async () => {
    // A copy of the package: the other test files run the shared dist/ meanwhile.
    const pkg = copyPackage();
    const { repo, fa, fb } = await world();
    const install = spawnSync(
      process.execPath,
      [path.join(pkg, 'bin/qlock.js'), 'hooks', 'install'],
      {
        cwd: repo.root,
        encoding: 'utf8',
      },
    );
    expect(install.status, install.stderr).toBe(0);
    await qlockOk(['lock', 'src/a.txt'], fa);
    fs.appendFileSync(path.join(fb, 'src/a.txt'), 'x\n');
    const bundled = await gitRun(fb, ['commit', '-qam', 'a'], { QLOCK_DEBUG: '1' });
    expect(bundled.code).toBe(1);
    expect(bundled.stderr).toContain(
      `qlock:bin load ${path.join(pkg, 'dist/fastBundle-hook.cjs')}`,
    );
    expect(bundled.stderr).toContain('qlock:bin bundled fast path');
    expect(bundled.stderr).toContain('src/a.txt: locked by fa');

    // A dist file newer than the bundle (a plain `tsc` rebuild): the bundle is not trusted.
    const listed = Object.keys(
      JSON.parse(fs.readFileSync(path.join(pkg, 'dist/fastBundle-hook.json'), 'utf8')).files,
    );
    expect(listed).toContain('hooks/preCommit.js');
    const later = new Date(fs.statSync(path.join(pkg, 'dist/fastBundle-hook.cjs')).mtimeMs + 5000);
    fs.utimesSync(path.join(pkg, 'dist/hooks/preCommit.js'), later, later);
    const modules = await gitRun(fb, ['commit', '-qam', 'a'], { QLOCK_DEBUG: '1' });
    expect(modules.code).toBe(1);
    expect(modules.stderr).toContain('qlock:bin no fresh bundle: dist modules');
    expect(modules.stderr).not.toContain('fastBundle-hook.cjs');
    expect(modules.stderr).toContain('src/a.txt: locked by fa');
    expect(repo.git(['rev-list', '--count', 'HEAD'], fb)).toBe('1');
  });
});
