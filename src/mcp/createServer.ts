import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

import type { Context } from '../context.js';
import { MAX_NOTE_LENGTH } from '../inbox/sendNote.js';
import { findProject, requireProject } from '../project/findProject.js';
import { currentSession } from '../sessions/resolveSession.js';
import { readRegistry } from '../store/readRegistry.js';
import { mcpMessages } from '../ui/messages/mcp.js';
import { MAX_REASON_SHOWN } from '../ui/safeText.js';
import { VERSION } from '../util/version.js';
import { runTool } from './toolResult.js';

/**
 * qlock's MCP server: the same operations as the CLI, as tools an agent can call on purpose
 * (take a lock before a refactor, ask who edits a file, check for conflicts, leave a note).
 * Each tool is a thin call into the command function the CLI runs, with the same messages; see
 * toolResult.ts for how outcomes become tool results. The descriptions are written for a model
 * deciding when to call a tool: what it does, when it helps, what comes back.
 */

const PATHS_HELP =
  'Relative to your working directory, or absolute inside the project. A directory ends with "/" ' +
  'and covers everything below it.';

const lockPaths = z
  .array(z.string().min(1, 'A path cannot be empty.'))
  .min(1, 'Give at least one path.')
  .describe(`Files or directories. ${PATHS_HELP}`);

/** Which session this server acts for, as far as can be told at start (for the instructions). */
function sessionAtStart(ctx: Context): string | undefined {
  try {
    const project = findProject(ctx.cwd);
    return project ? currentSession(ctx, readRegistry(project.stateDir))?.name : undefined;
  } catch {
    return undefined; // an unknown --session: every tool call will say so
  }
}

/** The longest `wait` the lock tool accepts: an agent's tool call, not a place to wait for hours. */
export const MCP_MAX_WAIT_MS = 60_000;

