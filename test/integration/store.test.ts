import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { doctor } from '../../src/commands/doctor.js';
import { init } from '../../src/commands/init.js';
import { join } from '../../src/commands/join.js';
import { list } from '../../src/commands/list.js';
import { newSession } from '../../src/commands/new.js';
import { status } from '../../src/commands/status.js';
import { StateError } from '../../src/errors.js';
import { readRegistry, registryPath } from '../../src/store/registry.js';
import { makeRepo, type Repo, testContext } from '../helpers/repo.js';

/**
 * A corrupt state file gives a clear error naming it and a `qlock doctor --fix` path that keeps a
 * backup and restores the last good version: never a silent reset.
 */

async function setup(): Promise<{ repo: Repo; stateDir: string; file: string }> {
  const repo = makeRepo();
  await init({ hooks: false }, testContext(repo.root));
  await newSession({ name: 'a' }, testContext(repo.root));
  await newSession({ name: 'b' }, testContext(repo.root));
  const stateDir = path.join(repo.root, '.git', 'qlock');
  return { repo, stateDir, file: registryPath(stateDir) };
}

const backups = (stateDir: string) =>
  fs
    .readdirSync(stateDir)
    .filter((n) => n.startsWith('registry.json.corrupt-'))
    .sort();

const stateFinding = (result: Awaited<ReturnType<typeof doctor>>) =>
  result.findings.find((f) => f.check === 'state')!;

