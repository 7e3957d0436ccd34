import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { join } from '../../src/commands/join.js';
import { makeRepo, type Repo, runQlock, testContext } from '../helpers/repo.js';

/**
 * Differential test (issue 21, point 9): random multi-session scenarios, fixed seeds. qlock's
 * prediction over uncommitted work (`qlock conflicts --json`, the built CLI; in some scenarios
 * several processes at once) is compared with what git itself does once every session's work is
 * committed on its branch: `git merge-tree --write-tree` of the two branches (verdict and
 * conflicting paths), and `git diff-tree -M` from each branch's merge-base with main (the files
 * both changed: overlaps).
 *
 * Scope (by design, not compared): line-level overlap kinds (`hunk` vs `file`, a qlock notion git
 * has no oracle for); files ignored by .gitignore or config `ignore` (none are generated);
 * submodules. In git's conflicted path list, the side git moved aside in a file/directory or
 * file/symlink conflict (`x~<branch>`) counts as the path `x`.
 */

type Rand = () => number;
function mulberry32(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const TEXT = ['src/f0.txt', 'src/f1.txt', 'src/f2.txt', 'src/f3.txt', 'docs/d0.md', 'docs/d1.md'];
const BINARY = 'assets/img.bin';
const SCRIPT = 'bin/run.sh';
const LINK = 'link';

function baseFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const f of TEXT)
    files[f] = Array.from({ length: 12 }, (_, i) => `${f} line ${i + 1}`).join('\n') + '\n';
  files[SCRIPT] = '#!/bin/sh\necho run\n';
  return files;
}

function git(cwd: string, args: string[], okCodes = [0]): { code: number; stdout: string } {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (!okCodes.includes(r.status ?? -1))
    throw new Error(`git ${args.join(' ')} in ${cwd}: ${r.status} ${r.stderr}`);
  return { code: r.status ?? -1, stdout: r.stdout };
}

function exists(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/** One random change to a working tree. */
function randomOp(r: Rand, dir: string, who: string): void {
  const text = pick(r, TEXT);
  const file = path.join(dir, text);
  const isFile = () => exists(file) && fs.lstatSync(file).isFile();
  switch (
    pick(r, [
      'edit',
      'edit',
      'edit',
      'delete',
      'rename',
      'add',
      'binary',
      'mode',
      'symlink',
      'filedir',
    ] as const)
  ) {
    case 'edit': {
      if (!isFile()) return;
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      const n = Math.floor(r() * 12);
      lines[n] = pick(r, ['same change', `changed by ${who}`, `changed by ${who} again`]);
      fs.writeFileSync(file, lines.join('\n'));
      return;
    }
    case 'delete':
      if (isFile()) fs.rmSync(file);
      return;
    case 'rename': {
      if (!isFile()) return;
      const to = path.join(dir, pick(r, ['moved/a.txt', `moved/${who}.txt`, `${text}.renamed`]));
      if (exists(to)) return;
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.renameSync(file, to);
      return;
    }
    case 'add': {
      const to = path.join(dir, pick(r, ['new/shared.txt', `new/${who}.txt`, 'new/other.txt']));
      if (exists(to) && !fs.lstatSync(to).isFile()) return;
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.writeFileSync(to, pick(r, ['new content\n', `new content of ${who}\n`]));
      return;
    }
    case 'binary': {
      const bin = path.join(dir, BINARY);
      fs.mkdirSync(path.dirname(bin), { recursive: true });
      const bytes = Buffer.from([0, 1, 2, 3, 0, 255, Math.floor(r() * 3), 0]);
      fs.writeFileSync(bin, bytes);
      return;
    }
    case 'mode': {
      const target = path.join(dir, pick(r, [SCRIPT, text]));
      if (!exists(target) || !fs.lstatSync(target).isFile()) return;
      const mode = fs.statSync(target).mode & 0o111 ? 0o644 : 0o755;
      fs.chmodSync(target, mode);
      return;
    }
    case 'symlink': {
      const link = path.join(dir, pick(r, [LINK, text]));
      if (exists(link) && fs.lstatSync(link).isDirectory()) return;
      fs.rmSync(link, { force: true });
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.symlinkSync(pick(r, ['src/f0.txt', 'src/f1.txt', '../README.md']), link);
      return;
    }
    case 'filedir': {
      if (!isFile()) return;
      fs.rmSync(file);
      fs.mkdirSync(file);
      fs.writeFileSync(path.join(file, 'inner.txt'), `inner of ${who}\n`);
      return;
    }
  }
}

interface Session {
  name: string;
  dir: string;
}

interface Scenario {
  repo: Repo;
  sessions: Session[];
}

/** Sessions forked from main at two points (main moves in between and after), random work. */
async function buildScenario(seed: number): Promise<Scenario> {
  const r = mulberry32(seed);
  const files = baseFiles();
  const repo = makeRepo({ files });
  fs.chmodSync(path.join(repo.root, SCRIPT), 0o755);
  fs.mkdirSync(path.join(repo.root, 'assets'));
  fs.writeFileSync(path.join(repo.root, BINARY), Buffer.from([0, 1, 2, 3, 0, 255, 9, 0]));
  fs.symlinkSync('src/f0.txt', path.join(repo.root, LINK));
  repo.commitAll('binary, mode, symlink');
  const count = 3 + Math.floor(r() * 2);
  const sessions: Session[] = [];
  for (let i = 0; i < count; i++) {
    if (i === Math.floor(count / 2) || (i > 0 && r() < 0.2)) {
      // main moves: later sessions fork from a newer main than earlier ones
      randomOp(r, repo.root, 'main');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '--allow-empty', '-m', `main moves before s${i}`]);
    }
    const name = `s${i}`;
    const dir = repo.worktree(name);
    await join({ name }, testContext(dir));
    const ops = 1 + Math.floor(r() * 3);
    const committed = r() < 0.35;
    for (let k = 0; k < ops; k++) randomOp(r, dir, name);
    if (committed) {
      git(dir, ['add', '-A']);
      git(dir, ['commit', '-q', '--no-verify', '--allow-empty', '-m', `${name} work`]);
      for (let k = 0; k < 1 + Math.floor(r() * 2); k++) randomOp(r, dir, name);
    }
    if (r() < 0.35) git(dir, ['add', '-A']); // staged
    sessions.push({ name, dir });
  }
  if (r() < 0.5) {
    randomOp(r, repo.root, 'main');
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '--allow-empty', '-m', 'main moves at the end']);
  }
  return { repo, sessions };
}

