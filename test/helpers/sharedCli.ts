import { expect } from 'vitest';

import { runQlock } from './repo.js';
import type { SharedClone, SharedWorld } from './sharedFixture.js';

/** A new clone of the shared world (another machine), with `qlock init` and `qlock join session` run by the built CLI. */
export async function joinedClone(
  world: SharedWorld,
  name: string,
  session: string,
): Promise<SharedClone> {
  const clone = world.clone(name);
  const init = await runQlock(['init'], { cwd: clone.root });
  expect(init.code, init.stderr).toBe(0);
  const join = await runQlock(['join', session], { cwd: clone.root });
  expect(join.code, join.stderr).toBe(0);
  return clone;
}
