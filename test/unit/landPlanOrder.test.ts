import { describe, expect, it } from 'vitest';

import { order, type PlanEntry } from '../../src/land/landPlan.js';

function entry(session: string, over: Partial<PlanEntry> = {}): PlanEntry {
  return {
    session,
    commits: 1,
    uncommitted: 0,
    paths: ['f'],
    ready: true,
    conflictsWithBase: [],
    conflictsWith: [],
    overlapsWith: [],
    waitsFor: [],
    ...over,
  };
}
const conflict = (session: string) => ({ session, paths: ['f'] });

describe('land plan order', () => {
  it('lands a session that conflicts with many after those it conflicts with', () => {
    const got = order([
      entry('hub', { conflictsWith: [conflict('x'), conflict('y')] }),
      entry('x', { conflictsWith: [conflict('hub')] }),
      entry('y', { conflictsWith: [conflict('hub')] }),
    ]).map((e) => e.session);
    expect(got.indexOf('hub')).toBe(2);
  });

  it('puts sessions that are not ready (lock, conflict with base) last, and breaks ties by size, then name', () => {
    const got = order([
      entry('waits', { ready: false }),
      entry('big', { paths: ['a', 'b', 'c'] }),
      entry('b-small'),
      entry('a-small'),
      entry('uncommitted-only', { commits: 0 }),
    ]).map((e) => e.session);
    expect(got).toEqual(['a-small', 'b-small', 'big', 'uncommitted-only', 'waits']);
  });
});
