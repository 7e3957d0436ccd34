import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { payload } from '../fixtures/agents/payloads.js';
import { makeRepo, type Repo, runQlock, tempDir } from '../helpers/repo.js';

/**
 * Issue 21 point 4: a config file that cannot be used never weakens protection. A typo in
 * `.qsessionrc` (committed to base) or a file that does not parse used to make every git and agent
 * hook fail open, `failClosed: true` included. Now the hooks enforce without the wrong keys (or
 * with the last valid config, else the defaults) and say which file and key are wrong, once.
 */

async function world(): Promise<{ repo: Repo; fa: string; fb: string; home: string }> {
  const repo = makeRepo();
  const home = tempDir('home');
  const must = async (args: string[], cwd: string) => {
    const r = await runQlock(args, { cwd, env: { HOME: home } });
    expect(r.code, `qlock ${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r;
  };
  await must(['init'], repo.root);
  const made = async (name: string) =>
    (
      JSON.parse((await must(['new', name, '--json'], repo.root)).stdout) as {
        session: { path: string };
      }
    ).session.path;
  const fa = await made('fa');
  const fb = await made('fb');
  await must(['lock', 'src/a.txt', '--reason', 'renaming the API'], fb);
  return { repo, fa, fb, home };
}

function commit(dir: string, rel: string) {
  fs.appendFileSync(path.join(dir, rel), 'one more line\n');
  const r = spawnSync('git', ['commit', '-qam', `edit ${rel}`], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr };
}

const count = (text: string, part: string) => text.split(part).length - 1;

function agentWrite(w: { fa: string; home: string }, rel: string) {
  const input = payload('claude.PreToolUse.Edit', {
    cwd: w.fa,
    file: path.join(w.fa, rel),
    relfile: rel,
    home: w.home,
  });
  return runQlock(['agent-hook', 'claude', 'pre-tool'], { cwd: w.home, input });
}

describe('a config that cannot be used never switches enforcement off', () => {
  it('a misspelt key committed to base: git and agent hooks still block the locked file, and name file and key once', async () => {
    const w = await world();
    const { repo, fa } = w;
    // onLocked misspelt (so its default, block, holds), failClosed as the user wrote it.
    const rc = path.join(repo.root, '.qsessionrc.json');
    fs.writeFileSync(rc, JSON.stringify({ onLoked: 'warn', failClosed: true }));
    repo.git(['add', '.qsessionrc.json']);
    repo.git(['commit', '-qm', 'config with a typo', '--no-verify']);

    // pre-commit in a session: the locked file is refused, the config named once.
    const head = repo.git(['rev-parse', 'HEAD'], fa);
    const blocked = commit(fa, 'src/a.txt');
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain('src/a.txt');
    // The holder by name (as a word: the temporary directory's random name may contain "fb").
    expect(blocked.stderr).toMatch(/\bfb\b/);
    expect(count(blocked.stderr, `Invalid configuration in ${rc}: key "onLoked"`)).toBe(1);
    expect(repo.git(['rev-parse', 'HEAD'], fa)).toBe(head);
    repo.git(['checkout', '--', 'src/a.txt'], fa);

    // A free file: committed, and the broken config still said once (post-commit stays quiet).
    const free = commit(fa, 'src/b.txt');
    expect(free.code, free.stderr).toBe(0);
    expect(count(free.stderr, `key "onLoked"`)).toBe(1);
    expect(free.stderr).not.toMatch(/\bfb\b/);

    // The agent's write of the locked file: denied, the config named too.
    const denied = await agentWrite(w, 'src/a.txt');
    expect(denied.code, denied.stderr).toBe(2);
    expect(denied.stderr).toContain('qlock: blocked — src/a.txt is locked by session fb');
    expect(count(denied.stderr, `key "onLoked"`)).toBe(1);
    // A free file: allowed; the model hears of the config once, the user's stderr every time.
    const first = await agentWrite(w, 'src/new.txt');
    expect(first.code).toBe(0);
    const context = (
      JSON.parse(first.stdout) as { hookSpecificOutput: { additionalContext: string } }
    ).hookSpecificOutput.additionalContext;
    expect(context).toContain(`key "onLoked"`);
    expect(first.stderr).toContain(`key "onLoked"`);
    const second = await agentWrite(w, 'src/new.txt');
    expect(second).toMatchObject({ code: 0, stdout: '' });
    expect(count(second.stderr, `key "onLoked"`)).toBe(1);

    // Fixed: not a word about the config any more; the lock still holds.
    fs.writeFileSync(rc, JSON.stringify({ failClosed: true }));
    const fixed = commit(fa, 'src/a.txt');
    expect(fixed.code).not.toBe(0);
    expect(fixed.stderr).not.toContain('configuration');
    repo.git(['checkout', '--', 'src/a.txt'], fa);
    expect(await agentWrite(w, 'src/new.txt')).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('a file that does not parse: the last valid config of that file, else the defaults; named once', async () => {
    const w = await world();
    const { repo, fa } = w;
    const rc = path.join(repo.root, '.qsessionrc');
    // Never valid on this clone: the defaults (onLocked block) are enforced.
    fs.writeFileSync(rc, '{ "onLocked": "warn", ');
    const blocked = commit(fa, 'src/a.txt');
    expect(blocked.code).not.toBe(0);
    expect(count(blocked.stderr, `Cannot read the configuration file ${rc}`)).toBe(1);
    expect(blocked.stderr).toContain('the default configuration');
    repo.git(['checkout', '--', 'src/a.txt'], fa);

    // Valid once (onOverlap: block), then broken again: that last valid config is enforced, so
    // a file in another session's change set is still refused.
    fs.writeFileSync(rc, JSON.stringify({ onOverlap: 'block' }));
    fs.appendFileSync(path.join(w.fb, 'src/b.txt'), 'fb was here\n');
    const overlap = commit(fa, 'src/b.txt');
    expect(overlap.code).not.toBe(0);
    expect(overlap.stderr).not.toContain('configuration');
    repo.git(['checkout', '--', 'src/b.txt'], fa);
    fs.writeFileSync(rc, '{ "onOverlap": "block", ');
    const still = commit(fa, 'src/b.txt');
    expect(still.code).not.toBe(0);
    expect(still.stderr).toContain('src/b.txt');
    expect(still.stderr).toContain('the last valid configuration of that file');
    repo.git(['checkout', '--', 'src/b.txt'], fa);
    // A file nobody else touches: committed, with the one line about the config.
    const free = commit(fa, 'README.md');
    expect(free.code, free.stderr).toBe(0);
    expect(count(free.stderr, `Cannot read the configuration file ${rc}`)).toBe(1);
  });
});
