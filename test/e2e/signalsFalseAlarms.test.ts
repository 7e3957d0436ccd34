import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it, onTestFinished } from 'vitest';

import type { QlockEvent } from '../../src/store/types.js';
import { BIN, lines, makePlainDir, makeRepo, runQlock, tempDir, waitFor } from '../helpers/repo.js';

/**
 * Issue 21 point 6, false alarms. Done elsewhere: a main-moved notice names the files of the last
 * move only (test/e2e/signalsDigest.test.ts, "the main-moved notice"). Here, through the built CLI,
 * each in both directions: nothing said where nothing happened, the signal where it did.
 */

/** A plain directory with qlock set up; `q` runs qlock with a home of the test's own. */
async function plainProject() {
  const root = makePlainDir({ 'f.txt': '1\n2\n3\n', 'g.txt': 'g\n', 'docs/d.md': 'd\n' });
  const home = tempDir('qlock-home');
  const env = { HOME: home, XDG_STATE_HOME: path.join(home, 'state'), XDG_CONFIG_HOME: home };
  const q = async (args: string[], cwd = root) => {
    const r = await runQlock(args, { cwd, env });
    expect(r.code, `qlock ${args.join(' ')}: ${r.stderr}${r.stdout}`).toBe(0);
    return r;
  };
  await q(['init']);
  const session = async (name: string, ...extra: string[]) =>
    (
      JSON.parse((await q(['new', name, '--copy', '--json', ...extra])).stdout) as {
        session: { path: string };
      }
    ).session.path;
  return { root, env, q, session };
}

interface StatusJson {
  sessions: {
    name: string;
    changed: string[];
    changes: { unstaged: string[]; deleted?: string[] };
    attention: { kind: string }[];
  }[];
}

