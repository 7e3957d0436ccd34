import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { inboxMessages, landRepo, repoState } from './landHelpers.js';

/** `qlock land` with the built CLI, real git, real hooks (installed by `qlock init`). */

interface LandJson {
  results: {
    session: string;
    ok: boolean;
    landed: boolean;
    from: string;
    to: string;
    notified: string[];
    baseCheckouts: string[];
    check: { ok: boolean; log: string } | null;
    failure?: { stage: string; files?: string[] };
  }[];
  stoppedAt?: string;
  notTried: string[];
  removed: string[];
}

describe('qlock land: one session', () => {
  it.each(['ff', 'merge', 'squash'] as const)(
    'lands with strategy %s: base moves, its checkout shows it, the others are told',
    async (strategy) => {
      const t = await landRepo(['a', 'b'], { land: { strategy } });
      const { repo, dirs } = t;
      t.edit(dirs.a!, 'src/a.txt', 3, 'A3');
      const aHead = t.commit(dirs.a!, 'a: line 3');
      // b works on the file a changes: it must hear which of its files moved.
      t.edit(dirs.b!, 'src/a.txt', 15, 'B15');
      const before = repo.git(['rev-parse', 'main']);

      const out = await t.qlock(['land', 'a', '--json']);
      expect(out.code, out.stderr).toBe(0);
      const json = JSON.parse(out.stdout) as LandJson;
      const r = json.results[0]!;
      expect(r).toMatchObject({ session: 'a', ok: true, landed: true, from: before });
      expect(r.check).toBeNull();
      const tip = repo.git(['rev-parse', 'main']);
      expect(r.to).toBe(tip);
      if (strategy === 'ff') expect(tip).toBe(aHead);
      if (strategy === 'merge') {
        expect(repo.git(['rev-parse', 'main^1'])).toBe(before);
        expect(repo.git(['rev-parse', 'main^2'])).toBe(aHead);
      }
      if (strategy === 'squash') {
        expect(repo.git(['rev-list', '--parents', '-n1', 'main']).split(' ')).toEqual([
          tip,
          before,
        ]);
        expect(repo.git(['rev-parse', 'main^{tree}'])).toBe(
          repo.git(['rev-parse', `${aHead}^{tree}`]),
        );
      }
      // The base checkout (the main worktree) shows the new tree, clean.
      expect(repo.read('src/a.txt').split('\n')[2]).toBe('A3');
      expect(repo.git(['status', '--porcelain'])).toBe('');
      expect(r.baseCheckouts).toEqual([repo.root]);
      // b is told, once, naming its file; a is not told about its own landing.
      expect(r.notified).toEqual(['b']);
      const inboxB = inboxMessages((await t.qlock(['inbox', '--json', '--peek'], dirs.b)).stdout);
      const moved = inboxB.filter((e) => e.kind === 'main-moved');
      expect(moved).toHaveLength(1);
      expect(moved[0]!.paths).toEqual(['src/a.txt']);
      const inboxA = inboxMessages((await t.qlock(['inbox', '--json', '--peek'], dirs.a)).stdout);
      expect(inboxA.filter((e) => e.kind === 'main-moved')).toEqual([]);
      // Without a check, the output says that nothing was checked.
      const text = await t.qlock(['land', 'a']);
      expect(text.stdout).toContain('nothing to land');
    },
  );

  it('says plainly when nothing was checked, and runs a configured check, streaming its output', async () => {
    const t = await landRepo(['a']);
    t.edit(t.dirs.a!, 'src/a.txt', 3, 'A3');
    t.commit(t.dirs.a!, 'a: line 3');
    const out = await t.qlock(['land', '--check', 'echo checking-output-here'], t.dirs.a);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toContain('checking-output-here');
    expect(out.stdout).toContain('Check passed: `echo checking-output-here`');
    expect(out.stdout).not.toContain('Nothing was checked');

    t.edit(t.dirs.a!, 'src/a.txt', 4, 'A4');
    t.commit(t.dirs.a!, 'a: line 4');
    const unchecked = await t.qlock(['land'], t.dirs.a);
    expect(unchecked.code, unchecked.stderr).toBe(0);
    expect(unchecked.stdout).toContain('Nothing was checked: no check configured');
  });
});

