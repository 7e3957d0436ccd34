import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { StateError } from '../../src/errors.js';
import { readEvents } from '../../src/store/eventLog.js';
import {
  parseRegistry,
  readRegistry,
  registryPath,
  updateRegistry,
} from '../../src/store/registry.js';
import { emptyRegistry } from '../../src/store/types.js';
import { tempDir } from '../helpers/repo.js';

const session = (name: string) => ({
  name,
  path: `/tmp/${name}`,
  kind: 'worktree' as const,
  base: 'main',
  createdAt: '2026-01-01T00:00:00.000Z',
  lastSeen: '2026-01-01T00:00:00.000Z',
  cursor: 0,
});

describe('parseRegistry', () => {
  it('accepts a registry', () => {
    expect(parseRegistry(JSON.stringify(emptyRegistry()), 'f')).toEqual(emptyRegistry());
  });

  it.each([
    ['{"version":1,"sess', 'truncated JSON'],
    ['', 'empty file'],
    ['null', 'null'],
    ['[]', 'an array'],
    ['{"version":2,"sessions":{},"locks":[]}', 'an unknown version'],
    ['{"version":1,"sessions":[],"locks":[]}', 'sessions as an array'],
    ['{"version":1,"sessions":{}}', 'no locks'],
    ['{"version":1,"locks":[]}', 'no sessions'],
  ])('rejects %j (%s) with a StateError naming the file and the fix', (text) => {
    let error: unknown;
    try {
      parseRegistry(text, '/state/registry.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateError);
    expect((error as StateError).file).toBe('/state/registry.json');
    expect((error as Error).message).toContain('/state/registry.json');
    expect((error as Error).message).toContain('qlock doctor --fix');
  });
});

describe('parseRegistry: sessions and locks that are not what qlock writes', () => {
  const lock = { path: 'a.ts', session: 'a', reason: '', acquiredAt: '2026-01-01T00:00:00.000Z' };
  const text = (sessions: Record<string, unknown>, locks: unknown[] = []) =>
    JSON.stringify({ version: 1, sessions, locks });

  it('accepts what qlock writes, optional fields included', () => {
    const full = { ...session('a'), branch: 'qlock/a', baseTip: 'abc', pid: 12, agent: 'claude' };
    const expiring = { ...lock, expiresAt: '2026-01-01T01:00:00.000Z' };
    expect(parseRegistry(text({ a: full }, [lock, expiring]), 'f').locks).toHaveLength(2);
  });

  it.each(
    (
      [
        [text({ a: {} }), 'session "a" is stored under another name'],
        [text({ a: null }), 'session "a" is not an object'],
        [text({ a: { ...session('b') } }), 'session "a" is stored under another name'],
        [
          text({ a: { ...session('a'), path: 'relative/dir' } }),
          'session "a" has no absolute path',
        ],
        [text({ a: { ...session('a'), path: undefined } }), 'session "a" has no absolute path'],
        [text({ a: { ...session('a'), kind: 'vm' } }), 'session "a" has an unknown kind'],
        [text({ a: { ...session('a'), base: 3 } }), 'session "a" has no base'],
        [
          text({ a: { ...session('a'), lastSeen: 'yesterday' } }),
          'session "a" has a bad time stamp',
        ],
        [text({ a: { ...session('a'), cursor: -1 } }), 'session "a" has a bad inbox cursor'],
        [text({ a: { ...session('a'), branch: 7 } }), 'session "a" has a bad branch'],
        [text({}, [{}]), 'lock #1 has no path'],
        [text({}, [lock, 'a.ts']), 'lock #2 is not an object'],
        [text({}, [{ ...lock, session: undefined }]), 'lock #1 (a.ts) has no session'],
        [text({}, [{ ...lock, reason: null }]), 'lock #1 (a.ts) has no reason'],
        [text({}, [{ ...lock, expiresAt: 'never' }]), 'lock #1 (a.ts) has a bad time stamp'],
      ] as [string, string][]
    ).map(([registryText, problem]) => [problem, registryText] as const),
  )('corrupt: %s', (problem, registryText) => {
    let error: unknown;
    try {
      parseRegistry(registryText, '/state/registry.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateError);
    expect((error as Error).message).toContain(`/state/registry.json is corrupt (${problem})`);
    expect((error as Error).message).toContain('qlock doctor --fix');
  });
});

describe('readRegistry / updateRegistry', () => {
  it('a missing registry reads as empty; the state dir is created on first update', async () => {
    const stateDir = path.join(tempDir(), 'nested', 'qlock');
    expect(readRegistry(stateDir)).toEqual(emptyRegistry());
    await updateRegistry(stateDir, ({ registry }) => {
      registry.sessions.a = session('a');
    });
    expect(readRegistry(stateDir).sessions.a?.name).toBe('a');
  });

  it('writes only when something changed (no .prev churn for read-only transactions)', async () => {
    const stateDir = tempDir();
    await updateRegistry(stateDir, ({ registry }) => {
      registry.sessions.a = session('a');
    });
    const mtime = fs.statSync(registryPath(stateDir)).mtimeMs;
    const result = await updateRegistry(stateDir, ({ registry }) => Object.keys(registry.sessions));
    expect(result).toEqual(['a']);
    expect(fs.statSync(registryPath(stateDir)).mtimeMs).toBe(mtime);
    expect(fs.existsSync(`${registryPath(stateDir)}.prev`)).toBe(false);
  });

  it('keeps the previous version as registry.json.prev', async () => {
    const stateDir = tempDir();
    await updateRegistry(stateDir, ({ registry }) => {
      registry.sessions.a = session('a');
    });
    await updateRegistry(stateDir, ({ registry }) => {
      registry.sessions.b = session('b');
    });
    const prev = parseRegistry(fs.readFileSync(`${registryPath(stateDir)}.prev`, 'utf8'), 'prev');
    expect(Object.keys(prev.sessions)).toEqual(['a']);
    expect(Object.keys(readRegistry(stateDir).sessions).sort()).toEqual(['a', 'b']);
  });

  it('appends emitted events in the same transaction, and none when the callback throws', async () => {
    const stateDir = tempDir();
    await updateRegistry(stateDir, ({ registry, emit }) => {
      registry.sessions.a = session('a');
      emit({ kind: 'session-joined', from: 'a', message: 'a joined' });
    });
    await expect(
      updateRegistry(stateDir, ({ registry, emit }) => {
        registry.sessions.b = session('b');
        emit({ kind: 'session-joined', from: 'b', message: 'b joined' });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(readEvents(stateDir).events.map((e) => e.message)).toEqual(['a joined']);
    expect(Object.keys(readRegistry(stateDir).sessions)).toEqual(['a']);
  });

  it('a corrupt registry is an error naming it, and updateRegistry does not overwrite it', async () => {
    const stateDir = tempDir();
    const file = registryPath(stateDir);
    fs.writeFileSync(file, '{"version":1,"sessions":{"a":');
    expect(() => readRegistry(stateDir)).toThrow(StateError);
    expect(() => readRegistry(stateDir)).toThrow(file);
    await expect(
      updateRegistry(stateDir, ({ registry }) => {
        registry.locks = [];
      }),
    ).rejects.toThrow(/corrupt.*qlock doctor --fix/s);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"version":1,"sessions":{"a":');
  });

  it('a registry deleted while its previous version is there is an error, and nothing overwrites it', async () => {
    const stateDir = tempDir();
    const file = registryPath(stateDir);
    for (const name of ['a', 'b'])
      await updateRegistry(stateDir, ({ registry }) => {
        registry.sessions[name] = session(name);
      });
    const prev = fs.readFileSync(`${file}.prev`, 'utf8');
    fs.rmSync(file);
    expect(() => readRegistry(stateDir)).toThrow(StateError);
    expect(() => readRegistry(stateDir)).toThrow(/registry\.json is missing.*qlock doctor --fix/s);
    await expect(
      updateRegistry(stateDir, ({ registry }) => {
        registry.sessions.c = session('c');
      }),
    ).rejects.toThrow(StateError);
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readFileSync(`${file}.prev`, 'utf8')).toBe(prev);
  });

  it('an unreadable registry (a directory in its place) is a StateError too', () => {
    const stateDir = tempDir();
    fs.mkdirSync(registryPath(stateDir));
    expect(() => readRegistry(stateDir)).toThrow(StateError);
  });

  it('serialises concurrent updates within one process', async () => {
    const stateDir = tempDir();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        updateRegistry(stateDir, ({ registry }) => {
          registry.locks.push({
            path: `f${i}`,
            session: 's',
            reason: '',
            acquiredAt: '2026-01-01T00:00:00.000Z',
          });
        }),
      ),
    );
    expect(
      readRegistry(stateDir)
        .locks.map((l) => l.path)
        .sort(),
    ).toEqual(Array.from({ length: 20 }, (_, i) => `f${i}`).sort());
  });
});