interface Verdict {
  conflict: boolean;
  paths: string[];
  overlaps: string[];
}

/** git's own answer, once each session's work is committed on its branch. */
function gitVerdicts(s: Scenario): Map<string, Verdict> {
  const root = s.repo.root;
  for (const { dir, name } of s.sessions) {
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-q', '--no-verify', '--allow-empty', '-m', `${name}: all work`]);
  }
  const touched = new Map<string, Set<string>>();
  const changedFromMain = (ref: string): Set<string> => {
    const mb = git(root, ['merge-base', ref, 'main']).stdout.trim();
    const out = git(root, ['diff-tree', '-r', '-z', '--name-status', '-M', mb, ref]).stdout;
    const fields = out.split('\0').filter((f) => f !== '');
    const set = new Set<string>();
    for (let i = 0; i < fields.length;) {
      const status = fields[i++]!;
      if (status.startsWith('R') || status.startsWith('C')) {
        const from = fields[i++]!;
        const to = fields[i++]!;
        set.add(to);
        if (status.startsWith('R')) set.add(from);
      } else set.add(fields[i++]!);
    }
    return set;
  };
  for (const { name } of s.sessions) touched.set(name, changedFromMain(name));
  const mainSide = (name: string): Set<string> => {
    const mb = git(root, ['merge-base', name, 'main']).stdout.trim();
    const out = git(root, ['diff-tree', '-r', '-z', '--name-status', '-M', mb, 'main']).stdout;
    const fields = out.split('\0').filter((f) => f !== '');
    const set = new Set<string>();
    for (let i = 0; i < fields.length;) {
      const status = fields[i++]!;
      if (status.startsWith('R') || status.startsWith('C')) {
        const from = fields[i++]!;
        set.add(fields[i++]!);
        if (status.startsWith('R')) set.add(from);
      } else set.add(fields[i++]!);
    }
    return set;
  };
  const verdict = (a: string, b: string, sideA: Set<string>, sideB: Set<string>): Verdict => {
    const m = git(root, ['merge-tree', '--write-tree', '--name-only', '-z', a, b], [0, 1]);
    const fields = m.stdout.split('\0');
    const listed: string[] = [];
    for (let i = 1; i < fields.length && fields[i] !== ''; i++) listed.push(fields[i]!);
    const strip = (p: string) => p.replace(new RegExp(`~(${a}|${b})(_\\d+)?$`), '');
    const overlaps = [...sideA].filter((p) => sideB.has(p)).sort();
    const conflict = m.code === 1;
    return { conflict, paths: conflict ? [...new Set(listed.map(strip))].sort() : [], overlaps };
  };
  const out = new Map<string, Verdict>();
  for (let i = 0; i < s.sessions.length; i++) {
    const a = s.sessions[i]!.name;
    for (let j = i + 1; j < s.sessions.length; j++) {
      const b = s.sessions[j]!.name;
      out.set(`${a}|${b}`, verdict(a, b, touched.get(a)!, touched.get(b)!));
    }
    out.set(`${a}|main`, verdict(a, 'main', touched.get(a)!, mainSide(a)));
  }
  return out;
}

