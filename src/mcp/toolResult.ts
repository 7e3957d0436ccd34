import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

import type { Context } from '../context.js';
import { isQlockError, RefusedError } from '../errors.js';
import { touchCurrentSession } from '../sessions/touchSession.js';
import { coreMessages } from '../ui/messages/core.js';
import type { BlockedPath } from '../ui/messages/locks.js';
import { mcpMessages } from '../ui/messages/mcp.js';

/**
 * How one MCP tool call runs a CLI command function and turns its outcome into a tool result.
 * What the model reads is the text the CLI prints; the CLI's --json object rides along as
 * structured content for clients that use it.
 */

export type ToolRun = (ctx: Context) => Promise<{ result: unknown; text: string }>;

const asObject = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : { result: value };

/** Warnings a command wrote to stderr (e.g. shared mode offline) belong in the answer too. */
const withWarnings = (text: string, warnings: string[]) =>
  [text, ...warnings.map((w) => w.trimEnd())].filter(Boolean).join('\n');

/**
 * The answer when another session is in the way (a lock it holds): a normal result that names the
 * holder, its reason and what to do, not a failure of the tool, so the model reads it as an answer.
 */
function refusedResult(error: RefusedError, warnings: string[]): CallToolResult {
  const details = asObject(error.details ?? {});
  // A lock in the way: the model is not told to break it (`unlock --force` is the user's call).
  const blocked = details.blocked as BlockedPath[] | undefined;
  const remote = typeof details.remoteName === 'string' ? details.remoteName : undefined;
  const message = blocked?.length
    ? mcpMessages.mcpLockRefused(
        blocked,
        typeof details.waited === 'string' ? details.waited : undefined,
        remote,
      )
    : error.message;
  return {
    content: [{ type: 'text', text: withWarnings(message, warnings) }],
    structuredContent: { granted: false, refused: true, ...details, message },
  };
}

/**
 * Any other failure: a tool error carrying the CLI's own one- or two-line message (what happened,
 * what to do), and the object `--json` prints for it.
 */
function errorResult(error: unknown): CallToolResult {
  const qlock = isQlockError(error);
  const message = qlock
    ? error.message
    : coreMessages.internal(error instanceof Error ? error.message : String(error));
  return {
    content: [{ type: 'text', text: message }],
    structuredContent: { error: { message, exitCode: qlock ? error.exitCode : 1 } },
    isError: true,
  };
}

export async function runTool(base: Context, run: ToolRun): Promise<CallToolResult> {
  const warnings: string[] = [];
  // stdout belongs to the protocol: a command's own output goes nowhere, its warnings into the
  // answer. Every call resolves project, config and session afresh: they may have changed.
  const ctx: Context = { ...base, json: true, out: () => {}, err: (t) => void warnings.push(t) };
  try {
    const { result, text } = await run(ctx);
    return {
      content: [{ type: 'text', text: withWarnings(text || JSON.stringify(result), warnings) }],
      structuredContent: asObject(result),
    };
  } catch (error) {
    if (error instanceof RefusedError) return refusedResult(error, warnings);
    return errorResult(error);
  } finally {
    // As after every CLI command: the session was active (its lastSeen advances).
    await touchCurrentSession(ctx);
  }
}
