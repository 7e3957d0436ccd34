import { UsageError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * The longest duration accepted: 100 years. Far beyond any useful lock TTL or stale delay, and
 * far inside what a Date can hold (now + a larger TTL is an "Invalid time value").
 */
export const MAX_DURATION_MS = 36_500 * UNITS.d!;

export type DurationProblem = 'format' | 'unit' | 'zero' | 'too-long';

/** The duration in milliseconds, or what is wrong with it (shared with config validation). */
export function readDuration(input: string): number | DurationProblem {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(input);
  if (!match) return 'format';
  // A bare number is refused: "--ttl 5" meant minutes to some, seconds to others.
  if (!match[2]) return 'unit';
  const value = Number(match[1]) * UNITS[match[2]]!;
  if (!Number.isFinite(value) || value > MAX_DURATION_MS) return 'too-long';
  if (Math.round(value) <= 0) return 'zero';
  return Math.round(value);
}

/** Parses "30s", "30m", "2h", "1d" or "500ms" into milliseconds (the unit is required). */
export function parseDuration(input: string, what = 'duration'): number {
  const value = readDuration(input);
  if (value === 'format')
    throw new UsageError(
      `Invalid ${what} "${input}": use a number with a unit, e.g. 30s, 30m, 2h, 1d.`,
    );
  if (value === 'unit')
    throw new UsageError(
      `Invalid ${what} "${input}": a unit is required, e.g. ${input.trim()}s, ${input.trim()}m or ${input.trim()}h.`,
    );
  if (value === 'zero')
    throw new UsageError(`Invalid ${what} "${input}": it must be greater than zero.`);
  if (value === 'too-long')
    throw new UsageError(`Invalid ${what} "${input}": it must be at most 36500d (100 years).`);
  return value;
}

/** "3m", "2h 5m", "4d": a short human age. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  return `${Math.floor(h / 24)}d`;
}
