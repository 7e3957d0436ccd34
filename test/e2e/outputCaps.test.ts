import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { gitSyncIn, makeRepo, runQlock } from '../helpers/repo.js';
import { makeSharedWorld, type SharedWorld } from '../helpers/sharedFixture.js';
import { connectMcp } from './mcpHarness.js';

/**
 * Issue 16: text from elsewhere is capped where it is shown, not only where it is taken in. A
 * registry written directly (an older qlock, another tool, a hand edit) with a 5 MB lock reason
 * and an event log with a 5 MB note must not become 5 MB refusals, pre-commit messages, listings
 * or agent context.
 */

const HUGE = 5 * 1024 * 1024;
const LIMIT = 20_000;

async function q(cwd: string, args: string[], input?: string) {
  return runQlock(args, { cwd, ...(input !== undefined ? { input } : {}) });
}

describe('every message is capped at output', () => {
  it('a 5 MB reason already in the registry and a 5 MB note in the event log', async () => {
    const repo = makeRepo();
    expect((await q(repo.root, ['init'])).code).toBe(0);
    const dirs: string[] = [];
    for (const name of ['a', 'b']) {
      const r = await q(repo.root, ['new', name, '--json']);
      dirs.push((JSON.parse(r.stdout) as { session: { path: string } }).session.path);
    }
    const [a, b] = dirs as [string, string];
    expect((await q(a, ['lock', 'src/a.txt', '--reason', 'short'])).code).toBe(0);
    expect((await q(a, ['note', 'short note'])).code).toBe(0);
    const stateDir = path.join(repo.root, '.git', 'qlock');
    const registryFile = path.join(stateDir, 'registry.json');
    const registry = fs.readFileSync(registryFile, 'utf8');
    expect(registry).toContain('"short"');
    fs.writeFileSync(registryFile, registry.replace('"short"', JSON.stringify('R'.repeat(HUGE))));
    const eventsFile = path.join(stateDir, 'events.jsonl');
    const events = fs.readFileSync(eventsFile, 'utf8');
    expect(events).toContain('short note');
    fs.writeFileSync(eventsFile, events.replaceAll('short note', 'N'.repeat(HUGE)));

    const outputs: [string, string][] = [];
    for (const args of [['locks'], ['who', 'src/a.txt'], ['status'], ['status', '--verbose']]) {
      const r = await q(b, args);
      expect(r.code, args.join(' ')).toBe(0);
      outputs.push([args.join(' '), r.stdout + r.stderr]);
    }
    const refusal = await q(b, ['lock', 'src/a.txt']);
    expect(refusal.code).toBe(3);
    outputs.push(['lock refusal', refusal.stdout + refusal.stderr]);

    fs.appendFileSync(path.join(b, 'src/a.txt'), 'mine\n');
    const commit = spawnSync('git', ['commit', '-qam', 'x'], { cwd: b, encoding: 'utf8' });
    expect(commit.status).toBe(1);
    outputs.push(['pre-commit', commit.stdout + commit.stderr]);

    const context = await q(
      b,
      ['agent-hook', 'q', 'session-start'],
      JSON.stringify({ hook_event_name: 'agentSpawn', cwd: b }),
    );
    expect(context.code).toBe(0);
    outputs.push(['agent context', context.stdout + context.stderr]);
    const inbox = await q(b, ['inbox', '--all']);
    expect(inbox.code).toBe(0);
    outputs.push(['inbox', inbox.stdout + inbox.stderr]);

    for (const [what, text] of outputs) {
      expect(text.length, `${what}: ${text.length} characters`).toBeLessThan(LIMIT);
    }
    // The cut is said where the text was shown.
    for (const [what, text] of outputs.filter(([w]) => /locks|who|refusal|pre-commit/.test(w)))
      expect(text, what).toMatch(/R… \[\d+ more characters\]/);
    expect(inbox.stdout).toMatch(/N… \[\d+ more characters\]/);
  }, 120_000);
});

describe('shared mode: another machine’s text is escaped and capped', () => {
  it('a user.name with control characters, a path with ESC and a 5 MB reason on the remote', async () => {
    const world = makeSharedWorld();
    const setUp = async (name: string, session: string) => {
      const clone = world.clone(name);
      expect((await runQlock(['init'], { cwd: clone.root })).code).toBe(0);
      expect((await runQlock(['join', session], { cwd: clone.root })).code).toBe(0);
      return clone;
    };
    const alice = await setUp('alice', 'fa');
    const bob = await setUp('bob', 'fb');
    bob.git(['config', 'user.name', `bob${OSC52}\rFAKE HOLDER`]);
    expect(
      (await runQlock(['lock', 'src/a.txt', '--reason', 'short'], { cwd: bob.root })).code,
    ).toBe(0);
    const doc = JSON.parse(gitSyncIn(world.bare, ['show', 'refs/qlock/locks:state.json'])) as {
      locks: Record<string, unknown>[];
    };
    expect(doc.locks[0]!.user).toBe(`bob${OSC52}\rFAKE HOLDER`);
    doc.locks[0]!.reason = 'R'.repeat(HUGE);
    doc.locks.push({ ...doc.locks[0]!, path: 'src/\x1b[31mevil.txt', reason: 'r' });
    pushDoc(world, doc);

    const outputs: [string, string][] = [];
    const shared = await runQlock(['shared'], { cwd: alice.root });
    expect(shared.code, shared.stderr).toBe(0);
    outputs.push(['shared', shared.stdout + shared.stderr]);
    const refusal = await runQlock(['lock', 'src/a.txt'], { cwd: alice.root });
    expect(refusal.code).toBe(3);
    outputs.push(['lock refusal', refusal.stdout + refusal.stderr]);
    const mcp = await connectMcp(alice.root);
    const answer = await mcp.call('lock', { paths: ['src/a.txt'] });
    expect(answer.structured).toMatchObject({ refused: true });
    outputs.push(['mcp lock', answer.text]);
    const who = await mcp.call('who', { path: 'src/a.txt' });
    outputs.push(['mcp who', who.text]);

    for (const [what, text] of outputs) {
      expect(text.length, `${what}: ${text.length} characters`).toBeLessThan(LIMIT);
      expect(RAW_CONTROL.test(text), `${what}: ${JSON.stringify(text.slice(0, 400))}`).toBe(false);
    }
    for (const [what, text] of outputs.filter(([w]) => w !== 'mcp who')) {
      expect(text, what).toContain('bob\\x1b]52;c;ZXZpbA==\\x07\\rFAKE HOLDER');
      expect(text, what).toMatch(/R… \[\d+ more characters\]/);
    }
    expect(shared.stdout).toContain('src/\\x1b[31mevil.txt');
  }, 120_000);
});

const OSC52 = '\x1b]52;c;ZXZpbA==\x07';
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

/** Writes `doc` as the next commit of the shared ref in the bare remote, as another tool would. */
function pushDoc(world: SharedWorld, doc: unknown): void {
  const file = path.join(world.dir, 'hand-edited.json');
  fs.writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  const blob = gitSyncIn(world.bare, ['hash-object', '-w', file]);
  const tree = spawnSync('git', ['mktree'], {
    cwd: world.bare,
    input: `100644 blob ${blob}\tstate.json\n`,
    encoding: 'utf8',
  }).stdout.trim();
  const parent = gitSyncIn(world.bare, ['rev-parse', 'refs/qlock/locks']);
  const commit = gitSyncIn(world.bare, ['commit-tree', tree, '-p', parent, '-m', 'hand edit']);
  gitSyncIn(world.bare, ['update-ref', 'refs/qlock/locks', commit]);
}
