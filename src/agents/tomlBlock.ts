import { parse, type TomlTable } from 'smol-toml';

import { QlockError } from '../errors.js';
import { messages } from '../ui/messages.js';
import { type McpServerSpec } from './hookCommand.js';

/**
 * qlock's entries in a TOML file (Codex's config.toml) live in one marked block at the end:
 *
 *   # >>> qlock >>>
 *   [mcp_servers.qlock] …
 *   [hooks.state."<key>"] …
 *   # <<< qlock <<<
 *
 * The rest of the file is never rewritten (no parse-and-reserialise, which would drop the user's
 * comments and layout): the block is regenerated from its own entries, and uninstall removes it
 * with the blank line that install put before it. smol-toml is used to read the entries back, to
 * see whether the user already defines the same tables, and to check that the result still
 * parses (an inline `mcp_servers = {…}` cannot be extended by a table; then nothing is written).
 */

export const TOML_BEGIN = '# >>> qlock >>>';
export const TOML_END = '# <<< qlock <<<';
const TOML_NOTE =
  '# Written by `qlock agent install codex`; `qlock agent uninstall codex` removes it.';

export interface TomlEntries {
  mcp?: McpServerSpec;
  /** Codex hook trust: hook key → trusted hash. */
  trust: Record<string, string>;
}

interface Split {
  /** The file without qlock's block (and without the blank line before it). */
  rest: string;
  block?: string;
}

export function splitBlock(text: string): Split {
  const begin = text.indexOf(TOML_BEGIN);
  if (begin < 0) return { rest: text };
  const endMarker = text.indexOf(TOML_END, begin);
  if (endMarker < 0) return { rest: text };
  let end = endMarker + TOML_END.length;
  if (text[end] === '\r') end++;
  if (text[end] === '\n') end++;
  let start = begin;
  // The separator install adds: one blank line before the block.
  if (text.slice(0, start).endsWith('\n\n')) start -= 1;
  else if (text.slice(0, start).endsWith('\r\n\r\n')) start -= 2;
  return { rest: text.slice(0, start) + text.slice(end), block: text.slice(begin, end) };
}

function tableAt(table: TomlTable, ...keys: string[]): TomlTable | undefined {
  let current: unknown = table;
  for (const key of keys) {
    if (!current || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as TomlTable)[key];
  }
  return current && typeof current === 'object' && !Array.isArray(current)
    ? (current as TomlTable)
    : undefined;
}

/** The entries of qlock's block (empty when there is none or it was damaged by hand). */
export function readEntries(block: string | undefined): TomlEntries {
  const entries: TomlEntries = { trust: {} };
  if (!block) return entries;
  let table: TomlTable;
  try {
    table = parse(block);
  } catch {
    return entries;
  }
  const mcp = tableAt(table, 'mcp_servers', 'qlock');
  if (mcp && typeof mcp.command === 'string' && Array.isArray(mcp.args))
    entries.mcp = { command: mcp.command, args: mcp.args.map(String) };
  const state = tableAt(table, 'hooks', 'state') ?? {};
  for (const [key, value] of Object.entries(state)) {
    const hash = (value as TomlTable | undefined)?.trusted_hash;
    if (typeof hash === 'string') entries.trust[key] = hash;
  }
  return entries;
}

/** What the user's own part of the file (outside qlock's block) already defines. */
export function userDefines(rest: string, file: string): { mcp: boolean; trust: Set<string> } {
  let table: TomlTable;
  try {
    table = parse(rest);
  } catch (error) {
    throw new QlockError(messages.agentTomlUnreadable(file, (error as Error).message));
  }
  return {
    mcp: tableAt(table, 'mcp_servers')?.qlock !== undefined,
    trust: new Set(Object.keys(tableAt(table, 'hooks', 'state') ?? {})),
  };
}

const str = (s: string) => JSON.stringify(s);

/** The TOML text of entries (without markers): what a user would add by hand. */
export function entriesToml(entries: TomlEntries, eol = '\n'): string {
  const lines: string[] = [];
  if (entries.mcp) {
    lines.push(
      '[mcp_servers.qlock]',
      `command = ${str(entries.mcp.command)}`,
      `args = [${entries.mcp.args.map(str).join(', ')}]`,
    );
  }
  for (const key of Object.keys(entries.trust).sort()) {
    if (lines.length) lines.push('');
    lines.push(`[hooks.state.${str(key)}]`, `trusted_hash = ${str(entries.trust[key]!)}`);
  }
  return lines.join(eol);
}

function isEmpty(entries: TomlEntries): boolean {
  return !entries.mcp && !Object.keys(entries.trust).length;
}

/**
 * Rewrites qlock's block of `text` to hold `update(current entries)`; the block goes when nothing
 * is left. Returns the new text (equal to `text` when nothing changed). Throws a QlockError, and
 * changes nothing, when the result would not be valid TOML.
 */
export function updateBlock(
  text: string,
  file: string,
  update: (entries: TomlEntries) => TomlEntries,
): string {
  const { rest, block } = splitBlock(text);
  const before = readEntries(block);
  const after = update({ ...before, trust: { ...before.trust } });
  if (JSON.stringify(after) === JSON.stringify(before) && block) return text;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  let next = rest;
  if (!isEmpty(after)) {
    const body = [TOML_BEGIN, TOML_NOTE, entriesToml(after, eol), TOML_END].join(eol) + eol;
    if (!next.length) next = body;
    else next = (next.endsWith('\n') ? next : next + eol) + eol + body;
  }
  if (next === text) return text;
  try {
    parse(next);
  } catch (error) {
    throw new QlockError(
      messages.agentTomlConflict(file, (error as Error).message, entriesToml(after)),
    );
  }
  return next;
}
