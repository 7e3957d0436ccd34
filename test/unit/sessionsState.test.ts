import fs from 'node:fs';

import { describe, expect, it } from 'vitest';

import { DEFAULT_CONFIG } from '../../src/project/defaultConfig.js';
import { isLive, sessionState } from '../../src/sessions/sessionState.js';
import type { Session } from '../../src/store/types.js';
import { tempDir } from '../helpers/repo.js';

const NOW = new Date('2026-03-01T12:00:00Z');

function session(path: string, lastSeenAgoMs: number): Session {
  const seen = new Date(NOW.getTime() - lastSeenAgoMs).toISOString();
  return {
    name: 's',
    path,
    kind: 'worktree',
    base: 'main',
    createdAt: seen,
    lastSeen: seen,
    cursor: 0,
  };
}

const MIN = 60_000;

/** A session directory untouched for a day before NOW (its own activity does not count then). */
function quietDir(): string {
  const dir = tempDir();
  const then = new Date(NOW.getTime() - 24 * 60 * MIN);
  fs.utimesSync(dir, then, then);
  return dir;
}

describe('sessionState', () => {
  it('active, idle and stale follow idleAfter (15m) and staleAfter (2h)', () => {
    const dir = quietDir();
    expect(sessionState(session(dir, 0), NOW, DEFAULT_CONFIG)).toBe('active');
    expect(sessionState(session(dir, 15 * MIN), NOW, DEFAULT_CONFIG)).toBe('active');
    expect(sessionState(session(dir, 15 * MIN + 1), NOW, DEFAULT_CONFIG)).toBe('idle');
    expect(sessionState(session(dir, 120 * MIN), NOW, DEFAULT_CONFIG)).toBe('idle');
    expect(sessionState(session(dir, 120 * MIN + 1), NOW, DEFAULT_CONFIG)).toBe('stale');
  });

  it('uses the configured durations', () => {
    const dir = quietDir();
    const config = { idleAfter: '10s', staleAfter: '1m' };
    expect(sessionState(session(dir, 5_000), NOW, config)).toBe('active');
    expect(sessionState(session(dir, 30_000), NOW, config)).toBe('idle');
    expect(sessionState(session(dir, 61_000), NOW, config)).toBe('stale');
  });

  it('the session’s own activity (its directory changed 5 minutes ago) keeps it active', () => {
    const dir = quietDir();
    const recent = new Date(NOW.getTime() - 5 * MIN);
    fs.utimesSync(dir, recent, recent);
    expect(sessionState(session(dir, 180 * MIN), NOW, DEFAULT_CONFIG)).toBe('active');
  });

  it('missing wins over everything when the directory is gone', () => {
    const dir = tempDir();
    expect(sessionState(session(`${dir}/gone`, 0), NOW, DEFAULT_CONFIG)).toBe('missing');
  });

  it('only active and idle sessions are live', () => {
    expect(isLive('active')).toBe(true);
    expect(isLive('idle')).toBe(true);
    expect(isLive('stale')).toBe(false);
    expect(isLive('missing')).toBe(false);
  });
});
