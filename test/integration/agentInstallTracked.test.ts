import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { installAgent } from '../../src/agents/installAgent.js';
import { makeRepo, tempDir } from '../helpers/repo.js';

describe('qlock agent install into a config file git tracks', () => {
  it('says that the edit holds this machine’s paths and should stay out of commits', async () => {
    const repo = makeRepo();
    // The team's committed Gemini settings: qlock must edit them in place (Gemini has no local
    // variant), and git will show the edit.
    repo.write('.gemini/settings.json', '{\n  "theme": "dark"\n}\n');
    repo.commitAll('team settings');
    const home = tempDir('home');
    const opts = { scope: 'project' as const, dir: repo.root, env: { ...process.env, HOME: home } };
    const report = await installAgent({ agent: 'gemini', ...opts });
    const settings = fs.realpathSync(path.join(repo.root, '.gemini/settings.json'));
    expect(report.notes.filter((n) => n.includes('tracked by git'))).toEqual([
      expect.stringContaining(`${settings} is tracked by git`),
    ]);
    expect(repo.git(['status', '--porcelain'])).toBe('M .gemini/settings.json');

    // A file qlock creates is excluded instead, and nothing is said about it.
    const claude = await installAgent({ agent: 'claude', ...opts });
    expect(claude.notes.some((n) => n.includes('tracked by git'))).toBe(false);
  });
});
