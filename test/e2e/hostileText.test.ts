import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { makeRepo, runQlock } from '../helpers/repo.js';

/**
 * Text from other sessions (a lock reason, a note, a path) reaches terminals and agents' context
 * with its control characters made visible: OSC 52 cannot set the clipboard, `\r` cannot hide the
 * holder, a newline cannot forge a row. And a reason is a sentence, not megabytes.
 */
const OSC52 = '\x1b]52;c;ZXZpbA==\x07';
const HOSTILE = `${OSC52}refactor\rFAKE HOLDER\nforged row\x9b31m`;
const SHOWN = '\\x1b]52;c;ZXZpbA==\\x07refactor\\rFAKE HOLDER\\nforged row\\x9b31m';

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

async function q(cwd: string, args: string[], input?: string) {
  return runQlock(args, { cwd, ...(input !== undefined ? { input } : {}) });
}

async function setup() {
  const repo = makeRepo();
  expect((await q(repo.root, ['init'])).code).toBe(0);
  const dirs: string[] = [];
  for (const name of ['a', 'b']) {
    const r = await q(repo.root, ['new', name, '--json']);
    dirs.push((JSON.parse(r.stdout) as { session: { path: string } }).session.path);
  }
  return { repo, a: dirs[0]!, b: dirs[1]! };
}

/** No raw control character but the newlines qlock's own lines are made of. */
function clean(text: string): void {
  expect(RAW_CONTROL.test(text), JSON.stringify(text)).toBe(false);
}

describe('text from other sessions is shown escaped', () => {
  it('locks, who, status, the pre-commit block, inbox and the agent context', async () => {
    const { a, b } = await setup();
    expect((await q(a, ['lock', 'src/a.txt', '--reason', HOSTILE])).code).toBe(0);
    expect((await q(a, ['note', `heads-up ${OSC52}\rnothing to see`])).code).toBe(0);

    for (const args of [['locks'], ['who', 'src/a.txt'], ['status']]) {
      const r = await q(b, args);
      expect(r.code, args.join(' ')).toBe(0);
      clean(r.stdout);
      if (args[0] !== 'status') expect(r.stdout, args.join(' ')).toContain(SHOWN);
    }

    fs.appendFileSync(path.join(b, 'src/a.txt'), 'mine\n');
    const refusal = await q(b, ['lock', 'src/a.txt']);
    expect(refusal.code).toBe(3);
    clean(refusal.stderr);
    expect(refusal.stderr).toContain(SHOWN);

    const { spawnSync } = await import('node:child_process');
    const commit = spawnSync('git', ['commit', '-qam', 'x'], { cwd: b, encoding: 'utf8' });
    expect(commit.status).toBe(1);
    clean(commit.stderr);
    expect(commit.stderr).toContain(SHOWN);

    const inbox = await q(b, ['inbox']);
    clean(inbox.stdout);
    expect(inbox.stdout).toContain('heads-up \\x1b]52;c;ZXZpbA==\\x07\\rnothing to see');

    const context = await q(
      b,
      ['agent-hook', 'q', 'session-start'],
      JSON.stringify({ hook_event_name: 'agentSpawn', cwd: b }),
    );
    expect(context.code).toBe(0);
    clean(context.stdout);
    expect(context.stdout).toContain(SHOWN);
  });

  it('a lock reason is capped at input (exit 2, nothing locked), as a note is', async () => {
    const { a } = await setup();
    const r = await q(a, ['lock', 'src/a.txt', '--reason', 'x'.repeat(501)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('at most 500');
    expect((await q(a, ['locks', '--json'])).stdout).not.toContain('src/a.txt');
    expect((await q(a, ['lock', 'src/a.txt', '--reason', 'x'.repeat(500)])).code).toBe(0);
  });
});
