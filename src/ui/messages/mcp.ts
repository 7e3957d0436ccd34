/** Messages of the MCP server (`qlock mcp`): what a person at a terminal, or the model, reads. */

import { AGENTS } from '../../project/agentNames.js';
import { type BlockedPath, blockedText, shellArg } from './locks.js';

export const mcpMessages = {
  /**
   * The lock tool refused: like the CLI's refusal, but breaking the other session's lock is left
   * to the user (as in the agent hooks' denial), never suggested to the model.
   */
  mcpLockRefused: (blocked: BlockedPath[], waited?: string, remote?: string) => {
    const first = blocked[0];
    const sessions = [...new Set(blocked.map((b) => `"${b.session}"`))].join(', ');
    return (
      `${waited ? `Still locked after waiting ${waited}` : 'Not locked'}${remote ? ` (shared through ${remote})` : ''}: ` +
      `${blocked.map(blockedText).join('; ')}.\n` +
      `Nothing was taken. Do not change ${blocked.length > 1 ? 'these files' : 'this file'} now: continue with other work, ` +
      `leave ${sessions} a note (the note tool), lock again with wait (e.g. "10m") to wait for ${sessions}, ` +
      `or ask the user to coordinate${first ? ` (the holder releases it with \`qlock unlock ${shellArg(first.lockPath)}\`)` : ''}.`
    );
  },

  /** A request line over the limit: dropped, the server goes on. */
  mcpRequestTooLong: (bytes: number, max: number) =>
    `qlock mcp: a request of ${(bytes / 1024 / 1024).toFixed(1)} MB was skipped: requests are limited to ${max / 1024 / 1024} MB (request too large). The server goes on.`,
  /** `qlock mcp` started by hand in a terminal: it waits for an MCP client on stdin. */
  mcpOnTerminal: () =>
    'qlock mcp is an MCP server: it talks JSON-RPC on stdin/stdout with an agent CLI, not with a person.\n' +
    `Register it in your agent with \`qlock agent install <${AGENTS.join('|')}>\`; press Ctrl-D to stop.`,

  /** The server's instructions, sent to the client at initialization (many pass them to the model). */
  mcpInstructions: (session: string | undefined) =>
    [
      `qlock coordinates several AI coding sessions working on one repository at the same time, each in its own worktree${
        session ? `; you are session "${session}"` : ''
      }.`,
      'Lock files before a change other sessions could collide with (a refactor, a rename, a shared module) and unlock them when done;',
      'a lock held by another session comes back as refused with the holder named: work elsewhere, leave it a note, or wait.',
      'Ask who before editing a file others may be on, check conflicts before committing or merging,',
      'and read your inbox when told you have unread events.',
    ].join(' '),
};
