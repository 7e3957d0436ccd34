import { UsageError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses "30s", "30m", "2h", "1d", "500ms" or a bare number of seconds into milliseconds. */
export function parseDuration(input: string, what = 'duration'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(input);
  if (!match) {
    throw new UsageError(
      `Invalid ${what} "${input}": use a number with a unit, e.g. 30s, 30m, 2h, 1d.`,
    );
  }
  const value = Number(match[1]) * UNITS[match[2] ?? 's']!;
  if (!Number.isFinite(value) || value <= 0) {
    throw new UsageError(`Invalid ${what} "${input}": it must be greater than zero.`);
  }
  return Math.round(value);
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
