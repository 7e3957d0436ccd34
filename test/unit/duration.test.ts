import { describe, expect, it } from 'vitest';

import { UsageError } from '../../src/errors.js';
import { formatAge, MAX_DURATION_MS, parseDuration } from '../../src/util/duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['1.5h', 5_400_000],
    [' 2 m ', 120_000],
    ['1d', 86_400_000],
    ['36500d', MAX_DURATION_MS],
  ])('%j → %i ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each([
    ['soon', 'use a number with a unit'],
    ['-5m', 'use a number with a unit'],
    ['1e3', 'use a number with a unit'],
    ['', 'use a number with a unit'],
    // No unit: "5" read as 5 seconds surprised users who meant minutes.
    ['5', 'a unit is required'],
    ['0', 'a unit is required'],
    ['0s', 'greater than zero'],
    ['0.1ms', 'greater than zero'],
    // Beyond what a Date can add to now: it used to surface as an internal "Invalid time value".
    ['36501d', 'at most 36500d'],
    ['99999999999d', 'at most 36500d'],
  ])('%j is a usage error naming the option: %s', (input, problem) => {
    let error: unknown;
    try {
      parseDuration(input, '--ttl');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(`Invalid --ttl ${JSON.stringify(input)}`);
    expect((error as Error).message).toContain(problem);
  });

  it('a number too large for a double is too long, not zero', () => {
    expect(() => parseDuration(`${'9'.repeat(400)}s`)).toThrow('at most 36500d');
  });

  it('the longest duration still gives a valid expiry date', () => {
    expect(new Date(Date.now() + parseDuration('36500d')).toISOString()).toMatch(/^\d{4}-/);
  });
});

describe('formatAge', () => {
  it.each([
    [0, '0s'],
    [59_000, '59s'],
    [60_000, '1m'],
    [3_600_000, '1h'],
    [3_900_000, '1h 5m'],
    [86_400_000 * 3, '3d'],
    [-5, '0s'],
  ])('%i ms → %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });
});
