import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { payload } from '../fixtures/agents/payloads.js';
import { makeRepo, type Repo, runQlock, tempDir } from '../helpers/repo.js';
import { connectMcp } from './mcpHarness.js';

/**
 * Issue 16: a JavaScript config (qsession.config.cjs and kin) is code. A commit that adds or
 * changes one must not make the next `git commit` or agent write run it: the hooks run it only once
 * the user trusted that exact content with `qlock config trust`; until then they enforce the
 * configuration of its last trusted version (else the defaults) and say what to do.
 */

async function world(): Promise<{ repo: Repo; fa: string; home: string }> {
  const repo = makeRepo();
  const must = async (args: string[], cwd: string) => {
    const r = await runQlock(args, { cwd });
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
  return { repo, fa, home: tempDir('home') };
}

function commit(dir: string, rel: string) {
  fs.appendFileSync(path.join(dir, rel), 'one more line\n');
  const r = spawnSync('git', ['commit', '-qam', `edit ${rel}`], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr };
}

function agentWrite(w: { fa: string; home: string }, rel: string) {
  const input = payload('claude.PreToolUse.Edit', {
    cwd: w.fa,
    file: path.join(w.fa, rel),
    relfile: rel,
    home: w.home,
  });
  return runQlock(['agent-hook', 'claude', 'pre-tool'], { cwd: w.home, input });
}

/** A config that says it ran by writing `marker`, and relaxes locks to warnings. */
function jsConfig(marker: string, extra = ''): string {
  return (
    `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\n` +
    `module.exports = { onLocked: 'warn' };\n${extra}`
  );
}

describe('a JavaScript config runs in the hooks only once trusted', () => {
  it('a commit that adds one: git commit and the agent hook do not run it until `qlock config trust`', async () => {
    const w = await world();
    const { repo, fa } = w;
    const marker = path.join(tempDir('marker'), 'ran');
    const file = path.join(repo.root, 'qsession.config.cjs');
    fs.writeFileSync(file, jsConfig(marker));
    repo.git(['add', 'qsession.config.cjs']);
    repo.git(['commit', '-qm', 'a config that runs code', '--no-verify']);

    // git commit: not run; the defaults (block) hold; the user is told what to do.
    const head = repo.git(['rev-parse', 'HEAD'], fa);
    const blocked = commit(fa, 'src/a.txt');
    expect(fs.existsSync(marker)).toBe(false);
    expect(blocked.code).not.toBe(0);
    expect(repo.git(['rev-parse', 'HEAD'], fa)).toBe(head);
    expect(blocked.stderr).toContain('qsession.config.cjs is not trusted yet');
    expect(blocked.stderr).toContain('`qlock config trust`');
    expect(blocked.stderr.split('qlock config trust').length - 1).toBe(1);
    // The agent hook: not run either, the write denied.
    const denied = await agentWrite(w, 'src/a.txt');
    expect(fs.existsSync(marker)).toBe(false);
    expect(denied.code, denied.stderr).toBe(2);
    expect(denied.stderr).toContain('qsession.config.cjs is not trusted yet');
    repo.git(['checkout', '--', 'src/a.txt'], fa);

    // Trusted: the user's word runs it once (to check it), and the hooks use it.
    const trust = await runQlock(['config', 'trust'], { cwd: fa });
    expect(trust.code, trust.stderr).toBe(0);
    expect(trust.stdout).toContain('Trusted qsession.config.cjs');
    expect(fs.existsSync(marker)).toBe(true);
    fs.rmSync(marker);
    const warned = commit(fa, 'src/a.txt');
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stderr).not.toContain('trust');
    const again = await runQlock(['config', 'trust'], { cwd: repo.root });
    expect(again.stdout).toContain('is trusted as it is');

    // Changed (another pull): untrusted again; its last trusted version's config holds.
    const marker2 = `${marker}2`;
    fs.writeFileSync(file, jsConfig(marker2, '// changed\n'));
    const changed = commit(fa, 'src/a.txt');
    expect(fs.existsSync(marker2)).toBe(false);
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stderr).toContain('qsession.config.cjs changed since you trusted it');
    expect(changed.stderr).toContain('its last trusted version');
    const agentAfter = await agentWrite(w, 'src/new.txt');
    expect(fs.existsSync(marker2)).toBe(false);
    expect(agentAfter.code).toBe(0);
  });

  it('trust refuses a JS config that does not load, and records nothing; JSON needs no trust', async () => {
    const w = await world();
    const { repo, fa } = w;
    const file = path.join(repo.root, 'qsession.config.cjs');
    fs.writeFileSync(file, "module.exports = { onLocked: 'sometimes' };\n");
    const bad = await runQlock(['config', 'trust'], { cwd: repo.root });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('onLocked');
    const stillUntrusted = commit(fa, 'src/b.txt');
    expect(stillUntrusted.stderr).toContain('is not trusted yet');

    fs.rmSync(file);
    const none = await runQlock(['config', 'trust'], { cwd: repo.root });
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toContain('No config file here');
    fs.writeFileSync(path.join(repo.root, '.qsessionrc.json'), '{"onLocked":"warn"}');
    const data = await runQlock(['config', 'trust'], { cwd: repo.root });
    expect(data.code, data.stderr).toBe(0);
    expect(data.stdout).toContain('.qsessionrc.json holds data, not code');
    // Read as is by the hooks, without a word about trust.
    const json = commit(fa, 'src/a.txt');
    expect(json.code, json.stderr).toBe(0);
    expect(json.stderr).not.toContain('trust');
  });

  it('the MCP server (started by the agent CLI) does not run it either until trusted', async () => {
    const w = await world();
    const { repo, fa } = w;
    const marker = path.join(tempDir('marker'), 'ran');
    fs.writeFileSync(path.join(repo.root, 'qsession.config.cjs'), jsConfig(marker));
    const mcp = await connectMcp(fa);
    const refused = await mcp.call('lock', { paths: ['src/b.txt'] });
    expect(fs.existsSync(marker)).toBe(false);
    expect(refused.isError).toBe(true);
    expect(refused.text).toContain('qsession.config.cjs is not trusted yet');
    expect(refused.text).toContain('`qlock config trust`');
    expect((await runQlock(['config', 'trust'], { cwd: repo.root })).code).toBe(0);
    const taken = await mcp.call('lock', { paths: ['src/b.txt'] });
    expect(taken.isError, taken.text).toBe(false);
  });
});
