import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { DIGEST_MAX_BYTES } from '../../src/inbox/digest.js';
import { payload } from '../fixtures/agents/payloads.js';
import { lines, makeRepo, runQlock } from '../helpers/repo.js';

/**
 * Issue 21 point 7: the digest at each prompt put the news at the bottom (oldest first, 15 shown,
 * all marked read) and repeated what no longer held. Now: what concerns this session first,
 * newest first, deduplicated, superseded events collapsed, within a byte cap, and only what was
 * shown marked read. Through the built CLI, as Claude Code runs its UserPromptSubmit hook.
 */

async function must(args: string[], cwd: string) {
  const r = await runQlock(args, { cwd });
  expect(r.code, `qlock ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}

describe('the prompt digest', () => {
  it('leads with main moving under my file, collapses released locks, caps its size, and marks read only what it showed', async () => {
    const repo = makeRepo();
    await must(['init', '--no-hooks'], repo.root);
    const dir = async (name: string) =>
      (
        JSON.parse((await must(['new', name, '--json'], repo.root)).stdout) as {
          session: { path: string };
        }
      ).session.path;
    const fa = await dir('fa');
    const fb = await dir('fb');
    const prompt = () =>
      runQlock(['agent-hook', 'claude', 'prompt'], {
        cwd: repo.parent,
        input: payload('claude.UserPromptSubmit', { cwd: fa, home: repo.parent }),
      });
    // fb joining is news for fa, once; then nothing happened: not a word.
    expect((await prompt()).stdout).toContain('Session "fb" joined');
    expect(await prompt()).toEqual({ code: 0, stdout: '', stderr: '' });

    fs.appendFileSync(path.join(fa, 'src/a.txt'), 'fa works here\n');
    // A lock taken and released, three times: nothing left to say about it.
    for (let i = 0; i < 3; i++) {
      await must(['lock', 'src/b.txt'], fb);
      await must(['unlock', 'src/b.txt'], fb);
    }
    await must(['lock', 'src/c.txt', '--reason', 'held'], fb);
    const reason = 'a long reason that makes each line weigh '.repeat(4);
    for (let i = 1; i <= 10; i++) await must(['lock', `docs/f${i}.md`, '--reason', reason], fb);
    await must(['note', 'use the new API from now on'], fb);
    // Main moves under fa's file: the newest, most pressing news.
    repo.write('src/a.txt', 'main rewrote a\n');
    repo.commitAll('main changes a');

    const first = await prompt();
    expect(first.code, first.stderr).toBe(0);
    const lines = first.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^qlock: \d+ new events/);
    expect(lines[1]).toMatch(/^- main moved \(1 commit\): .*src\/a\.txt/);
    expect(lines[2]).toContain('note from fb: use the new API from now on');
    expect(first.stdout).not.toContain('src/b.txt');
    expect(first.stdout.split('fb locked src/c.txt').length - 1).toBe(1);
    expect(lines.at(-1)).toMatch(/kept unread for the next prompt/);
    const body = lines.slice(1, -1).join('\n');
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(DIGEST_MAX_BYTES);
    const shownDocs = (first.stdout.match(/docs\/f\d+\.md/g) ?? []).length;
    expect(shownDocs).toBeLessThan(10);

    // The rest at the next prompt, without repeating what was shown.
    const second = await prompt();
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).not.toContain('main moved');
    expect(second.stdout).not.toContain('note from fb');
    const docs = new Set([
      ...(first.stdout.match(/docs\/f\d+\.md/g) ?? []),
      ...(second.stdout.match(/docs\/f\d+\.md/g) ?? []),
    ]);
    expect(docs.size).toBe(10);
    expect(second.stdout).not.toContain('kept unread');
    // All read now: the next prompt is silent, and so is the inbox.
    expect(await prompt()).toEqual({ code: 0, stdout: '', stderr: '' });
    const inbox = JSON.parse((await must(['inbox', '--json'], fa)).stdout) as {
      events: unknown[];
    };
    expect(inbox.events).toEqual([]);
  });
});

describe('the main-moved notice', () => {
  it('names the files of the last move only, as its commit count does', async () => {
    const repo = makeRepo({ files: { 'src/a.txt': lines('a', 20), 'src/b.txt': lines('b', 20) } });
    await must(['init', '--no-hooks'], repo.root);
    const made = await must(['new', 'fa', '--json'], repo.root);
    const fa = (JSON.parse(made.stdout) as { session: { path: string } }).session.path;
    const prompt = () =>
      runQlock(['agent-hook', 'claude', 'prompt'], {
        cwd: repo.parent,
        input: payload('claude.UserPromptSubmit', { cwd: fa, home: repo.parent }),
      });
    // fa works at the end of both files; main changes their first lines (no conflict).
    for (const f of ['src/a.txt', 'src/b.txt']) fs.appendFileSync(path.join(fa, f), 'fa\n');
    expect(await prompt()).toEqual({ code: 0, stdout: '', stderr: '' });

    repo.write('src/a.txt', lines('a', 20).replace('a1\n', 'A1\n'));
    repo.commitAll('main changes a');
    const first = await prompt();
    expect(first.stdout).toMatch(/main moved \(1 commit\): src\/a\.txt changed under your work/);
    expect(first.stdout).not.toContain('src/b.txt');

    repo.write('src/b.txt', lines('b', 20).replace('b1\n', 'B1\n'));
    repo.commitAll('main changes b');
    const second = await prompt();
    expect(second.stdout).toMatch(/main moved \(1 commit\): src\/b\.txt changed under your work/);
    expect(second.stdout).not.toContain('src/a.txt');

    // A move that touches none of fa's files: said as such, naming none.
    repo.write('README.md', '# moved\n');
    repo.commitAll('main changes the readme');
    const third = await prompt();
    expect(third.stdout).toContain('none of your files changed');
    expect(third.stdout).not.toMatch(/src\/[ab]\.txt/);
  });
});

describe('advice that no longer holds, and the session-start briefing', () => {
  it('drops a conflict notice once the session synced past it; the briefing gives the same ranked digest', async () => {
    const repo = makeRepo({ files: { 'src/a.txt': lines('a', 20) } });
    await must(['init', '--no-hooks'], repo.root);
    const dir = async (name: string) =>
      (
        JSON.parse((await must(['new', name, '--json'], repo.root)).stdout) as {
          session: { path: string };
        }
      ).session.path;
    const fa = await dir('fa');
    const fb = await dir('fb');
    const hook = (event: 'prompt' | 'session-start', cwd: string) =>
      runQlock(['agent-hook', 'claude', event], {
        cwd: repo.parent,
        input: payload(event === 'prompt' ? 'claude.UserPromptSubmit' : 'claude.SessionStart', {
          cwd,
          home: repo.parent,
        }),
      });
    // Both sessions rewrite a1; main then rewrites it too: both now conflict with main.
    for (const [d, who] of [
      [fa, 'fa'],
      [fb, 'fb'],
    ] as const)
      fs.writeFileSync(path.join(d, 'src/a.txt'), lines('a', 20).replace('a1\n', `${who}\n`));
    await must(['note', 'I am on a1'], fa); // older news for fb
    repo.write('src/a.txt', lines('a', 20).replace('a1\n', 'MAIN\n'));
    repo.commitAll('main rewrites a1');
    await must(['status'], repo.root); // records the main-moved events, conflicts predicted
    const peek = (await must(['inbox', '--peek'], fa)).stdout;
    expect(peek).toContain('conflicts predicted in src/a.txt');

    // fa resolves it: drops its edit of a1 and syncs. The advice is done with: not a word of it.
    repo.git(['checkout', '--', 'src/a.txt'], fa);
    await must(['sync'], fa);
    const faStart = await hook('session-start', fa);
    expect(faStart.code, faStart.stderr).toBe(0);
    expect(faStart.stdout).not.toContain('main moved');
    expect(faStart.stdout).not.toContain('conflicts predicted');
    expect(faStart.stdout).toContain('Session "fb" joined');
    expect(await hook('prompt', fa)).toEqual({ code: 0, stdout: '', stderr: '' });

    // fb did not sync: its briefing leads with the conflict (ranked, not oldest first), once.
    const fbStart = await hook('session-start', fb);
    expect(fbStart.code, fbStart.stderr).toBe(0);
    const text = fbStart.stdout;
    expect(text).toContain('conflicts predicted in src/a.txt');
    const events = text.slice(text.indexOf('Unread events'));
    expect(events.indexOf('main moved')).toBeGreaterThan(0);
    expect(events.indexOf('main moved')).toBeLessThan(events.indexOf('note from fa'));
    expect(text.split('main moved').length - 1).toBe(1);
    // Shown at the briefing, so read: the next prompt is silent.
    expect(await hook('prompt', fb)).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});
