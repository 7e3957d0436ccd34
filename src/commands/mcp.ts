import type { Context } from '../context.js';
import { mcpMessages } from '../ui/messages/mcp.js';

/**
 * `qlock mcp`: an MCP server over stdio for the current session (the cwd, or --session), until the
 * client closes stdin or goes away. The session is resolved at every tool call, not at start, so
 * a server started before `qlock join` (or in the wrong directory) answers each call with the
 * CLI's message rather than refusing to start, which most agent CLIs would only log.
 */
/** The longest request line read (a note is capped far below; the SDK holds at most 10 MB). */
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

export async function mcp(_options: object, ctx: Context): Promise<undefined> {
  const [{ StdioServerTransport }, { createServer }, { limitLines, requestId }] = await Promise.all(
    [
      import('@modelcontextprotocol/sdk/server/stdio.js'),
      import('../mcp/createServer.js'),
      import('../mcp/limitLines.js'),
    ],
  );
  // stdout carries the protocol: anything else printed there (a stray console.log in some
  // library) would corrupt a message, so the console goes to stderr, which clients log.
  for (const method of ['log', 'info', 'debug'] as const) console[method] = console.error;
  if (process.stdin.isTTY) ctx.err(mcpMessages.mcpOnTerminal());
  // An agent CLI starts this server by itself in whatever it checked out: a JavaScript config is
  // run only as the user trusted it, as in the hooks (project/configTrust.ts).
  process.env.QLOCK_TRUSTED_CONFIG_ONLY = '1';

  // Ends the waits of lock calls once the client is gone (nobody is left to answer).
  const gone = new AbortController();
  const server = createServer({ ...ctx, json: false }, { signal: gone.signal });
  // An oversized request line is dropped with a message (and an error answer when its id is
  // readable) instead of closing the transport, which would end the server without a word.
  const input = limitLines(process.stdin, MAX_REQUEST_BYTES, (bytes, head) => {
    const message = mcpMessages.mcpRequestTooLong(bytes, MAX_REQUEST_BYTES);
    ctx.err(message);
    const id = requestId(head);
    if (id !== undefined)
      process.stdout.write(
        JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32600, message } }) + '\n',
      );
  });
  const transport = new StdioServerTransport(input);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.on('end', () => resolve());
    process.stdin.on('close', () => resolve());
    // The client died: writing an answer fails with EPIPE, which must not crash a tool call
    // halfway (the registry is safe either way; the answer has nobody to go to).
    process.stdout.on('error', () => resolve());
  });
  await server.connect(transport);
  await closed;
  gone.abort();
  // Calls still running (a lock being taken) finish on their own before the process exits.
  await server.close();
  return undefined;
}
