import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it, onTestFinished, vi } from 'vitest';

import { doctor, renderDoctor } from '../../src/commands/doctor.js';
import { CHECKS } from '../../src/doctor/checks.js';
import type { Check } from '../../src/doctor/types.js';
import type * as InotifyLimits from '../../src/watch/inotifyLimits.js';
import { testContext } from '../helpers/repo.js';
import { repoWithSessions } from '../helpers/watchHarness.js';

/**
 * `qlock doctor` on broken setups that the e2e tests cannot build: a fix that fails, a state file
 * qlock cannot read (as opposed to a corrupt one), and an inotify limit too low for the trees.
 */

/** The per-user inotify limit as doctor reads it; undefined: the machine's own. */
let fakeMaxWatches: number | undefined;
vi.mock('../../src/watch/inotifyLimits.js', async (importOriginal) => {
  const real = await importOriginal<typeof InotifyLimits>();
  return { ...real, maxUserWatches: () => fakeMaxWatches ?? real.maxUserWatches() };
});

function withCheck(check: Check): void {
  CHECKS.push(check);
  onTestFinished(() => void CHECKS.splice(CHECKS.indexOf(check), 1));
}

describe('qlock doctor --fix', () => {
  it('a fix that fails is still reported after the checks run again, and not offered again', async () => {
    const { repo } = await repoWithSessions(['a']);
    let attempts = 0;
    withCheck(async () => [
      {
        check: 'disk',
        ok: false,
        message: 'the disk is full',
        fix: 'free some space',
        apply: async () => {
          attempts++;
          throw new Error('ENOSPC: no space left on device\nmore detail');
        },
      },
    ]);
    const result = await doctor({ fix: true }, testContext(repo.root));
    expect(attempts).toBe(1);
    expect(result.ok).toBe(false);
    const disk = result.findings.find((f) => f.check === 'disk')!;
    expect(disk).toMatchObject({
      ok: false,
      canFix: false,
      fix: 'free some space (--fix failed: ENOSPC: no space left on device)',
    });
    const text = renderDoctor(result);
    expect(text).toContain('--fix failed: ENOSPC');
    expect(text).toContain('Some checks failed; see the fixes above.');
  });
});

describe('qlock doctor: state', () => {
  it('a registry qlock cannot read (a directory in its place) is named, and --fix leaves it alone', async () => {
    const { repo } = await repoWithSessions(['a']);
    const stateDir = path.join(repo.root, '.git/qlock');
    const file = path.join(stateDir, 'registry.json');
    fs.renameSync(file, `${file}.moved`);
    fs.mkdirSync(file);
    const before = fs.readdirSync(stateDir).sort();

    const ctx = testContext(repo.root);
    const found = await doctor({}, ctx);
    const state = found.findings.find((f) => f.check === 'state' && !f.ok)!;
    expect(state.message).toContain(file);
    expect(state.canFix).toBe(false);
    expect(state.fix).toContain(`ls -ld ${file}`);

    const fixed = await doctor({ fix: true }, ctx);
    expect(fixed.ok).toBe(false);
    expect(fixed.findings.some((f) => f.fixed)).toBe(false);
    // Nothing was restored over it, no backup was made.
    expect(fs.statSync(file).isDirectory()).toBe(true);
    expect(fs.readdirSync(stateDir).sort()).toEqual(before);
  });
});

describe('qlock doctor: inotify limits against the size of the trees', () => {
  it('too low for the sessions: named with the numbers and the commands to raise it', async () => {
    const { repo } = await repoWithSessions(['fa', 'fb']);
    fakeMaxWatches = 20; // the watcher allows itself half: 10, below the ~16 these trees need
    onTestFinished(() => void (fakeMaxWatches = undefined));
    const ctx = testContext(repo.root);
    const result = await doctor({}, ctx);
    const watch = result.findings.find((f) => f.check === 'watch' && !f.ok)!;
    expect(watch.message).toContain('2 sessions');
    expect(watch.message).toContain('20');
    expect(watch.fix).toContain('fs.inotify.max_user_watches=524288');
    expect(watch.canFix).toBe(false); // raising a system limit is the user's decision
    expect(result.exitCode).toBe(1);

    // Polling needs no watches: then the limit is no problem.
    fs.writeFileSync(path.join(repo.root, '.qsessionrc.json'), '{"watch":{"usePolling":true}}\n');
    const polling = await doctor({}, ctx);
    expect(polling.findings.filter((f) => f.check === 'watch' && !f.ok)).toEqual([]);
  });
});
