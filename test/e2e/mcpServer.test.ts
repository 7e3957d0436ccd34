import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { BIN, lines, tempDir } from '../helpers/repo.js';
import { cliMessage, connectMcp, makeMcpWorld } from './mcpHarness.js';

/**
 * `qlock mcp` driven by the MCP SDK's own client over stdio, exactly as an agent CLI runs it:
 * every tool, checked against the state on disk, and the errors, checked against the CLI's own
 * messages for the same mistake.
 */

/** Ages in messages ("3s ago") differ between two runs a moment apart. */
const ages = (text: string) => text.replace(/\d+[smhd] ago/g, 'N ago');

const TOOLS = ['conflicts', 'inbox', 'land_plan', 'lock', 'note', 'status', 'unlock', 'who'];

describe('qlock mcp over stdio (the SDK client, the built CLI)', () => {
  it('lists the eight tools with descriptions and JSON-schema inputs, and says which session it serves', async () => {
    const world = await makeMcpWorld();
    const mcp = await connectMcp(world.sessions.fa!);

    expect(mcp.client.getServerVersion()?.name).toBe('qlock');
    expect(mcp.client.getInstructions()).toContain('you are session "fa"');
    const { tools } = await mcp.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOLS);
    const tool = (name: string) => tools.find((t) => t.name === name)!;
    for (const t of tools) {
      expect(t.description!.length, t.name).toBeGreaterThan(60);
      expect(t.inputSchema.type, t.name).toBe('object');
    }

    const lock = tool('lock').inputSchema;
    expect(lock.required).toEqual(['paths']);
    expect(lock.properties).toMatchObject({
      paths: { type: 'array', items: { type: 'string' }, minItems: 1 },
      reason: { type: 'string' },
      ttl: { type: 'string' },
      wait: { type: 'string' },
    });
    expect(tool('unlock').inputSchema.properties).toMatchObject({
      paths: { type: 'array', items: { type: 'string' } },
      all: { type: 'boolean' },
    });
    expect(tool('unlock').inputSchema.required ?? []).toEqual([]);
    expect(tool('who').inputSchema).toMatchObject({
      required: ['path'],
      properties: { path: { type: 'string' } },
    });
    expect(tool('conflicts').inputSchema.properties).toMatchObject({ with: { type: 'string' } });
    expect(tool('note').inputSchema).toMatchObject({
      required: ['text'],
      properties: { text: { type: 'string', minLength: 1 } },
    });
    expect(tool('inbox').inputSchema.properties).toMatchObject({ peek: { type: 'boolean' } });
    expect(Object.keys(tool('status').inputSchema.properties ?? {})).toEqual([]);
    // Every property is described, for the model that fills it in.
    for (const t of tools)
      for (const [key, schema] of Object.entries(t.inputSchema.properties ?? {}))
        expect((schema as { description?: string }).description, `${t.name}.${key}`).toBeTruthy();
    // Read-only tools say so (clients may run them without asking).
    for (const name of ['who', 'status', 'conflicts', 'land_plan'])
      expect(tool(name).annotations?.readOnlyHint, name).toBe(true);
    expect(tool('lock').annotations?.readOnlyHint).toBe(false);
  });

  it('lock takes locks in registry.json with reason and ttl; unlock releases them', async () => {
    const world = await makeMcpWorld();
    const mcp = await connectMcp(world.sessions.fa!);

    const locked = await mcp.call('lock', {
      paths: ['src/a.txt', 'docs/'],
      reason: 'renaming the a API',
      ttl: '30m',
    });
    expect(locked.isError, locked.text).toBe(false);
    expect(locked.text).toContain('src/a.txt');
    const onDisk = world.registry().locks;
    expect(onDisk.map((l) => [l.path, l.session, l.reason]).sort()).toEqual([
      ['docs/', 'fa', 'renaming the a API'],
      ['src/a.txt', 'fa', 'renaming the a API'],
    ]);
    for (const l of onDisk)
      expect(Date.parse(l.expiresAt!) - Date.parse(l.acquiredAt)).toBe(30 * 60_000);
    // The structured answer is the object `qlock lock --json` prints.
    expect(locked.structured).toMatchObject({ session: 'fa', refreshed: [] });
    // The other sessions hear of it (lock-taken in the event log).
    const taken = world.events().filter((e) => e.kind === 'lock-taken');
    expect(taken.map((e) => [e.from, e.paths])).toEqual([['fa', ['src/a.txt', 'docs/']]]);

    // Locking again refreshes, it does not fail.
    const again = await mcp.call('lock', { paths: ['src/a.txt'] });
    expect(again.isError, again.text).toBe(false);
    expect(again.structured.refreshed).toEqual(['src/a.txt']);

    const released = await mcp.call('unlock', { paths: ['src/a.txt'] });
    expect(released.isError, released.text).toBe(false);
    expect(world.registry().locks.map((l) => l.path)).toEqual(['docs/']);
    const all = await mcp.call('unlock', { all: true });
    expect(all.isError, all.text).toBe(false);
    expect(world.registry().locks).toEqual([]);
  });

  it('a lock held by another session is a normal result, refused: true, naming the holder; nothing is taken', async () => {
    const world = await makeMcpWorld();
    const held = await world.qlock(
      ['lock', 'src/a.txt', '--reason', 'fixing the parser'],
      world.sessions.fb!,
    );
    expect(held.code, held.stderr).toBe(0);
    const mcp = await connectMcp(world.sessions.fa!);

    const answer = await mcp.call('lock', { paths: ['src/b.txt', 'src/a.txt'], reason: 'mine' });
    expect(answer.isError).toBe(false);
    expect(answer.structured).toMatchObject({ granted: false, refused: true });
    expect(answer.text).toContain('fb');
    expect(answer.text).toContain('fixing the parser');
    expect(answer.text).toContain('src/a.txt');
    const holders = answer.structured.holders as { session: string; path: string }[];
    expect(holders.map((h) => [h.session, h.path])).toEqual([['fb', 'src/a.txt']]);
    // The CLI's refusal (exit 3) for the same request opens with the same words; breaking the
    // lock (`--force`) is offered to the user there, never to the model.
    const cli = await world.qlock(['lock', 'src/b.txt', 'src/a.txt'], world.sessions.fa!);
    expect(cli.code).toBe(3);
    expect(ages(answer.text).split('\n')[0]).toBe(ages(cliMessage(cli)).split('\n')[0]);
    expect(answer.text).not.toContain('--force');
    // All or nothing: src/b.txt was not taken either.
    expect(world.registry().locks.map((l) => [l.path, l.session])).toEqual([['src/a.txt', 'fb']]);

    // Unlocking another session's lock is an error that names it, and releases nothing.
    const unlock = await mcp.call('unlock', { paths: ['src/a.txt'] });
    expect(unlock.isError).toBe(true);
    expect(unlock.text).toContain('fb');
    expect(world.registry().locks.map((l) => [l.path, l.session])).toEqual([['src/a.txt', 'fb']]);
  });

  it('who names the holder of a lock and the sessions changing the file', async () => {
    const world = await makeMcpWorld(['fa', 'fb', 'fc']);
    world.repo.write(
      'src/a.txt',
      'a1 changed by fb\n' + lines('a', 20).slice(3),
      world.sessions.fb,
    );
    world.repo.write('src/a.txt', lines('a', 19) + 'a20 changed by fc\n', world.sessions.fc);
    const mcp = await connectMcp(world.sessions.fa!);
    const locked = await mcp.call('lock', { paths: ['src/'], reason: 'moving src' });
    expect(locked.isError, locked.text).toBe(false);

    const who = await mcp.call('who', { path: 'src/a.txt' });
    expect(who.isError, who.text).toBe(false);
    expect(who.structured.path).toBe('src/a.txt');
    const locks = who.structured.locks as { session: string; path: string; reason: string }[];
    expect(locks.map((l) => [l.session, l.path, l.reason])).toEqual([['fa', 'src/', 'moving src']]);
    const changes = who.structured.changes as { session: string; files: string[] }[];
    expect(changes.map((c) => [c.session, c.files])).toEqual([
      ['fb', ['src/a.txt']],
      ['fc', ['src/a.txt']],
    ]);
    for (const name of ['fa', 'fb', 'fc', 'moving src']) expect(who.text).toContain(name);

    const nobody = await mcp.call('who', { path: 'README.md' });
    expect(nobody.isError, nobody.text).toBe(false);
    expect(nobody.structured).toMatchObject({ path: 'README.md', locks: [], changes: [] });
  });

  it('status lists every session with its changes, locks and unread events', async () => {
    const world = await makeMcpWorld();
    world.repo.write('src/new.txt', 'new\n', world.sessions.fb);
    expect((await world.qlock(['lock', 'src/b.txt'], world.sessions.fb!)).code).toBe(0);
    const mcp = await connectMcp(world.sessions.fa!);

    const status = await mcp.call('status');
    expect(status.isError, status.text).toBe(false);
    const sessions = status.structured.sessions as {
      name: string;
      path: string;
      changed: string[];
      locks: string[];
      unread: number;
    }[];
    expect(sessions.map((s) => s.name)).toEqual(['fa', 'fb']);
    const [fa, fb] = sessions;
    expect(fa!.path).toBe(world.sessions.fa);
    expect(fb!.changed).toEqual(['src/new.txt']);
    expect(fb!.locks).toEqual(['src/b.txt']);
    // fa heard fb's lock being taken (and fb joining): unread, not yet read.
    expect(fa!.unread).toBeGreaterThan(0);
    expect(status.text).toContain('fb');
    expect(status.text).toContain('src/new.txt');
  });

  it("conflicts predicts a conflict between two sessions' uncommitted edits", async () => {
    const world = await makeMcpWorld();
    const base = lines('a', 20);
    world.repo.write('src/a.txt', base.replace('a5\n', 'a5 by fa\n'), world.sessions.fa);
    world.repo.write('src/a.txt', base.replace('a5\n', 'a5 by fb\n'), world.sessions.fb);
    const mcp = await connectMcp(world.sessions.fa!);

    const pair = await mcp.call('conflicts', { with: 'fb' });
    expect(pair.isError, pair.text).toBe(false);
    const pairs = pair.structured.pairs as {
      a: string;
      b: string;
      conflict: boolean;
      paths: string[];
    }[];
    expect(pairs.map((p) => [p.a, p.b, p.conflict, p.paths])).toEqual([
      ['fa', 'fb', true, ['src/a.txt']],
    ]);
    expect(pair.text).toContain('src/a.txt');

    // Without `with`: this session against every other one and its base.
    const every = await mcp.call('conflicts');
    expect(every.isError, every.text).toBe(false);
    const all = every.structured.pairs as { a: string; b: string; conflict: boolean }[];
    expect(all.map((p) => [p.a, p.b, p.conflict]).sort()).toEqual([
      ['fa', 'fb', true],
      ['fa', 'main', false],
    ]);

    // A name that is neither a session nor the base: the CLI's usage error.
    const unknown = await mcp.call('conflicts', { with: 'nosuch' });
    expect(unknown.isError).toBe(true);
    const cli = await world.qlock(['conflicts', 'fa', 'nosuch'], world.sessions.fa!);
    expect(cli.code).toBe(2);
    expect(unknown.text).toBe(cliMessage(cli));
  });

  it("note lands in the other session's inbox; inbox returns it and marks it read", async () => {
    const world = await makeMcpWorld(['fa', 'fb', 'fc']);
    const a = await connectMcp(world.sessions.fa!);
    const b = await connectMcp(world.sessions.fb!);
    // Start from empty inboxes (the session-joined events).
    expect((await b.call('inbox')).isError).toBe(false);

    const sent = await a.call('note', { text: 'renaming the User API, keep off src/user/' });
    expect(sent.isError, sent.text).toBe(false);
    expect(sent.structured.recipients).toEqual(['fb', 'fc']);
    const notes = world.events().filter((e) => e.kind === 'note');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      from: 'fa',
      data: { text: 'renaming the User API, keep off src/user/' },
    });

    const peek = await b.call('inbox', { peek: true });
    expect(peek.isError, peek.text).toBe(false);
    expect((peek.structured.events as unknown[]).length).toBe(1);
    const cursorBefore = world.registry().sessions.fb!.cursor;

    const inbox = await b.call('inbox');
    expect(inbox.isError, inbox.text).toBe(false);
    const events = inbox.structured.events as { kind: string; from: string; id: number }[];
    expect(events.map((e) => [e.kind, e.from])).toEqual([['note', 'fa']]);
    expect(inbox.text).toContain('renaming the User API');
    // Marked read on disk: fb's cursor moved past the note.
    const cursor = world.registry().sessions.fb!.cursor;
    expect(cursor).toBeGreaterThan(cursorBefore);
    expect(cursor).toBeGreaterThan(events[0]!.id);
    const again = await b.call('inbox');
    expect(again.structured.events).toEqual([]);
    // The CLI agrees: nothing unread for fb.
    const cli = await world.qlock(['inbox', '--peek', '--json'], world.sessions.fb!);
    expect((JSON.parse(cli.stdout) as { events: unknown[] }).events).toEqual([]);
    // The sender does not get its own note.
    const own = await a.call('inbox');
    expect((own.structured.events as { kind: string }[]).map((e) => e.kind)).not.toContain('note');
  });

  it('errors are tool errors with the CLI message: outside any session, an unknown --session, a path escaping the project', async () => {
    const world = await makeMcpWorld();
    const before = fs.readFileSync(path.join(world.stateDir, 'registry.json'), 'utf8');

    // The main worktree is no session (init registers none).
    const outside = await connectMcp(world.root);
    const noSession = await outside.call('lock', { paths: ['src/a.txt'] });
    expect(noSession.isError).toBe(true);
    const cliNoSession = await world.qlock(['lock', 'src/a.txt'], world.root);
    expect(cliNoSession.code).toBe(1);
    expect(noSession.text).toBe(cliMessage(cliNoSession));
    expect(noSession.text).toContain('not inside a registered session');
    for (const [tool, args] of [
      ['unlock', { all: true }],
      ['inbox', {}],
      ['note', { text: 'hi' }],
    ] as const) {
      const answer = await outside.call(tool, args);
      expect(answer.isError, tool).toBe(true);
      expect(answer.text, tool).toBe(cliMessage(cliNoSession));
    }
    // Tools that need no session still answer there.
    expect((await outside.call('status')).isError).toBe(false);
    expect((await outside.call('who', { path: 'src/a.txt' })).isError).toBe(false);

    const unknown = await connectMcp(world.sessions.fa!, ['--session', 'nosuch']);
    const noSuch = await unknown.call('lock', { paths: ['src/a.txt'] });
    expect(noSuch.isError).toBe(true);
    const cliNoSuch = await world.qlock(
      ['--session', 'nosuch', 'lock', 'src/a.txt'],
      world.sessions.fa!,
    );
    expect(noSuch.text).toBe(cliMessage(cliNoSuch));
    expect(noSuch.text).toContain('No session named "nosuch"');

    const fa = await connectMcp(world.sessions.fa!);
    for (const bad of ['../escape.txt', path.join(tempDir('elsewhere'), 'x.txt')]) {
      const escape = await fa.call('lock', { paths: [bad] });
      expect(escape.isError, bad).toBe(true);
      const cli = await world.qlock(['lock', bad], world.sessions.fa!);
      expect(cli.code, bad).toBe(2);
      expect(escape.text, bad).toBe(cliMessage(cli));
      expect(escape.structured).toEqual({ error: { message: escape.text, exitCode: 2 } });
    }
    const badTtl = await fa.call('lock', { paths: ['src/a.txt'], ttl: 'soon' });
    expect(badTtl.isError).toBe(true);
    const cliTtl = await world.qlock(['lock', 'src/a.txt', '--ttl', 'soon'], world.sessions.fa!);
    expect(badTtl.text).toBe(cliMessage(cliTtl));
    // Input the schema rejects: a tool error from the SDK's validation, not a crash.
    const empty = await fa.call('lock', { paths: [] });
    expect(empty.isError).toBe(true);
    expect(empty.text).toContain('at least one path');

    // None of it changed anything (the failed CLI runs neither).
    const after = JSON.parse(fs.readFileSync(path.join(world.stateDir, 'registry.json'), 'utf8'));
    expect(after.locks).toEqual(JSON.parse(before).locks);
    // The servers are still up after all those errors.
    expect((await fa.call('who', { path: 'src/a.txt' })).isError).toBe(false);
  });

  it('--session makes a server act for a session from outside its worktree', async () => {
    const world = await makeMcpWorld();
    const mcp = await connectMcp(world.root, ['--session', 'fb']);
    expect(mcp.client.getInstructions()).toContain('you are session "fb"');
    const locked = await mcp.call('lock', { paths: ['src/a.txt'] });
    expect(locked.isError, locked.text).toBe(false);
    expect(world.registry().locks.map((l) => [l.path, l.session])).toEqual([['src/a.txt', 'fb']]);
  });

  it('exits when the client closes stdin, with nothing on stdout', async () => {
    const world = await makeMcpWorld(['fa']);
    const child = spawn(process.execPath, [BIN, 'mcp'], {
      cwd: world.sessions.fa,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stdin.end();
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error('qlock mcp did not exit within 20 s of stdin closing'));
      }, 20_000);
      child.on('close', (c) => (clearTimeout(timer), resolve(c)));
    });
    expect(code).toBe(0);
    expect(stdout).toBe('');
  });
});