describe('a corrupt registry', () => {
  it('every command that needs it fails naming the file and `qlock doctor --fix`, changing nothing', async () => {
    const { repo, file } = await setup();
    const damaged = fs.readFileSync(file, 'utf8').slice(0, 40);
    fs.writeFileSync(file, damaged);
    for (const run of [
      () => list({}, testContext(repo.root)),
      () => status({}, testContext(repo.root)),
      () => newSession({ name: 'c' }, testContext(repo.root)),
      () => join({}, testContext(repo.root)),
    ]) {
      const error = await run().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StateError);
      expect((error as Error).message).toContain(file);
      expect((error as Error).message).toContain('qlock doctor --fix');
    }
    expect(fs.readFileSync(file, 'utf8')).toBe(damaged);
    expect(fs.existsSync(path.join(repo.parent, 'repo-c'))).toBe(false);
  });

  it('doctor reports it (exit 1) without touching it', async () => {
    const { repo, file } = await setup();
    fs.writeFileSync(file, '{"version":1,');
    const result = await doctor({}, testContext(repo.root));
    expect(result.exitCode).toBe(1);
    expect(stateFinding(result)).toMatchObject({
      ok: false,
      fix: expect.stringContaining('--fix'),
    });
    expect(stateFinding(result).message).toContain(file);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"version":1,');
  });

  it('doctor --fix keeps the damaged file and restores the last good version', async () => {
    const { repo, stateDir, file } = await setup();
    const lastGood = fs.readFileSync(`${file}.prev`, 'utf8');
    expect(Object.keys(JSON.parse(lastGood).sessions)).toEqual(['a']);
    fs.writeFileSync(file, 'garbage');
    const result = await doctor({ fix: true }, testContext(repo.root));
    expect(result.exitCode).toBe(0);
    expect(stateFinding(result).fixed).toContain('restored the last good registry');
    const [backup] = backups(stateDir);
    expect(fs.readFileSync(path.join(stateDir, backup!), 'utf8')).toBe('garbage');
    expect(stateFinding(result).fixed).toContain(backup);
    expect(fs.readFileSync(file, 'utf8')).toBe(lastGood);
    expect(Object.keys(readRegistry(stateDir).sessions)).toEqual(['a']);
    // Commands work again.
    expect((await list({}, testContext(repo.root))).sessions.map((s) => s.name)).toEqual(['a']);
  });

  it('without a good previous version: an empty registry, the damaged file kept, and it says so', async () => {
    const { repo, stateDir, file } = await setup();
    fs.writeFileSync(`${file}.prev`, 'also broken');
    fs.writeFileSync(file, '{"version":1,"sessions":{"a":{"name":');
    const result = await doctor({ fix: true }, testContext(repo.root));
    expect(stateFinding(result).fixed).toMatch(/started an empty registry.*qlock join/);
    expect(readRegistry(stateDir)).toEqual({ version: 1, sessions: {}, locks: [] });
    expect(backups(stateDir)).toHaveLength(1);
    expect(fs.readFileSync(path.join(stateDir, backups(stateDir)[0]!), 'utf8')).toBe(
      '{"version":1,"sessions":{"a":{"name":',
    );
  });

  it('no .prev at all: the same, never a silent reset', async () => {
    const { repo, stateDir, file } = await setup();
    fs.rmSync(`${file}.prev`);
    fs.writeFileSync(file, '[]');
    await doctor({ fix: true }, testContext(repo.root));
    expect(backups(stateDir)).toHaveLength(1);
    expect(readRegistry(stateDir).sessions).toEqual({});
  });

  it('a registry that parses but holds a broken entry is corrupt too, and --fix restores the last good one', async () => {
    const { repo, stateDir, file } = await setup();
    const lastGood = fs.readFileSync(`${file}.prev`, 'utf8');
    const damaged = JSON.stringify({ version: 1, sessions: { x: {} }, locks: [{}] });
    fs.writeFileSync(file, damaged);
    for (const run of [
      () => list({}, testContext(repo.root)),
      () => status({}, testContext(repo.root)),
    ]) {
      const error = await run().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StateError);
      expect((error as Error).message).toContain(`${file} is corrupt (session "x"`);
    }
    const report = await doctor({}, testContext(repo.root));
    expect(stateFinding(report)).toMatchObject({
      ok: false,
      fix: expect.stringContaining('--fix'),
    });
    expect(fs.readFileSync(file, 'utf8')).toBe(damaged);
    await doctor({ fix: true }, testContext(repo.root));
    expect(fs.readFileSync(file, 'utf8')).toBe(lastGood);
    expect(fs.readFileSync(path.join(stateDir, backups(stateDir)[0]!), 'utf8')).toBe(damaged);
  });

  it('a registry deleted by hand: every command says so (no silent reset), --fix restores it', async () => {
    const { repo, stateDir, file } = await setup();
    const lastGood = fs.readFileSync(`${file}.prev`, 'utf8');
    fs.rmSync(file);
    for (const run of [
      () => list({}, testContext(repo.root)),
      () => newSession({ name: 'c' }, testContext(repo.root)),
      () => join({}, testContext(repo.root)),
    ]) {
      const error = await run().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StateError);
      expect((error as Error).message).toContain(`${file} is missing`);
    }
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readFileSync(`${file}.prev`, 'utf8')).toBe(lastGood);
    const result = await doctor({ fix: true }, testContext(repo.root));
    expect(stateFinding(result).fixed).toContain('restored the missing registry');
    expect(fs.readFileSync(file, 'utf8')).toBe(lastGood);
    expect(Object.keys(readRegistry(stateDir).sessions)).toEqual(['a']);
    expect(fs.readFileSync(path.join(stateDir, backups(stateDir)[0]!), 'utf8')).toBe(lastGood);
  });

  it('a second repair at the same instant keeps both backups', async () => {
    const { repo, stateDir, file } = await setup();
    const now = () => new Date('2026-05-05T05:05:05.000Z');
    fs.writeFileSync(file, 'first damage');
    await doctor({ fix: true }, testContext(repo.root, { now }));
    fs.writeFileSync(file, 'second damage');
    await doctor({ fix: true }, testContext(repo.root, { now }));
    const kept = backups(stateDir).map((n) => fs.readFileSync(path.join(stateDir, n), 'utf8'));
    expect(kept.sort()).toEqual(['first damage', 'second damage']);
  });

  it('doctor --fix on a healthy state changes nothing', async () => {
    const { repo, stateDir, file } = await setup();
    const before = fs.readFileSync(file, 'utf8');
    const result = await doctor({ fix: true }, testContext(repo.root));
    expect(stateFinding(result)).toMatchObject({
      ok: true,
      message: expect.stringContaining('2 session(s)'),
    });
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(backups(stateDir)).toEqual([]);
  });

  it('doctor reports temp files of killed writers and --fix removes them', async () => {
    const { repo, stateDir } = await setup();
    const tmp = path.join(stateDir, '.registry.json.999999999.0123abcd.tmp');
    fs.writeFileSync(tmp, '{"version":1');
    const found = await doctor({}, testContext(repo.root));
    expect(found.findings).toContainEqual(
      expect.objectContaining({
        check: 'state',
        ok: false,
        message: expect.stringContaining('temp file'),
      }),
    );
    await doctor({ fix: true }, testContext(repo.root));
    expect(fs.existsSync(tmp)).toBe(false);
  });
});
