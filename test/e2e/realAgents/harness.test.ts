import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it, vi } from 'vitest';

import {
  agentCacheDir,
  clientDir,
  CLIENTS,
  ensureClient,
  type InstalledClient,
} from '../../helpers/agentClients.js';
import { REPO_ROOT, tempDir, waitFor } from '../../helpers/repo.js';
import { PROFILES } from './harness/clientProfiles.js';
import { runClient } from './harness/runClient.js';

/**
 * The harness itself: the installer of the real clients keeps them outside the repository and is
 * loud when the registry cannot be reached (the client tests then fail with that reason; they are
 * never skipped); a client run that hangs is killed, with everything it started.
 */
describe('installing the real agent clients', () => {
  it('keeps the cache outside the repository', () => {
    expect(path.relative(REPO_ROOT, agentCacheDir())).toMatch(/^\.\./);
    vi.stubEnv('QLOCK_AGENT_CACHE', path.join(REPO_ROOT, 'node_modules', '.agents'));
    expect(() => agentCacheDir()).toThrow(/inside the repository/);
  });

  it('fails loudly, saying why, when the npm registry cannot be reached', async () => {
    const cache = tempDir('qlock-agent-cache');
    // A registry nobody listens on, no retries, and an empty npm cache (npm could otherwise
    // answer from metadata it fetched earlier).
    vi.stubEnv('npm_config_registry', 'http://127.0.0.1:9/');
    vi.stubEnv('npm_config_fetch_retries', '0');
    vi.stubEnv('npm_config_cache', tempDir('qlock-npm-cache'));
    vi.stubEnv('npm_config_offline', 'false');

    const install = ensureClient('gemini', { cache, timeoutMs: 120_000 });

    await expect(install).rejects.toThrow(
      /Could not install @google\/gemini-cli@0\.61\.0[^]*registry could not be reached[^]*never skipped/,
    );
    // Nothing half-installed is left where a later run would take it for a finished install.
    expect(fs.existsSync(clientDir(CLIENTS.gemini, cache))).toBe(false);
    expect(fs.readdirSync(cache)).toEqual([]);
  });
});

describe('running a client', () => {
  it('kills a run that does not finish in time, and says so', async () => {
    const dir = tempDir('qlock-hang');
    const pidFile = path.join(dir, 'pid');
    // A stand-in "client" that never ends, and a child of it that would outlive it.
    const hang = `require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }); require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000)`;
    const client: InstalledClient = {
      spec: CLIENTS.claude,
      dir,
      command: process.execPath,
      prefixArgs: ['-e', hang, '--'],
      installed: false,
      installMs: 0,
    };

    const run = runClient(client, PROFILES.claude, {
      cwd: dir,
      homeTemplate: tempDir('qlock-hang-home'),
      script: PROFILES.claude.idleScript,
      timeoutMs: 1500,
    });

    await expect(run).rejects.toThrow(/claude did not finish within 1\.5 s and was killed/);
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    const alive = (p: number) => {
      try {
        process.kill(p, 0);
        return true;
      } catch {
        return false;
      }
    };
    // The whole process group is gone (the stand-in and its child).
    await waitFor(() => !alive(pid) && !alive(-pid), 5000);
  });
});