describe('false alarms (issue 21.6)', () => {
  it('after `qlock sync`, `qlock watch` does not report the synced session as editing the files base brought in, while a real edit after the sync is still reported', async () => {
    const repo = makeRepo({
      files: { 'src/a.txt': lines('a', 20), 'src/b.txt': lines('b', 20), 'src/c.txt': 'c\n' },
    });
    const q = async (args: string[], cwd = repo.root) => {
      const r = await runQlock(args, { cwd });
      expect(r.code, `qlock ${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r;
    };
    await q(['init', '--no-hooks']);
    const dir = async (name: string) =>
      (JSON.parse((await q(['new', name, '--json'])).stdout) as { session: { path: string } })
        .session.path;
    const fa = await dir('fa');
    const fb = await dir('fb');
    // fb works on b.txt (near its top) and a.txt: files fa may come to touch.
    fs.writeFileSync(path.join(fb, 'src/b.txt'), `fb\n${lines('b', 20)}`);
    fs.appendFileSync(path.join(fb, 'src/a.txt'), 'fb\n');

    const child = spawn(process.execPath, [BIN, 'watch', '--json'], {
      cwd: repo.root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const events: QlockEvent[] = [];
    let stderr = '';
    let buffer = '';
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop()!;
      for (const line of parts) if (line.trim()) events.push(JSON.parse(line) as QlockEvent);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await waitFor(() => stderr.includes('Watching 2 sessions'), 30_000);

    // Base changes b.txt (at its end, clear of fb's line) and c.txt; fa syncs: git rewrites both
    // files in fa's tree, which is no edit of fa's.
    for (let round = 1; round <= 2; round++) {
      repo.write('src/b.txt', `${lines('b', 20)}main ${round}\n`);
      repo.write('src/c.txt', `c ${round}\n`);
      repo.commitAll(`main ${round}`);
      await q(['sync'], fa);
    }
    // Then a real edit of fa's, of a file fb changes too: that one is news for fb.
    fs.appendFileSync(path.join(fa, 'src/a.txt'), 'fa\n');
    const overlaps = () => events.filter((e) => e.kind === 'overlap');
    await waitFor(
      () => overlaps().find((e) => e.from === 'fa' && (e.paths ?? []).includes('src/a.txt')),
      30_000,
    );
    expect([...new Set(overlaps().flatMap((e) => e.paths ?? []))]).toEqual(['src/a.txt']);
    const inbox = await q(['inbox', '--all', '--peek'], fb);
    // fb hears that main moved under b.txt (true), and that fa started editing a.txt, only that.
    const editing = inbox.stdout.split('\n').filter((l) => l.includes('started editing'));
    expect(editing, inbox.stdout).toEqual([
      expect.stringContaining('fa started editing src/a.txt'),
    ]);
    expect(inbox.stdout).toContain('src/b.txt changed under your work');
    child.kill('SIGTERM');
  });

  it("plain-directory mode: the agent configs qlock wrote are no session's work (no overlap, `rm` removes an untouched session); a file the user wrote there still counts", async () => {
    const { root, env, q, session } = await plainProject();
    const a = await session('a', '--agent', 'claude');
    const b = await session('b', '--agent', 'claude');
    await q(['agent', 'install', 'gemini'], b);
    expect(fs.existsSync(path.join(a, '.claude/settings.local.json'))).toBe(true);
    expect(fs.existsSync(path.join(b, '.gemini/settings.json'))).toBe(true);

    // Silence: neither session did anything.
    const status = JSON.parse((await q(['status', '--json'])).stdout) as StatusJson;
    for (const s of status.sessions) {
      expect(s.changed, s.name).toEqual([]);
      expect(s.attention.filter((x) => x.kind === 'overlap')).toEqual([]);
    }
    expect((await q(['conflicts'])).stdout).not.toContain('overlapping:');
    // Uninstalling is qlock's own doing too: nothing "deleted".
    await q(['agent', 'uninstall', 'gemini'], b);
    const after = JSON.parse((await q(['status', '--json'])).stdout) as StatusJson;
    expect(after.sessions.find((s) => s.name === 'b')!.changed).toEqual([]);

    // Signal: what the user writes there is work, and an edit to qlock's config by hand too.
    fs.mkdirSync(path.join(b, '.claude/commands'), { recursive: true });
    fs.writeFileSync(path.join(b, '.claude/commands/review.md'), 'review\n');
    fs.appendFileSync(path.join(b, '.mcp.json'), '\n');
    const worked = JSON.parse((await q(['status', '--json'])).stdout) as StatusJson;
    expect(worked.sessions.find((s) => s.name === 'b')!.changed).toEqual([
      '.claude/commands/review.md',
      '.mcp.json',
    ]);
    const refused = await runQlock(['rm', 'b'], { cwd: root, env });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('2 file(s) with uncommitted changes');
    expect(fs.existsSync(b)).toBe(true);

    // The untouched session goes.
    expect((await q(['rm', 'a'])).stdout).toContain('Removed session "a"');
    expect(fs.existsSync(a)).toBe(false);
  });

  it('plain-directory mode: a deleted file is shown as deleted, not modified (status, conflicts, who)', async () => {
    const { q, session, root } = await plainProject();
    const a = await session('a');
    const b = await session('b');
    // Silence first: nothing deleted, no word of it.
    fs.appendFileSync(path.join(a, 'f.txt'), 'a\n');
    const quiet = await q(['status']);
    expect(quiet.stdout).toContain('changes: 1 modified');
    expect(quiet.stdout).not.toContain('deleted');
    expect((await q(['who', 'f.txt'])).stdout).not.toContain('deleted');

    fs.rmSync(path.join(a, 'g.txt'));
    fs.appendFileSync(path.join(b, 'g.txt'), 'b\n');
    const status = await q(['status']);
    expect(status.stdout).toContain('changes: 1 modified, 1 deleted');
    expect(status.stdout).toMatch(/\n {4}g\.txt \(deleted\)\n/);
    const json = JSON.parse((await q(['status', '--json'])).stdout) as StatusJson;
    const sa = json.sessions.find((s) => s.name === 'a')!;
    expect(sa.changes.deleted).toEqual(['g.txt']);
    expect(json.sessions.find((s) => s.name === 'b')!.changes.deleted).toBeUndefined();

    const conflicts = await runQlock(['conflicts'], { cwd: root });
    expect(conflicts.stdout).toContain('g.txt (deleted by a)');
    expect(conflicts.stdout).not.toContain('same lines');

    const who = await q(['who', 'g.txt']);
    expect(who.stdout).toContain('    a: deleted it\n');
    expect(who.stdout).toMatch(/\n {4}b\n?$/);
    expect((await q(['who', 'f.txt'])).stdout).not.toContain('deleted');
  });
});
