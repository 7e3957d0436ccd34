import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

import { describe, expect, it, onTestFinished } from 'vitest';

import { BIN } from '../helpers/repo.js';
import { makeMcpWorld } from './mcpHarness.js';

/**
 * Issue 16: MCP `lock` with `wait`. The wait is capped (a value over the documented limit is a
 * clear tool error), the server keeps reading and answering other requests while a lock waits and
 * ends when the client goes away, and an oversized request line gets a clear message instead of a
 * silent exit. The real server process, spoken to line by line.
 */

interface Server {
  child: ChildProcessWithoutNullStreams;
  send(message: unknown): void;
  /** Resolves with the response to request `id`. */
  answer(id: number): Promise<Record<string, unknown>>;
  /** The ids of the responses, in the order they came. */
  order: number[];
  stderr(): string;
  exited: Promise<number | null>;
}

async function startServer(cwd: string): Promise<Server> {
  const child = spawn(process.execPath, [BIN, 'mcp'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  onTestFinished(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let buffer = '';
  let stderr = '';
  const responses = new Map<number, Record<string, unknown>>();
  const waiting = new Map<number, (r: Record<string, unknown>) => void>();
  const order: number[] = [];
  child.stdout.on('data', (d: Buffer) => {
    buffer += d.toString();
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (!line.trim()) continue;
      const message = JSON.parse(line) as Record<string, unknown>;
      if (typeof message.id !== 'number') continue;
      order.push(message.id);
      responses.set(message.id, message);
      waiting.get(message.id)?.(message);
    }
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const send = (message: unknown) => child.stdin.write(JSON.stringify(message) + '\n');
  const answer = (id: number) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const got = responses.get(id);
      if (got) resolve(got);
      else waiting.set(id, resolve);
    });
  send({
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'raw', version: '1' },
    },
  });
  await answer(0);
  send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return { child, send, answer, order, stderr: () => stderr, exited };
}

const call = (id: number, name: string, args: Record<string, unknown>) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});

const text = (response: Record<string, unknown>) =>
  ((response.result as { content: { text: string }[] }).content ?? [])
    .map((c) => c.text)
    .join('\n');

describe('MCP lock with wait', () => {
  it('a wait over the limit is refused with a clear tool error; nothing is taken', async () => {
    const world = await makeMcpWorld(['fa']);
    const server = await startServer(world.sessions.fa!);
    server.send(call(1, 'lock', { paths: ['src/a.txt'], wait: '7d' }));
    const answer = await server.answer(1);
    expect((answer.result as { isError?: boolean }).isError).toBe(true);
    expect(text(answer)).toMatch(/wait.*at most 1m/);
    expect(world.registry().locks).toEqual([]);
    // Within the limit: taken.
    server.send(call(2, 'lock', { paths: ['src/a.txt'], wait: '1m' }));
    expect((await server.answer(2)).result).not.toHaveProperty('isError', true);
    expect(world.registry().locks.map((l) => l.path)).toEqual(['src/a.txt']);
  });

  it('while a lock waits, other requests are answered; closing stdin ends the server without waiting', async () => {
    const world = await makeMcpWorld(['fa', 'fb']);
    expect((await world.qlock(['lock', 'src/a.txt'], world.sessions.fb!)).code).toBe(0);
    const server = await startServer(world.sessions.fa!);
    server.send(call(1, 'lock', { paths: ['src/a.txt'], wait: '50s' }));
    server.send(call(2, 'who', { path: 'src/a.txt' }));
    const who = await server.answer(2);
    expect(text(who)).toMatch(/\bfb\b/);
    expect(server.order.filter((id) => id !== 0)).toEqual([2]); // the lock still waits
    // The client goes away: the server ends now (the lock was never taken), not in 50 s.
    server.child.stdin.end();
    expect(await server.exited).toBe(0);
    expect(world.registry().locks.map((l) => l.session)).toEqual(['fb']);
  }, 40_000);

  it('a 20 MB request line gets a clear error and the server goes on', async () => {
    const world = await makeMcpWorld(['fa']);
    const server = await startServer(world.sessions.fa!);
    server.send(call(1, 'note', { text: 'x'.repeat(20 * 1024 * 1024) }));
    server.send(call(2, 'who', { path: 'src/a.txt' }));
    const who = await server.answer(2);
    expect(who.result).toBeDefined();
    expect(server.stderr()).toMatch(/request of 20\.\d MB was skipped.*too large/);
    // The oversized request itself gets an error answer (its id was readable).
    const skipped = await server.answer(1);
    expect(skipped.error).toMatchObject({ code: -32600 });
    expect(server.child.exitCode).toBe(null);
  }, 60_000);
});