interface QlockPair {
  a: string;
  b: string;
  conflict: boolean;
  paths: string[];
  overlaps: { path: string }[];
}

function disagreements(seed: number, qlock: QlockPair[], oracle: Map<string, Verdict>): string[] {
  const out: string[] = [];
  expect(qlock.length).toBe(oracle.size);
  for (const p of qlock) {
    const want = oracle.get(`${p.a}|${p.b}`);
    if (!want) {
      out.push(`seed ${seed}: unexpected pair ${p.a}/${p.b}`);
      continue;
    }
    const got: Verdict = {
      conflict: p.conflict,
      paths: [...p.paths].sort(),
      overlaps: p.overlaps.map((o) => o.path).sort(),
    };
    if (JSON.stringify(got) !== JSON.stringify(want))
      out.push(
        `seed ${seed} ${p.a}/${p.b}: qlock ${JSON.stringify(got)} git ${JSON.stringify(want)}`,
      );
  }
  return out;
}

/** Makes every session's real index look new to qlock, so each racing process re-seeds. */
function touchIndexes(s: Scenario): void {
  const later = new Date(Date.now() + 1000);
  for (const { dir } of s.sessions) {
    const index = git(dir, ['rev-parse', '--path-format=absolute', '--git-path', 'index']);
    fs.utimesSync(index.stdout.trim(), later, later);
  }
}

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
const RACE_SEEDS = new Set([2, 5, 8]);
const RACERS = 3;

describe('qlock conflicts agrees with git (differential, fixed seeds)', () => {
  it(
    'predicted conflicts, conflicting files and overlaps match merge-tree on the committed work',
    { timeout: 300_000 },
    async () => {
      const problems: string[] = [];
      let compared = 0;
      let raced = 0;
      for (const seed of SEEDS) {
        const t0 = Date.now();
        const s = await buildScenario(seed);
        const t1 = Date.now();
        const runs: QlockPair[][] = [];
        const first = await runQlock(['conflicts', '--json'], { cwd: s.repo.root });
        expect(first.code === 0 || first.code === 3, first.stderr).toBe(true);
        runs.push((JSON.parse(first.stdout) as { pairs: QlockPair[] }).pairs);
        if (RACE_SEEDS.has(seed)) {
          // Several qlock processes at once, each re-seeding its snapshots (the race of point 9),
          // then a run that answers from what they cached.
          touchIndexes(s);
          const all = await Promise.all(
            Array.from({ length: RACERS }, () =>
              runQlock(['conflicts', '--json'], { cwd: s.repo.root }),
            ),
          );
          for (const r of all) runs.push((JSON.parse(r.stdout) as { pairs: QlockPair[] }).pairs);
          const after = await runQlock(['conflicts', '--json'], { cwd: s.repo.root });
          runs.push((JSON.parse(after.stdout) as { pairs: QlockPair[] }).pairs);
          raced += RACERS;
        }
        const oracle = gitVerdicts(s);
        for (const pairs of runs) {
          problems.push(...disagreements(seed, pairs, oracle));
          compared += pairs.length;
        }
        if (process.env.QLOCK_DIFF_TIMING)
          console.log(`seed ${seed}: setup ${t1 - t0} ms, all ${Date.now() - t0} ms`);
      }
      console.log(
        `differential: ${SEEDS.length} scenarios, ${compared} pairs compared with git (${raced} runs racing), ${problems.length} disagreements`,
      );
      expect(problems).toEqual([]);
    },
  );
});
