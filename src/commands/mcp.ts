import type { Context } from '../context.js';
import { mcpMessages } from '../ui/messages/mcp.js';

/**
 * `qlock mcp`: an MCP server over stdio for the current session (the cwd, or --session), until the
 * client closes stdin or goes away. The session is resolved at every tool call, not at start, so
 * a server started before `qlock join` (or in the wrong directory) answers each call with the
 * CLI's message rather than refusing to start, which most agent CLIs would only log.
 */
export async function mcp(_options: object, ctx: Context): Promise<undefined> {
  const [{ StdioServerTransport }, { createServer }] = await Promise.all([
    import('@modelcontextprotocol/sdk/server/stdio.js'),
    import('../mcp/createServer.js'),
  ]);
  // stdout carries the protocol: anything else printed there (a stray console.log in some
  // library) would corrupt a message, so the console goes to stderr, which clients log.
  for (const method of ['log', 'info', 'debug'] as const) console[method] = console.error;
  if (process.stdin.isTTY) ctx.err(mcpMessages.mcpOnTerminal());

  const server = createServer({ ...ctx, json: false });
  const transport = new StdioServerTransport();
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
  // Calls still running (a lock being taken) finish on their own before the process exits.
  await server.close();
  return undefined;
}