export function createServer(base: Context, options: { signal?: AbortSignal } = {}): McpServer {
  const session = sessionAtStart(base);
  const server = new McpServer(
    { name: 'qlock', title: 'qlock', version: VERSION },
    { instructions: mcpMessages.mcpInstructions(session) },
  );

  server.registerTool(
    'lock',
    {
      title: 'Lock files for this session',
      description:
        'Take advisory locks on files or directories for this session before changing them, so other AI sessions ' +
        'working on the same repository are warned or blocked when they try to write them. All or nothing: when ' +
        'another session holds a lock on any of the paths, nothing is taken and the result says refused: true and ' +
        'names the holder, its reason and how long ago it locked. Locking a path you already hold refreshes it. ' +
        'Release with the unlock tool when done.',
      inputSchema: {
        paths: lockPaths,
        reason: z
          .string()
          .max(MAX_REASON_SHOWN)
          .optional()
          .describe('Why you lock them, shown to any session that bumps into the lock.'),
        ttl: z
          .string()
          .optional()
          .describe('Expiry, e.g. "30m" or "2h" (default: the project\'s lockTtl, often none).'),
        wait: z
          .string()
          .optional()
          .describe(
            'If another session holds a lock, wait up to this long (e.g. "20s", at most "1m") for it to be released before answering refused.',
          ),
      },
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    ({ paths, reason, ttl, wait }) =>
      runTool(base, async (ctx) => {
        const { lock, renderLock } = await import('../commands/lock.js');
        const result = await lock(
          {
            paths,
            ...(reason ? { reason } : {}),
            ...(ttl ? { ttl } : {}),
            ...(wait ? { wait } : {}),
            maxWaitMs: MCP_MAX_WAIT_MS,
            ...(options.signal ? { signal: options.signal } : {}),
          },
          ctx,
        );
        return { result, text: renderLock(result, ctx) };
      }),
  );

  server.registerTool(
    'unlock',
    {
      title: "Release this session's locks",
      description:
        'Release locks this session holds: the given paths, or all of them with all: true. Only your own locks; ' +
        'a path locked by another session is an error that names the holder (a person can break it with ' +
        '`qlock unlock --force`).',
      inputSchema: {
        paths: z
          .array(z.string().min(1, 'A path cannot be empty.'))
          .optional()
          .describe(`Locked paths to release, as they were locked. ${PATHS_HELP}`),
        all: z.boolean().optional().describe('Release every lock this session holds.'),
      },
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: false,
      },
    },
    ({ paths, all }) =>
      runTool(base, async (ctx) => {
        const { unlock, renderUnlock } = await import('../commands/unlock.js');
        const result = await unlock({ paths: paths ?? [], ...(all ? { all } : {}) }, ctx);
        return { result, text: renderUnlock(result, ctx) };
      }),
  );

  server.registerTool(
    'who',
    {
      title: 'Who is on a path',
      description:
        'Who holds a lock on a file or directory (or on a directory around it), and which sessions have it in their ' +
        'work: committed but unmerged, staged, modified or new. Ask before editing a file other sessions may be changing.',
      inputSchema: {
        path: z.string().min(1, 'Give a path.').describe(`A file or directory. ${PATHS_HELP}`),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ path }) =>
      runTool(base, async (ctx) => {
        const { who, renderWho } = await import('../commands/who.js');
        const result = await who({ path }, ctx);
        return { result, text: renderWho(result, ctx) };
      }),
  );

  server.registerTool(
    'status',
    {
      title: 'Every session of this project',
      description:
        'Every session working on this repository: its branch, how far ahead of and behind the base branch it is, ' +
        'its changed files (uncommitted included), the locks it holds, predicted conflicts, unread events, and ' +
        'what needs attention.',
      inputSchema: {},
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () =>
      runTool(base, async (ctx) => {
        const { status, renderStatus } = await import('../commands/status.js');
        const result = await status({}, ctx);
        return { result, text: renderStatus(result, {}, ctx.now()) };
      }),
  );

  server.registerTool(
    'conflicts',
    {
      title: 'Predict merge conflicts',
      description:
        "Predict whether this session's work (committed and uncommitted) would conflict when merged with another " +
        "session's work or with the base branch, and which files and changed lines overlap. Check before " +
        'committing, merging or starting on a file others have changed.',
      inputSchema: {
        with: z
          .string()
          .min(1)
          .optional()
          .describe(
            'Another session\'s name, or the base branch (e.g. "main"). Default: every other session and the base branch.',
          ),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ with: other }) =>
      runTool(base, async (ctx) => {
        const { conflicts, renderConflicts } = await import('../commands/conflicts.js');
        // The pairs of this session; without one (a server outside any session), every pair, or
        // the pairs of the one named.
        const me = currentSession(ctx, readRegistry(requireProject(ctx.cwd).stateDir));
        const options = me
          ? { a: me.name, ...(other !== undefined ? { b: other } : {}) }
          : other !== undefined
            ? { a: other }
            : {};
        const result = await conflicts(options, ctx);
        return { result, text: renderConflicts(result) };
      }),
  );

  server.registerTool(
    'land_plan',
    {
      title: 'Where the sessions stand for landing',
      description:
        'Read-only: in which order the sessions of this repository should be landed into the base branch with the ' +
        "least rework, from qlock's conflict and overlap predictions (uncommitted work included): which land " +
        'cleanly, which conflict with which other session or with base and on which files, which wait for a lock ' +
        'held by another session. Changes nothing; landing itself (`qlock land`) stays a decision for the person.',
      inputSchema: {
        sessions: z
          .array(z.string().min(1))
          .optional()
          .describe('Only these sessions, by name. Default: every session with work to land.'),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ sessions }) =>
      runTool(base, async (ctx) => {
        const { landPlan, renderLandPlan } = await import('../land/landPlan.js');
        const result = await landPlan({ names: sessions ?? [] }, ctx);
        return { result, text: renderLandPlan(result) };
      }),
  );

  server.registerTool(
    'inbox',
    {
      title: "Read this session's unread events",
      description:
        "This session's unread events, oldest first: the base branch moved under your work, another session started " +
        'changing your files, a lock of yours was broken, notes from other sessions. They are marked read ' +
        '(peek: true leaves them unread).',
      inputSchema: {
        peek: z.boolean().optional().describe('Show them without marking them read.'),
      },
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: false,
      },
    },
    ({ peek }) =>
      runTool(base, async (ctx) => {
        const { inbox, renderInbox } = await import('../commands/inbox.js');
        const result = await inbox(peek ? { peek } : {}, ctx);
        return { result, text: renderInbox(result) };
      }),
  );

  server.registerTool(
    'note',
    {
      title: 'Leave a note for the other sessions',
      description:
        'Send a short note to the inbox of every other session of this repository: a decision, a heads-up ("renaming ' +
        'the User API, keep off src/user/"), an answer to a lock holder.',
      inputSchema: {
        text: z
          .string()
          .min(1, 'The note cannot be empty.')
          .describe(`The note: a sentence or two, at most ${MAX_NOTE_LENGTH} characters.`),
      },
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: false,
      },
    },
    ({ text }) =>
      runTool(base, async (ctx) => {
        const { note, renderNote } = await import('../commands/note.js');
        const result = await note({ text }, ctx);
        return { result, text: renderNote(result) };
      }),
  );

  return server;
}
