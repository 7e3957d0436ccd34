import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { prompt, renderPrompt } from '../../src/commands/prompt.js';
import { writeConflictSummary } from '../../src/inbox/conflictSummary.js';
import { sendNote } from '../../src/inbox/sendNote.js';
import { takeUnread } from '../../src/inbox/takeUnread.js';
import { tempDir, testContext } from '../helpers/repo.js';
import { repoWithSessions } from '../helpers/watchHarness.js';

describe('qlock prompt', () => {
  it('shows the session, its unread count and its predicted conflicts', async () => {
    const { repo, paths } = await repoWithSessions(['fa', 'fb']);
    const stateDir = path.join(repo.root, '.git/qlock');
    const ctx = testContext(path.join(paths.fb!, 'src'));
    expect(renderPrompt(await prompt({}, ctx))).toBe('[fb]');

    await sendNote(stateDir, 'fa', 'one');
    await sendNote(stateDir, 'fa', 'two');
    expect(await prompt({}, ctx)).toEqual({ session: 'fb', unread: 2, text: '[fb ✉2]' });

    writeConflictSummary(
      stateDir,
      [{ a: 'fa', b: 'fb', conflict: true }],
      ['fa', 'fb'],
      new Date(),
    );
    expect(renderPrompt(await prompt({}, ctx))).toBe('[fb ✉2 ⚠1]');

    await takeUnread(stateDir, 'fb');
    expect(await prompt({}, ctx)).toMatchObject({ unread: 0, conflicts: 1, text: '[fb ⚠1]' });
  });

  it('shows the conflicts found by the last full prediction', async () => {
    const { repo, paths } = await repoWithSessions(['fa', 'fb', 'fc']);
    const fs = await import('node:fs');
    fs.writeFileSync(path.join(paths.fa!, 'src/a.txt'), 'fa version\n');
    fs.writeFileSync(path.join(paths.fb!, 'src/a.txt'), 'fb version\n');
    const { predictConflicts } = await import('../../src/conflicts/predictConflicts.js');
    const { openWorkspace } = await import('../../src/project/openWorkspace.js');
    const report = await predictConflicts(await openWorkspace(testContext(repo.root)));
    expect(report.pairs.some((p) => p.conflict)).toBe(true);
    // fa has fb's and fc's arrival unread, and one predicted conflict (with fb).
    expect(renderPrompt(await prompt({}, testContext(paths.fa!)))).toBe('[fa ✉2 ⚠1]');
    expect(renderPrompt(await prompt({}, testContext(paths.fc!)))).toBe('[fc]');
  });

  it('prints nothing outside a session, outside a project, or with a damaged registry', async () => {
    const { repo } = await repoWithSessions(['fa']);
    expect(renderPrompt(await prompt({}, testContext(repo.root)))).toBe('');
    expect(await prompt({}, testContext(tempDir()))).toEqual({
      session: null,
      unread: 0,
      text: '',
    });
    const fs = await import('node:fs');
    fs.writeFileSync(path.join(repo.root, '.git/qlock/registry.json'), '{broken');
    expect(renderPrompt(await prompt({}, testContext(repo.root, { session: 'fa' })))).toBe('');
  });
});
