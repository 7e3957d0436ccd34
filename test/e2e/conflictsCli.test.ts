import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { makeRepo, runQlock, tempDir } from '../helpers/repo.js';

/** The built CLI: exit codes, --json on stdout only, usage errors. */
async function setup() {
  const repo = makeRepo();
  const a = repo.worktree('a');
  const b = repo.worktree('b');
  for (const [dir, name] of [
    [a, 'a'],
    [b, 'b'],
  ] as const) {
    const joined = await runQlock(['join', name], { cwd: dir });
    expect(joined.code, joined.stderr).toBe(0);
  }
  const edit = (dir: string, n: number, text: string) => {
    const file = path.join(dir, 'src/a.txt');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines[n - 1] = text;
    fs.writeFileSync(file, lines.join('\n'));
  };
  return { repo, a, b, edit };
}

describe('qlock conflicts (built CLI)', () => {
  it('--check exits 0 without conflicts and 3 with one; --json prints only the report', async () => {
    const { repo, a, b, edit } = await setup();
    edit(a, 2, 'A2');
    edit(b, 15, 'B15');
    const clean = await runQlock(['conflicts', '--check'], { cwd: repo.root });
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toContain('a ↔ b: merges cleanly');
    expect(clean.stdout).toContain('src/a.txt (different lines, merges cleanly)');

    edit(b, 2, 'B2');
    const check = await runQlock(['conflicts', '--check', '--json'], { cwd: repo.root });
    expect(check.code).toBe(3);
    expect(check.stderr).toBe('');
    const report = JSON.parse(check.stdout) as {
      pairs: { a: string; b: string; conflict: boolean; paths: string[] }[];
    };
    expect(report.pairs.map((p) => [p.a, p.b, p.conflict, p.paths])).toEqual([
      ['a', 'b', true, ['src/a.txt']],
      ['a', 'main', false, []],
      ['b', 'main', false, []],
    ]);

    const pair = await runQlock(['conflicts', 'b', 'a', '--json'], { cwd: repo.root });
    expect(pair.code).toBe(0);
    expect((JSON.parse(pair.stdout) as { pairs: unknown[] }).pairs).toHaveLength(1);
    const withBase = await runQlock(['conflicts', 'a', 'main', '--json'], { cwd: repo.root });
    expect(
      (JSON.parse(withBase.stdout) as { pairs: { b: string }[] }).pairs.map((p) => p.b),
    ).toEqual(['main']);
  });

  it('a session whose directory is gone is named as left out, not skipped silently', async () => {
    const { repo, b } = await setup();
    fs.renameSync(b, `${b}-moved`);
    const out = await runQlock(['conflicts', 'a', 'b'], { cwd: repo.root });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain(
      'Left out (directory gone): b. Run `qlock gc` to clean up, or `qlock rm <name>`.',
    );
    const json = JSON.parse((await runQlock(['conflicts', '--json'], { cwd: repo.root })).stdout);
    expect(json.note).toContain('Left out (directory gone): b.');
    expect(json.pairs.map((p: { a: string; b: string }) => `${p.a}/${p.b}`)).toEqual(['a/main']);
  });

  it('an unknown name is a usage error (exit 2)', async () => {
    const { repo } = await setup();
    const bad = await runQlock(['conflicts', 'nosuch'], { cwd: repo.root });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('No session or base branch named "nosuch"');
    const twice = await runQlock(['conflicts', 'a', 'a'], { cwd: repo.root });
    expect(twice.code).toBe(2);
  });

  it('qlock sync refuses a dirty tree (exit 1) and reports a conflict with exit 1, changing nothing', async () => {
    const { repo, a, edit } = await setup();
    edit(repo.root, 2, 'MAIN2');
    repo.commitAll('main moves');
    edit(a, 2, 'A2');
    const dirty = await runQlock(['sync'], { cwd: a });
    expect(dirty.code).toBe(1);
    expect(dirty.stderr).toContain('qlock sync --autostash');
    repo.commitAll('a: line 2', a);
    const head = repo.git(['rev-parse', 'HEAD'], a);
    const conflict = await runQlock(['sync', '--merge'], { cwd: a });
    expect(conflict.code).toBe(1);
    expect(conflict.stdout).toContain('conflicts in src/a.txt. Nothing was changed');
    expect(repo.git(['rev-parse', 'HEAD'], a)).toBe(head);
    expect(repo.git(['status', '--porcelain'], a)).toBe('');
  });

  it('on a git without merge-tree --write-tree (2.37): overlap-only prediction, and it says so', async () => {
    const { repo, a, b, edit } = await setup();
    // A git that reports 2.37 and, like it, has no merge-tree --write-tree (usage error, 129).
    const realGit = (process.env.PATH ?? '')
      .split(path.delimiter)
      .map((dir) => path.join(dir, 'git'))
      .find((file) => fs.existsSync(file))!;
    const bin = tempDir('old-git');
    fs.writeFileSync(
      path.join(bin, 'git'),
      [
        '#!/bin/sh',
        'skip=0; cmd=',
        'for arg in "$@"; do',
        '  if [ $skip = 1 ]; then skip=0; continue; fi',
        '  case "$arg" in -c|-C) skip=1 ;; -*) ;; *) cmd=$arg; break ;; esac',
        'done',
        'case "$cmd" in',
        '  version) echo "git version 2.37.1"; exit 0 ;;',
        '  merge-tree) echo "usage: git merge-tree <base-tree> <branch1> <branch2>" >&2; exit 129 ;;',
        'esac',
        `exec ${realGit} "$@"`,
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    const env = { PATH: `${bin}${path.delimiter}${process.env.PATH}` };
    edit(a, 5, 'A5');
    edit(b, 5, 'B5');
    const text = await runQlock(['conflicts', '--check'], { cwd: repo.root, env });
    expect(text.code, text.stderr).toBe(3);
    expect(text.stdout).toContain('a ↔ b: conflict in src/a.txt');
    expect(text.stdout).toContain(
      'This git has no `merge-tree --write-tree` (git 2.38+): conflicts are predicted from overlapping lines only.',
    );
    const json = await runQlock(['conflicts', '--json'], { cwd: repo.root, env });
    const report = JSON.parse(json.stdout) as { mergeTree: boolean; note: string };
    expect(report.mergeTree).toBe(false);
    expect(report.note).toContain('overlapping lines only');
    // the real git again: exact prediction, no note
    const exact = JSON.parse((await runQlock(['conflicts', '--json'], { cwd: repo.root })).stdout);
    expect(exact).toMatchObject({ mergeTree: true });
    expect(exact.note).toBeUndefined();
  });
});