describe('qlock land: a failure changes nothing', () => {
  it('a failing check (after a rebase onto a moved base) lands nothing and changes nothing', async () => {
    const t = await landRepo(['a', 'b'], { land: { check: 'echo the-check-ran; exit 3' } });
    const { repo, dirs } = t;
    t.edit(dirs.a!, 'src/a.txt', 3, 'A3');
    t.commit(dirs.a!, 'a: line 3');
    // Uncommitted work of every kind in the session, set aside with --autostash.
    t.edit(dirs.a!, 'src/b.txt', 2, 'staged');
    repo.git(['add', 'src/b.txt'], dirs.a);
    t.edit(dirs.a!, 'src/b.txt', 9, 'unstaged');
    repo.write('notes.txt', 'untracked\n', dirs.a);
    // base moved: the landing has to rebase a first.
    t.edit(repo.root, 'src/b.txt', 18, 'MAIN18');
    t.commit(repo.root, 'main: line 18');
    const before = repoState(repo, [dirs.a!, dirs.b!]);

    const out = await t.qlock(['land', 'a', '--autostash']);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('the-check-ran');
    expect(out.stdout).toContain('failed (exit 3)');
    expect(out.stdout).toContain('Nothing was changed');
    const log = /Its output is in (\S+)\./.exec(out.stdout)?.[1];
    expect(log).toBeDefined();
    expect(fs.readFileSync(log!, 'utf8')).toContain('the-check-ran');
    expect(repoState(repo, [dirs.a!, dirs.b!])).toEqual(before);
    // And no one was told anything.
    const inboxB = inboxMessages((await t.qlock(['inbox', '--json', '--peek'], dirs.b)).stdout);
    expect(inboxB.filter((e) => e.kind === 'main-moved' && e.paths?.includes('src/a.txt'))).toEqual(
      [],
    );
  });

  it('a check past its time limit is stopped and nothing lands', async () => {
    const t = await landRepo(['a'], { land: { check: 'sleep 30', checkTimeout: '1s' } });
    t.edit(t.dirs.a!, 'src/a.txt', 3, 'A3');
    t.commit(t.dirs.a!, 'a: line 3');
    const before = repoState(t.repo, [t.dirs.a!]);
    const out = await t.qlock(['land', 'a']);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('did not finish within 1s');
    expect(repoState(t.repo, [t.dirs.a!])).toEqual(before);
  });

  it('a conflicting land is refused with the file named and nothing changed', async () => {
    const t = await landRepo(['a']);
    const { repo, dirs } = t;
    t.edit(dirs.a!, 'src/a.txt', 5, 'A5');
    t.commit(dirs.a!, 'a: line 5');
    t.edit(repo.root, 'src/a.txt', 5, 'MAIN5');
    t.commit(repo.root, 'main: line 5');
    const before = repoState(repo, [dirs.a!]);
    const out = await t.qlock(['land', 'a', '--check', 'echo SHOULD-NOT-RUN']);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('conflicts in src/a.txt');
    expect(out.stdout).toContain('Nothing was changed');
    expect(out.stderr).not.toContain('SHOULD-NOT-RUN');
    expect(repoState(repo, [dirs.a!])).toEqual(before);
  });

  it('a lock held by another session on the landed work is respected (exit 3); one elsewhere is not in the way', async () => {
    const t = await landRepo(['a', 'b']);
    const { repo, dirs } = t;
    t.edit(dirs.a!, 'src/a.txt', 3, 'A3');
    t.commit(dirs.a!, 'a: line 3');
    expect((await t.qlock(['lock', 'src/a.txt', '--reason', 'renaming'], dirs.b)).code).toBe(0);
    const before = repoState(repo, [dirs.a!, dirs.b!]);
    const out = await t.qlock(['land', 'a']);
    expect(out.code).toBe(3);
    expect(out.stdout).toContain('src/a.txt by b');
    expect(out.stdout).toContain('renaming');
    expect(repoState(repo, [dirs.a!, dirs.b!])).toEqual(before);

    expect((await t.qlock(['unlock', 'src/a.txt'], dirs.b)).code).toBe(0);
    expect((await t.qlock(['lock', 'src/b.txt'], dirs.b)).code).toBe(0);
    const ok = await t.qlock(['land', 'a']);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
  });

  it('base moving during the check: nothing lands, the session is put back, the new base stays', async () => {
    const t = await landRepo(['a', 'b']);
    const { repo, dirs } = t;
    t.edit(dirs.a!, 'src/a.txt', 3, 'A3');
    t.commit(dirs.a!, 'a: line 3');
    const before = repoState(repo, [dirs.a!, dirs.b!]);
    // The check itself moves base (another session's landing, a push, a fetch…).
    const moveBase = `git -C ${JSON.stringify(repo.root)} commit -q --allow-empty -m moved-meanwhile`;
    const out = await t.qlock(['land', 'a', '--check', moveBase]);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('main moved while landing');
    const after = repoState(repo, [dirs.a!, dirs.b!]);
    const moved = repo.git(['rev-parse', 'main']);
    expect(repo.git(['log', '-1', '--format=%s', 'main'])).toBe('moved-meanwhile');
    // Everything but main (and the main worktree's HEAD, which is main) is as before.
    const expected = structuredClone(before) as Record<string, unknown>;
    expected.refs = (before.refs as string).replace(/^(refs\/heads\/main) \w+$/m, `$1 ${moved}`);
    (expected[repo.root] as { head: string }).head = `refs/heads/main ${moved}`;
    expect(after).toEqual(expected);
  });

  it('a lock taken during the check stops the landing (exit 3) and changes nothing', async () => {
    const t = await landRepo(['a', 'b']);
    const { repo, dirs } = t;
    t.edit(dirs.a!, 'src/a.txt', 3, 'A3');
    t.commit(dirs.a!, 'a: line 3');
    const before = repoState(repo, [dirs.a!, dirs.b!]);
    const bin = path.resolve(import.meta.dirname, '../../bin/qlock.js');
    const lock = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} -C ${JSON.stringify(dirs.b!)} lock src/a.txt --reason grabbed`;
    const out = await t.qlock(['land', 'a', '--check', lock]);
    expect(out.code, out.stdout + out.stderr).toBe(3);
    expect(out.stdout).toContain('taken while landing');
    const after = repoState(repo, [dirs.a!, dirs.b!]);
    expect(after).toEqual(before);
  });

  it("base's checkout with a local change the landing would overwrite: refused; elsewhere: carried along", async () => {
    const t = await landRepo(['a']);
    const { repo, dirs } = t;
    t.edit(dirs.a!, 'src/a.txt', 3, 'A3');
    t.commit(dirs.a!, 'a: line 3');
    t.edit(repo.root, 'src/a.txt', 19, 'local edit in main');
    const before = repoState(repo, [dirs.a!]);
    const out = await t.qlock(['land', 'a']);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain(`${repo.root} (src/a.txt)`);
    expect(repoState(repo, [dirs.a!])).toEqual(before);

    repo.git(['checkout', '--', 'src/a.txt']);
    t.edit(repo.root, 'src/b.txt', 19, 'local edit elsewhere');
    const ok = await t.qlock(['land', 'a']);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(repo.read('src/a.txt').split('\n')[2]).toBe('A3');
    expect(repo.read('src/b.txt').split('\n')[18]).toBe('local edit elsewhere');
    expect(repo.git(['status', '--porcelain'])).toBe('M src/b.txt');
  });

  it('a dirty session is refused without --autostash; with it, lands and gets its changes back', async () => {
    const t = await landRepo(['a']);
    const { repo, dirs } = t;
    t.edit(dirs.a!, 'src/a.txt', 3, 'A3');
    t.commit(dirs.a!, 'a: line 3');
    t.edit(dirs.a!, 'src/b.txt', 2, 'staged');
    repo.git(['add', 'src/b.txt'], dirs.a);
    t.edit(dirs.a!, 'src/b.txt', 9, 'unstaged');
    const before = repoState(repo, [dirs.a!]);
    const refused = await t.qlock(['land', 'a']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('uncommitted changes (src/b.txt)');
    expect(refused.stdout).toContain('--autostash');
    expect(repoState(repo, [dirs.a!])).toEqual(before);

    const staged = repo.git(['diff', '--cached'], dirs.a);
    const unstaged = repo.git(['diff'], dirs.a);
    const ok = await t.qlock(['land', 'a', '--autostash']);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(repo.git(['diff', '--cached'], dirs.a)).toBe(staged);
    expect(repo.git(['diff'], dirs.a)).toBe(unstaged);
    expect(repo.git(['stash', 'list'], dirs.a)).toBe('');
    // Only the committed work landed.
    expect(repo.read('src/b.txt')).not.toContain('staged');
  });
});

describe('qlock land: several sessions, --rm', () => {
  it('lands one after another and stops at the first failure; those before stay landed', async () => {
    const t = await landRepo(['a', 'b', 'c']);
    const { repo, dirs } = t;
    t.edit(dirs.a!, 'src/a.txt', 5, 'A5');
    t.commit(dirs.a!, 'a: line 5');
    t.edit(dirs.b!, 'src/a.txt', 5, 'B5');
    t.commit(dirs.b!, 'b: line 5');
    t.edit(dirs.c!, 'src/b.txt', 5, 'C5');
    t.commit(dirs.c!, 'c: line 5');
    const bBefore = repoState(repo, [dirs.b!, dirs.c!]);
    const out = await t.qlock(['land', 'a', 'b', 'c']);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('Landed "a" into main');
    expect(out.stdout).toContain('conflicts in src/a.txt');
    expect(out.stdout).toContain(
      'Stopped at "b". Landed before it (they stay landed): a. Not tried: c.',
    );
    expect(repo.read('src/a.txt').split('\n')[4]).toBe('A5');
    // b and c untouched; main is a's.
    const after = repoState(repo, [dirs.b!, dirs.c!]) as Record<string, unknown>;
    expect(after[dirs.b!]).toEqual(bBefore[dirs.b!]);
    expect(after[dirs.c!]).toEqual(bBefore[dirs.c!]);

    const json = JSON.parse((await t.qlock(['land', 'c', '--rm', '--json'])).stdout) as LandJson;
    expect(json.results[0]!.landed).toBe(true);
    expect(json.removed).toEqual(['c']);
    expect(fs.existsSync(dirs.c!)).toBe(false);
  });

  it('--rm after a squash removes the session (its work is in base by content)', async () => {
    const t = await landRepo(['a']);
    t.edit(t.dirs.a!, 'src/a.txt', 3, 'A3');
    t.commit(t.dirs.a!, 'a: line 3');
    const out = await t.qlock(['land', 'a', '--strategy', 'squash', '--rm']);
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toContain('Removed session "a"');
    expect(fs.existsSync(t.dirs.a!)).toBe(false);
  });

  it('--rm refuses what rm refuses (untracked work left in the session), after landing', async () => {
    const t = await landRepo(['a']);
    t.edit(t.dirs.a!, 'src/a.txt', 3, 'A3');
    t.commit(t.dirs.a!, 'a: line 3');
    t.repo.write('scratch.txt', 'keep me\n', t.dirs.a);
    const out = await t.qlock(['land', 'a', '--rm']);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('Landed "a" into main');
    expect(out.stdout).toContain('was not removed');
    expect(fs.readFileSync(path.join(t.dirs.a!, 'scratch.txt'), 'utf8')).toBe('keep me\n');
  });
});
