import fs from 'node:fs';
import path from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { onTestFinished } from 'vitest';

import type { QlockEvent, Registry } from '../../src/store/types.js';
import { BIN, makeRepo, type Repo, runQlock, type RunResult } from '../helpers/repo.js';

/**
 * The MCP server as agents run it: the built CLI (`node bin/qlock.js mcp`) spawned by the SDK's
 * own stdio client, in a session's worktree. Assertions read the state on disk (registry.json,
 * events.jsonl), never the server's word alone.
 */

export interface McpConnection {
  client: Client;
  /** Calls a tool; fails the test on a protocol error (a tool error is a normal result). */
  call(name: string, args?: Record<string, unknown>): Promise<ToolAnswer>;
  /** What the server wrote to stderr so far. */
  stderr(): string;
  close(): Promise<void>;
}

export interface ToolAnswer {
  isError: boolean;
  text: string;
  structured: Record<string, unknown>;
  raw: CallToolResult;
}

export async function connectMcp(cwd: string, extraArgs: string[] = []): Promise<McpConnection> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', ...extraArgs],
    cwd,
    // The whole test environment (its isolated git config): the SDK's default passes only a few
    // variables such as HOME and PATH.
    env: { ...process.env } as Record<string, string>,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const client = new Client({ name: 'qlock-test', version: '1.0.0' });
  await client.connect(transport);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await client.close();
  };
  onTestFinished(close);
  return {
    client,
    async call(name, args = {}) {
      const raw = (await client.callTool({ name, arguments: args })) as CallToolResult;
      const text = raw.content
        .filter((c): c is { type: 'text'; text: string } => c.type === 'text')
        .map((c) => c.text)
        .join('\n');
      return {
        isError: raw.isError === true,
        text,
        structured: (raw.structuredContent ?? {}) as Record<string, unknown>,
        raw,
      };
    },
    stderr: () => stderr,
    close,
  };
}

export interface McpWorld {
  repo: Repo;
  root: string;
  stateDir: string;
  /** Session name → worktree path. */
  sessions: Record<string, string>;
  qlock(args: string[], cwd: string): Promise<RunResult>;
  registry(): Registry;
  events(): QlockEvent[];
}

/** A repository with qlock initialised (no git hooks) and one worktree session per name. */
export async function makeMcpWorld(names: string[] = ['fa', 'fb']): Promise<McpWorld> {
  const repo = makeRepo();
  const qlock = async (args: string[], cwd: string) => runQlock(args, { cwd });
  const must = async (args: string[], cwd: string) => {
    const result = await qlock(args, cwd);
    if (result.code !== 0)
      throw new Error(`qlock ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return result;
  };
  await must(['init', '--no-hooks'], repo.root);
  const sessions: Record<string, string> = {};
  for (const name of names) {
    const created = await must(['new', name, '--json'], repo.root);
    sessions[name] = (JSON.parse(created.stdout) as { session: { path: string } }).session.path;
  }
  const stateDir = path.join(repo.root, '.git', 'qlock');
  return {
    repo,
    root: repo.root,
    stateDir,
    sessions,
    qlock,
    registry: () =>
      JSON.parse(fs.readFileSync(path.join(stateDir, 'registry.json'), 'utf8')) as Registry,
    events: () =>
      fs
        .readFileSync(path.join(stateDir, 'events.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as QlockEvent),
  };
}

/** The CLI's own message for a failure: its stderr without the "qlock: " prefix. */
export const cliMessage = (result: RunResult) => result.stderr.replace(/^qlock: /, '').trimEnd();
