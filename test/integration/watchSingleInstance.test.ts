import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { RefusedError } from '../../src/errors.js';
import { openWorkspace } from '../../src/project/openWorkspace.js';
import { Watcher } from '../../src/watch/startWatcher.js';
import { processStart, readWatchOwner, watchPidPath } from '../../src/watch/watchPidFile.js';
import { testContext } from '../helpers/repo.js';
import { repoWithSessions, startTestWatcher } from '../helpers/watchHarness.js';

/** A process that is alive for the test, and one that certainly is not. */
function liveProcess(): number {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  return child.pid!;
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

function writeOwner(stateDir: string, pid: number, host = os.hostname()): void {
  fs.writeFileSync(
    watchPidPath(stateDir),
    JSON.stringify({ pid, host, cwd: '/somewhere', startedAt: '2026-01-01T00:00:00Z' }),
  );
}

describe('qlock watch: one watcher per project', () => {
  it('refuses to start while another watcher runs, saying where', async () => {
    const { repo } = await repoWithSessions(['fa']);
    const stateDir = path.join(repo.root, '.git/qlock');
    const pid = liveProcess();
    try {
      writeOwner(stateDir, pid);
      const error = await startTestWatcher(repo.root).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RefusedError);
      expect((error as Error).message).toContain(`pid ${pid} on ${os.hostname()}`);
      expect((error as Error).message).toContain('/somewhere');
      expect(readWatchOwner(stateDir)?.pid).toBe(pid); // untouched
    } finally {
      process.kill(pid);
    }
  });

  it('treats a watcher on another host as running', async () => {
    const { repo } = await repoWithSessions(['fa']);
    const stateDir = path.join(repo.root, '.git/qlock');
    writeOwner(stateDir, 1, 'some-other-host');
    await expect(startTestWatcher(repo.root)).rejects.toThrow(/on some-other-host/);
  });

  it('takes over a stale pid file and removes its own when it stops', async () => {
    const { repo } = await repoWithSessions(['fa']);
    const stateDir = path.join(repo.root, '.git/qlock');
    writeOwner(stateDir, await deadPid());
    const w = await startTestWatcher(repo.root);
    expect(readWatchOwner(stateDir)).toMatchObject({ pid: process.pid, cwd: repo.root });
    await w.watcher.close();
    expect(fs.existsSync(watchPidPath(stateDir))).toBe(false);
  });

  it('takes over a pid file whose pid now belongs to another process (reused, or a reboot)', async () => {
    const { repo } = await repoWithSessions(['fa']);
    const stateDir = path.join(repo.root, '.git/qlock');
    const pid = liveProcess();
    try {
      // Same pid, but the process behind it started at another time: not the watcher.
      fs.writeFileSync(
        watchPidPath(stateDir),
        JSON.stringify({ pid, host: os.hostname(), cwd: '/somewhere', startedAt: '?', start: 1 }),
      );
      const first = await startTestWatcher(repo.root);
      expect(readWatchOwner(stateDir)?.pid).toBe(process.pid);
      await first.watcher.close();
      // Written before the machine rebooted (another boot id): stale whatever runs as that pid.
      fs.writeFileSync(
        watchPidPath(stateDir),
        JSON.stringify({
          pid,
          host: os.hostname(),
          cwd: '/x',
          startedAt: '?',
          boot: 'another-boot',
        }),
      );
      await startTestWatcher(repo.root);
      expect(readWatchOwner(stateDir)?.pid).toBe(process.pid);
    } finally {
      process.kill(pid);
    }
  });

  it.runIf(process.platform === 'linux')(
    'records which process it is, so a second watcher is still refused',
    async () => {
      const { repo } = await repoWithSessions(['fa']);
      const stateDir = path.join(repo.root, '.git/qlock');
      await startTestWatcher(repo.root);
      const recorded = JSON.parse(fs.readFileSync(watchPidPath(stateDir), 'utf8')) as {
        start?: number;
        boot?: string;
      };
      expect(recorded.start).toBeGreaterThan(0);
      expect(recorded.boot).toMatch(/^[0-9a-f-]{36}$/);
      // The check runs against the recorded process itself: a watcher in another process.
      const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {
        stdio: 'ignore',
      });
      try {
        const start = processStart(child.pid!);
        expect(start).toBeGreaterThan(0);
        fs.writeFileSync(
          watchPidPath(stateDir),
          JSON.stringify({
            pid: child.pid,
            host: os.hostname(),
            cwd: '/y',
            startedAt: '?',
            start,
            boot: recorded.boot,
          }),
        );
        const error = await startTestWatcher(repo.root).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(RefusedError);
      } finally {
        child.kill();
      }
    },
  );

  it('stopped while starting (a signal during startup) leaves no pid file behind', async () => {
    const { repo } = await repoWithSessions(['fa']);
    const stateDir = path.join(repo.root, '.git/qlock');
    const watcher = new Watcher(await openWorkspace(testContext(repo.root)), { cwd: repo.root });
    const starting = watcher.start();
    await watcher.close();
    await starting;
    expect(fs.existsSync(watchPidPath(stateDir))).toBe(false);
    const next = await startTestWatcher(repo.root);
    expect(Object.keys(next.watcher.modes())).toEqual(['fa']);
  });
});
