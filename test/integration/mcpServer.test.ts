import fs from 'node:fs';
import path from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it, onTestFinished, vi } from 'vitest';

import { init } from '../../src/commands/init.js';
import { newSession } from '../../src/commands/new.js';
import type { Context } from '../../src/context.js';
import { createServer } from '../../src/mcp/createServer.js';
import { readRegistry, updateRegistry } from '../../src/store/registry.js';
import { lines, makePlainDir, testContext } from '../helpers/repo.js';
import { repoWithSessions } from '../helpers/watchHarness.js';

/**
 * The MCP server in-process (the SDK's in-memory transport, the SDK's client): how outcomes
 * become tool results, what a call does besides its command, and the cases the stdio tests in
 * test/e2e/mcpServer.test.ts do not reach.
 */

async function connect(ctx: Context) {
  const server = createServer(ctx);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'qlock-test', version: '1.0.0' });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  onTestFinished(async () => {
    await client.close();
    await server.close();
  });
  return async (name: string, args: Record<string, unknown> = {}) => {
    const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
    const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
    return {
      result,
      text,
      structured: (result.structuredContent ?? {}) as Record<string, unknown>,
    };
  };
}

describe('qlock MCP server (in-process)', () => {
  it('a state file that cannot be read is a tool error naming the file and the recovery command', async () => {
    const { repo, paths } = await repoWithSessions(['fa']);
    const call = await connect(testContext(paths.fa!));
    const file = path.join(repo.root, '.git', 'qlock', 'registry.json');
    fs.writeFileSync(file, '{"version": 1, "sessions": {');

    const answer = await call('lock', { paths: ['src/a.txt'] });
    expect(answer.result.isError).toBe(true);
    expect(answer.text).toContain(file);
    expect(answer.text).toContain('qlock doctor --fix');
    // The broken file is left as it was for doctor to repair.
    expect(fs.readFileSync(file, 'utf8')).toBe('{"version": 1, "sessions": {');
  });

  it('an unexpected failure is a tool error saying it is an internal error, and the server keeps serving', async () => {
    const { paths } = await repoWithSessions(['fa']);
    vi.resetModules();
    vi.doMock('../../src/commands/who.js', () => ({
      who: () => Promise.reject(new TypeError('cannot read properties of undefined')),
      renderWho: () => '',
    }));
    onTestFinished(() => {
      vi.doUnmock('../../src/commands/who.js');
      vi.resetModules();
    });
    const { createServer: fresh } = await import('../../src/mcp/createServer.js');
    const server = fresh(testContext(paths.fa!));
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'qlock-test', version: '1.0.0' });
    await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
    onTestFinished(() => client.close());

    const broken = (await client.callTool({
      name: 'who',
      arguments: { path: 'src/a.txt' },
    })) as CallToolResult;
    expect(broken.isError).toBe(true);
    expect(broken.content[0]).toMatchObject({
      type: 'text',
      text: expect.stringMatching(
        /^qlock hit an internal error: cannot read properties of undefined\nPlease report it/,
      ),
    });
    const fine = (await client.callTool({
      name: 'lock',
      arguments: { paths: ['src/a.txt'] },
    })) as CallToolResult;
    expect(fine.isError).toBeFalsy();
  });

  it("every call counts as the session's activity (lastSeen advances), even a read-only one", async () => {
    const { repo, paths } = await repoWithSessions(['fa']);
    const stateDir = path.join(repo.root, '.git', 'qlock');
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    await updateRegistry(stateDir, ({ registry }) => {
      registry.sessions.fa!.lastSeen = hourAgo;
    });
    const call = await connect(testContext(paths.fa!));

    expect((await call('who', { path: 'src/a.txt' })).result.isError).toBeFalsy();
    expect(Date.parse(readRegistry(stateDir).sessions.fa!.lastSeen)).toBeGreaterThan(
      Date.parse(hourAgo),
    );
  });

  it('many calls at once on one server (clients send them concurrently) all land', async () => {
    const { repo, paths } = await repoWithSessions(['fa']);
    const call = await connect(testContext(paths.fa!));
    const files = Array.from({ length: 12 }, (_, i) => `src/f${i}.txt`);

    const answers = await Promise.all(files.map((f) => call('lock', { paths: [f] })));
    for (const a of answers) expect(a.result.isError, a.text).toBeFalsy();
    const locks = readRegistry(path.join(repo.root, '.git', 'qlock')).locks;
    expect(locks.map((l) => l.path).sort()).toEqual([...files].sort());
  });

  it('conflicts from a server outside any session: the pairs of the session named in `with`', async () => {
    const { repo, paths } = await repoWithSessions(['fa', 'fb', 'fc']);
    const base = lines('a', 20);
    repo.write('src/a.txt', base.replace('a3\n', 'a3 fa\n'), paths.fa);
    repo.write('src/a.txt', base.replace('a3\n', 'a3 fb\n'), paths.fb);
    const call = await connect(testContext(repo.root));

    const answer = await call('conflicts', { with: 'fb' });
    expect(answer.result.isError, answer.text).toBeFalsy();
    const pairs = answer.structured.pairs as { a: string; b: string; conflict: boolean }[];
    const named = pairs.map((p) => [[p.a, p.b].sort().join('+'), p.conflict]).sort();
    expect(named).toEqual([
      ['fa+fb', true],
      ['fb+fc', false],
      ['fb+main', false],
    ]);
  });

  it('works for plain-directory sessions (no git): lock, who, unlock', async () => {
    const root = makePlainDir({ 'notes.txt': lines('n', 10), 'src/app.js': 'x\n' }, 'plain');
    await init({}, testContext(root));
    const { session } = await newSession({ name: 'c1', copy: true }, testContext(root));
    const call = await connect(testContext(session.path));

    const locked = await call('lock', { paths: ['src/app.js'], reason: 'rewrite' });
    expect(locked.result.isError, locked.text).toBeFalsy();
    expect(readRegistry(path.join(root, '.qlock')).locks.map((l) => [l.path, l.session])).toEqual([
      ['src/app.js', 'c1'],
    ]);
    const who = await call('who', { path: 'src/app.js' });
    expect(who.text).toContain('c1');
    const released = await call('unlock', { all: true });
    expect(released.result.isError, released.text).toBeFalsy();
    expect(readRegistry(path.join(root, '.qlock')).locks).toEqual([]);
  });
});
