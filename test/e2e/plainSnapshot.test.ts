import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { lines, makePlainDir, runQlock } from '../helpers/repo.js';

/**
 * Plain directories measure a session's changes against the manifest of its snapshot. A damaged
 * manifest must not read as "every file is new" (every other session would then overlap with
 * it): each command names it and `qlock doctor --fix` rebuilds it from the snapshot's copies.
 */

interface StatusJson {
  sessions: { name: string; changed: string[]; attention: { kind: string; message: string }[] }[];
}

async function twoCopies() {
  const root = makePlainDir({ 'a.txt': lines('a', 10), 'b.txt': lines('b', 10), 'c.txt': 'c\n' });
  expect((await runQlock(['init'], { cwd: root })).code).toBe(0);
  for (const name of ['one', 'two']) {
    const made = await runQlock(['new', name, '--copy'], { cwd: root });
    expect(made.code, made.stderr).toBe(0);
  }
  const one = path.join(path.dirname(root), 'plain-one');
  const manifest = path.join(root, '.qlock', 'snapshots', 'one', 'manifest.json');
  expect(fs.existsSync(manifest)).toBe(true);
  return { root, one, two: path.join(path.dirname(root), 'plain-two'), manifest };
}

describe('a plain-directory session whose snapshot manifest is damaged', () => {
  it('is named by status, conflicts, rm and doctor; doctor --fix rebuilds it exactly', async () => {
    const { root, one, two, manifest } = await twoCopies();
    fs.appendFileSync(path.join(one, 'a.txt'), 'one was here\n');
    fs.appendFileSync(path.join(two, 'b.txt'), 'two was here\n');
    fs.writeFileSync(manifest, '{"a.txt": {"size": 1'); // torn

    const status = await runQlock(['status', '--json'], { cwd: root });
    expect(status.code, status.stderr).toBe(0);
    const rows = (JSON.parse(status.stdout) as StatusJson).sessions;
    const first = rows.find((s) => s.name === 'one')!;
    expect(first.changed).toEqual([]);
    expect(first.attention).toContainEqual({
      kind: 'unreadable',
      message: expect.stringMatching(
        /^The snapshot manifest .*manifest\.json is unreadable \(.*\): run `qlock doctor --fix`/,
      ),
    });
    expect(rows.find((s) => s.name === 'two')!.changed).toEqual(['b.txt']);

    const conflicts = await runQlock(['conflicts', '--json'], { cwd: root });
    expect(conflicts.code, conflicts.stderr).toBe(0);
    expect((JSON.parse(conflicts.stdout) as { note: string }).note).toContain(
      'Session "one" was left out: The snapshot manifest',
    );

    const rm = await runQlock(['rm', 'one'], { cwd: root });
    expect(rm.code).toBe(1);
    expect(rm.stderr).toContain('Refusing to remove session "one": what it changed is unknown.');
    expect(rm.stderr).toContain('qlock rm one --keep-worktree');
    expect(fs.existsSync(path.join(one, 'a.txt'))).toBe(true);

    const doctor = await runQlock(['doctor', '--json'], { cwd: root });
    const findings = (JSON.parse(doctor.stdout) as { findings: { ok: boolean; message: string }[] })
      .findings;
    expect(findings).toContainEqual(
      expect.objectContaining({
        ok: false,
        message: `Session "one": its snapshot manifest ${manifest} is unreadable, so its changes cannot be measured`,
      }),
    );

    const fixed = await runQlock(['doctor', '--fix'], { cwd: root });
    expect(fixed.stdout + fixed.stderr).toContain(
      'rebuilt the snapshot manifest of "one" from its 3 copied file(s)',
    );
    const backups = fs.readdirSync(path.dirname(manifest)).filter((f) => f.includes('.corrupt-'));
    expect(backups).toHaveLength(1);
    expect(fs.readFileSync(path.join(path.dirname(manifest), backups[0]!), 'utf8')).toBe(
      '{"a.txt": {"size": 1',
    );
    // Unchanged files keep their mtime (later runs compare stats); the changed one is hashed.
    const rebuilt = JSON.parse(fs.readFileSync(manifest, 'utf8')) as Record<
      string,
      { mtimeMs: number }
    >;
    expect(rebuilt['a.txt']!.mtimeMs).toBe(-1);
    expect(rebuilt['b.txt']!.mtimeMs).toBe(fs.statSync(path.join(one, 'b.txt')).mtimeMs);
    // Exactly the file that differs from the copy, not every file.
    const after = JSON.parse((await runQlock(['status', '--json'], { cwd: root })).stdout);
    const again = (after as StatusJson).sessions.find((s) => s.name === 'one')!;
    expect(again.changed).toEqual(['a.txt']);
    expect(again.attention.map((a) => a.kind)).not.toContain('unreadable');
  });

  it('a manifest deleted or replaced by something else is named the same way', async () => {
    const { root, manifest } = await twoCopies();
    for (const damage of [() => fs.rmSync(manifest), () => fs.writeFileSync(manifest, '[1,2]')]) {
      damage();
      const status = JSON.parse((await runQlock(['status', '--json'], { cwd: root })).stdout);
      const first = (status as StatusJson).sessions.find((s) => s.name === 'one')!;
      expect(first.changed).toEqual([]);
      expect(first.attention.find((a) => a.kind === 'unreadable')?.message).toMatch(
        /snapshot manifest .* is unreadable \((missing|not a manifest)\)/,
      );
    }
  });
});
