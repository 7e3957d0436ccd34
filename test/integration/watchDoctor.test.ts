import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { CHECKS } from '../../src/doctor/checks.js';
import { checkWatchLimits } from '../../src/doctor/checkWatchLimits.js';
import { openWorkspace } from '../../src/project/openWorkspace.js';
import { maxUserWatches } from '../../src/watch/inotifyLimits.js';
import { watchPidPath } from '../../src/watch/watchPidFile.js';
import { testContext } from '../helpers/repo.js';
import { repoWithSessions } from '../helpers/watchHarness.js';

describe('qlock doctor: watch limits', () => {
  it('is one of the doctor checks', () => {
    expect(CHECKS).toContain(checkWatchLimits);
  });

  it.runIf(maxUserWatches() !== undefined)(
    'counts the directories the watcher would watch against max_user_watches',
    async () => {
      const { repo, paths } = await repoWithSessions(['fa', 'fb']);
      fs.mkdirSync(path.join(paths.fa!, 'node_modules/x'), { recursive: true });
      const ctx = testContext(repo.root);
      const findings = await checkWatchLimits(await openWorkspace(ctx), ctx);
      expect(findings).toHaveLength(1);
      // 2 sessions × (root, src, lib, lib/deep) + 8 for refs and the state dir; node_modules skipped.
      expect(findings[0]).toMatchObject({ check: 'watch', ok: true });
      expect(findings[0]!.message).toContain(`about 16 inotify watches for 2 sessions`);
    },
  );

  it('reports a stale watch.pid and removes it with --fix', async () => {
    const { repo } = await repoWithSessions(['fa']);
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await new Promise((r) => child.on('exit', r));
    const file = watchPidPath(path.join(repo.root, '.git/qlock'));
    fs.writeFileSync(file, JSON.stringify({ pid: child.pid, host: os.hostname(), cwd: '/x' }));
    const ctx = testContext(repo.root);
    const [stale] = await checkWatchLimits(await openWorkspace(ctx), ctx);
    expect(stale).toMatchObject({ ok: false, message: expect.stringContaining('not running') });
    expect(await stale!.apply!()).toContain('removed');
    expect(fs.existsSync(file)).toBe(false);
  });
});
