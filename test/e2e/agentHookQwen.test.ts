import { describe, expect, it } from 'vitest';

import { init } from '../../src/commands/init.js';
import { newSession } from '../../src/commands/new.js';
import { sendNote } from '../../src/inbox/sendNote.js';
import { findProject } from '../../src/project/findProject.js';
import { makeRepo, runQlock, testContext } from '../helpers/repo.js';

/**
 * Qwen Code fires UserPromptSubmit again after every tool result, with `"prompt": ""` (reference/
 * agent-hooks.md §8): that is not a user prompt, so the digest waits for the next real one and never
 * comes twice in a turn. The built CLI, fed Qwen's payloads.
 */

describe('qlock agent-hook qwen', () => {
  it('prompt: the digest at a real prompt only, once; nothing on the after-tool repeat', async () => {
    const repo = makeRepo({ files: { 'README.md': '# test\n' } });
    await init({ hooks: false }, testContext(repo.root));
    const fa = (await newSession({ name: 'fa' }, testContext(repo.root))).session.path;
    await newSession({ name: 'fb' }, testContext(repo.root));
    const stateDir = findProject(repo.root)!.stateDir;
    const ask = (prompt: string) =>
      runQlock(['agent-hook', 'qwen', 'UserPromptSubmit'], {
        cwd: repo.parent,
        input: JSON.stringify({
          session_id: 's1',
          cwd: fa,
          hook_event_name: 'UserPromptSubmit',
          prompt,
        }),
      });
    await ask('start'); // the events from before (fb joined), once
    await sendNote(stateDir, 'fb', 'please leave src/b.txt to me');

    const repeat = await ask('');
    expect(repeat).toEqual({ code: 0, stdout: '', stderr: '' });

    const real = await ask('next step');
    expect(real.code).toBe(0);
    expect(JSON.parse(real.stdout)).toEqual({
      hookSpecificOutput: {
        hookEventName: 'UserPromptSubmit',
        additionalContext: expect.stringMatching(
          /since your last prompt:\n- note from fb: please leave src\/b\.txt to me/,
        ),
      },
    });
    expect(await ask('')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await ask('and the next')).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});
