import { describe, expect, it } from 'vitest';

import { DEFAULT_CONFIG } from '../../src/project/defaultConfig.js';
import { parsePushLines } from '../../src/shared/prePush.js';
import { DocError, emptyDoc, parseDoc, serializeDoc } from '../../src/shared/remoteDoc.js';
import { sharedSettings } from '../../src/shared/settings.js';

const lock = (path: string, clone: string) => ({
  path,
  session: 's',
  clone,
  user: 'u',
  email: 'e',
  host: 'h',
  reason: '',
  acquiredAt: '2026-01-01T00:00:00.000Z',
});

describe('the shared document', () => {
  it('serialises canonically: the same content in any order gives the same bytes', () => {
    const a = { ...emptyDoc(), locks: [lock('b', 'c1'), lock('a', 'c2')] };
    const b = { ...emptyDoc(), locks: [lock('a', 'c2'), lock('b', 'c1')] };
    expect(serializeDoc(a)).toBe(serializeDoc(b));
    expect(parseDoc(serializeDoc(a))).toEqual(parseDoc(serializeDoc(b)));
  });

  it('refuses what it cannot read instead of starting over (a newer format, damage)', () => {
    const newer = () => parseDoc(JSON.stringify({ version: 2, locks: [] }));
    expect(newer).toThrow(DocError);
    try {
      newer();
    } catch (error) {
      expect((error as DocError).newer).toBe(true);
    }
    expect(() => parseDoc('{not json')).toThrow(/not JSON/);
    expect(() => parseDoc(JSON.stringify({ version: 1, locks: [{ path: 1 }] }))).toThrow(
      /malformed/,
    );
    expect(() => parseDoc(JSON.stringify({ version: 1, locks: {} }))).toThrow(/not a list/);
  });
});

describe('shared settings', () => {
  it('is off by default, and maps a remote to its own tracking ref namespace', () => {
    expect(sharedSettings(DEFAULT_CONFIG)).toBeUndefined();
    const s = sharedSettings({
      shared: { remote: 'origin', refPrefix: 'refs/qlock', cacheTtl: '10s', timeout: '5s' },
    })!;
    expect(s).toMatchObject({
      ref: 'refs/qlock/locks',
      tracking: 'refs/qlock-remote/origin/locks',
      fetchSpec: '+refs/qlock/*:refs/qlock-remote/origin/*',
      cacheTtlMs: 10_000,
      timeoutMs: 5000,
    });
    const url = sharedSettings({
      shared: {
        remote: 'git@host:team/repo.git',
        refPrefix: 'refs/team/q',
        cacheTtl: '1s',
        timeout: '2s',
      },
    })!;
    expect(url.ref).toBe('refs/team/q/locks');
    expect(url.tracking).toMatch(/^refs\/qlock-remote\/url-[0-9a-f]{12}-[0-9a-f]{12}\/locks$/);
  });
});

describe('pre-push input', () => {
  it('parses the ref lines git gives the hook', () => {
    const z = '0'.repeat(40);
    const a = 'a'.repeat(40);
    expect(
      parsePushLines(`refs/heads/f ${a} refs/heads/f ${z}\n(delete) ${z} refs/heads/old ${a}\n\n`),
    ).toEqual([
      { localRef: 'refs/heads/f', localSha: a, remoteRef: 'refs/heads/f', remoteSha: z },
      { localRef: '(delete)', localSha: z, remoteRef: 'refs/heads/old', remoteSha: a },
    ]);
  });
});
