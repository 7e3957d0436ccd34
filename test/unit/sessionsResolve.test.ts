import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { QlockError } from '../../src/errors.js';
import {
  currentSession,
  isInside,
  requireCurrentSession,
  requireSession,
  sessionForPath,
} from '../../src/sessions/resolveSession.js';
import type { Registry, Session } from '../../src/store/types.js';
import { testContext } from '../helpers/repo.js';

function registry(paths: Record<string, string>): Registry {
  const sessions: Record<string, Session> = {};
  for (const [name, p] of Object.entries(paths)) {
    sessions[name] = {
      name,
      path: p,
      kind: 'worktree',
      base: 'main',
      createdAt: '2026-01-01T00:00:00.000Z',
      lastSeen: '2026-01-01T00:00:00.000Z',
      cursor: 0,
    };
  }
  return { version: 1, sessions, locks: [] };
}

// Paths that do not exist: realpath falls back to path.resolve.
const ROOT = path.join('/nonexistent-qlock', 'proj');
const reg = registry({
  main: ROOT,
  inner: path.join(ROOT, 'nested', 'wt'),
  sibling: `${ROOT}-sibling`,
});

describe('isInside', () => {
  it('is true for the directory itself and anything below it', () => {
    expect(isInside('/a/b', '/a/b')).toBe(true);
    expect(isInside('/a/b', '/a/b/c/d')).toBe(true);
  });
  it('is false for siblings sharing a prefix and for parents', () => {
    expect(isInside('/a/b', '/a/bc')).toBe(false);
    expect(isInside('/a/b', '/a')).toBe(false);
    expect(isInside('/a/b', '/x/a/b')).toBe(false);
  });
  it('a child whose name starts with two dots is inside', () => {
    expect(isInside('/a', '/a/..b')).toBe(true);
    expect(isInside('/a/b', '/a/..b')).toBe(false);
  });
});

describe('sessionForPath', () => {
  it('picks the deepest session containing the directory', () => {
    expect(sessionForPath(reg, path.join(ROOT, 'src'))?.name).toBe('main');
    expect(sessionForPath(reg, path.join(ROOT, 'nested', 'wt', 'src'))?.name).toBe('inner');
    expect(sessionForPath(reg, path.join(ROOT, 'nested'))?.name).toBe('main');
  });
  it('does not confuse a sibling whose name extends the path', () => {
    expect(sessionForPath(reg, `${ROOT}-sibling/x`)?.name).toBe('sibling');
    expect(sessionForPath(reg, `${ROOT}-other`)).toBeUndefined();
  });
});

describe('currentSession', () => {
  it('--session wins over QLOCK_SESSION, which wins over the cwd', () => {
    const cwd = path.join(ROOT, 'nested', 'wt');
    expect(currentSession(testContext(cwd), reg)?.name).toBe('inner');
    const env = { ...process.env, QLOCK_SESSION: 'sibling' };
    expect(currentSession(testContext(cwd, { env }), reg)?.name).toBe('sibling');
    expect(currentSession(testContext(cwd, { env, session: 'main' }), reg)?.name).toBe('main');
  });

  it('an unknown name is an error listing the sessions, not a fallback to the cwd', () => {
    const ctx = testContext(ROOT, { session: 'nope' });
    expect(() => currentSession(ctx, reg)).toThrow(QlockError);
    expect(() => currentSession(ctx, reg)).toThrow(/No session named "nope".*main/s);
    const env = { ...process.env, QLOCK_SESSION: 'ghost' };
    expect(() => currentSession(testContext(ROOT, { env }), reg)).toThrow(/"ghost"/);
  });

  it('outside every session: undefined, and requireCurrentSession says how to fix it', () => {
    const ctx = testContext('/nonexistent-qlock/elsewhere');
    expect(currentSession(ctx, reg)).toBeUndefined();
    expect(() => requireCurrentSession(ctx, reg)).toThrow(/--session NAME.*qlock join/s);
  });

  it('requireSession names the known sessions', () => {
    expect(requireSession(reg, 'inner').name).toBe('inner');
    expect(() => requireSession(reg, 'x')).toThrow(/inner/);
  });
});
