import { isQlockHookCommand, isQlockMcpEntry, MCP_SERVER_NAME } from './hookCommand.js';
import type { Json } from './jsonText.js';

/**
 * Pure edits of a parsed agent config: put qlock's entries in, take exactly them out. qlock's
 * entries are recognised by their command (`qlock agent-hook …`, see isQlockHookCommand), never by
 * position, so the user's own hooks around them are left alone, and installing twice changes
 * nothing the second time.
 *
 * Two shapes exist:
 * - grouped (Claude Code, Gemini CLI, Codex CLI): `hooks.<Event>: [{matcher?, hooks: [handler]}]`;
 * - flat (Amazon Q CLI, Kiro CLI): `hooks.<trigger>: [{matcher?, command, ...}]`.
 */

export type JsonObject = { [key: string]: Json };

export function isObject(value: unknown): value is JsonObject {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Which containers a removal must leave in place when it empties them: `"hooks"`,
 * `"hooks/<event>"`, `"mcpServers"`, ... that were there, empty, before qlock filled them (see
 * installRecords.ts). By default every container qlock's removal empties goes.
 */
export type Keep = (path: string) => boolean;
const KEEP_NONE: Keep = () => false;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** `config.hooks`, created when asked to and absent; undefined when it is not an object. */
function hooksOf(config: JsonObject, create: boolean): JsonObject | undefined {
  if (config.hooks === undefined && create) config.hooks = {};
  return isObject(config.hooks) ? config.hooks : undefined;
}

/** Drops the lists of `touched` that are now empty, then `hooks` itself when nothing is left. */
function dropEmpty(
  config: JsonObject,
  hooks: JsonObject,
  touched: string[],
  created = false,
  keep: Keep = KEEP_NONE,
): void {
  for (const event of touched) {
    const list = hooks[event];
    if (Array.isArray(list) && !list.length && !keep(`hooks/${event}`)) delete hooks[event];
  }
  if (!Object.keys(hooks).length && (touched.length || created) && !keep('hooks'))
    delete config.hooks;
}

/** The list at `hooks[event]`: undefined when absent; a TypeError when it is something else. */
function listAt(hooks: JsonObject, event: string, needed: boolean): Json[] | undefined {
  const value = hooks[event];
  if (Array.isArray(value)) return value;
  if (value !== undefined && needed) throw new TypeError(`"hooks.${event}" is not a list`);
  return undefined;
}

// ---- grouped shape -------------------------------------------------------------------------

export interface Group {
  matcher?: string;
  hooks: JsonObject[];
}

function isOurHandler(handler: unknown): boolean {
  return isObject(handler) && isQlockHookCommand(handler.command);
}

/** qlock's groups of one event, in order (a group counts when one of its handlers is qlock's). */
function ourGroups(list: Json[]): Json[] {
  return list.filter((g) => isObject(g) && Array.isArray(g.hooks) && g.hooks.some(isOurHandler));
}

/** Takes qlock's handlers out of one event's groups; a group left without handlers goes too. */
function stripGroups(list: Json[]): Json[] {
  const kept: Json[] = [];
  for (const group of list) {
    if (!isObject(group) || !Array.isArray(group.hooks) || !group.hooks.some(isOurHandler)) {
      kept.push(group);
      continue;
    }
    const handlers = group.hooks.filter((h) => !isOurHandler(h));
    if (handlers.length) kept.push({ ...group, hooks: handlers });
  }
  return kept;
}

/**
 * Makes qlock's groups exactly `desired` (event → groups). Returns whether anything changed. When
 * qlock's groups are already as desired nothing moves, so positions (which Codex's hook trust
 * keys depend on) stay stable.
 */
export function reconcileGroups(config: JsonObject, desired: Record<string, Group[]>): boolean {
  const created = config.hooks === undefined;
  const hooks = hooksOf(config, true);
  if (!hooks) throw new TypeError('"hooks" is not an object');
  const touched: string[] = [];
  // Other keys of `hooks` (Gemini's `enabled`, `disabled`, ...) are not event lists: skipped.
  const events = new Set([...Object.keys(hooks), ...Object.keys(desired)]);
  for (const event of events) {
    const list = listAt(hooks, event, event in desired);
    if (!list && !(event in desired)) continue;
    const want = (desired[event] ?? []) as unknown as Json[];
    const have = list ? ourGroups(list) : [];
    if (same(have, want)) continue;
    hooks[event] = [...stripGroups(list ?? []), ...want];
    touched.push(event);
  }
  dropEmpty(config, hooks, touched, created);
  return touched.length > 0;
}

/** Removes every qlock handler (and the groups, lists and `hooks` object left empty). */
export function removeGroups(config: JsonObject, keep: Keep = KEEP_NONE): boolean {
  const hooks = hooksOf(config, false);
  if (!hooks) return false;
  const touched: string[] = [];
  for (const [event, list] of Object.entries(hooks)) {
    if (!Array.isArray(list) || !ourGroups(list).length) continue;
    hooks[event] = stripGroups(list);
    touched.push(event);
  }
  if (touched.length) dropEmpty(config, hooks, touched, false, keep);
  return touched.length > 0;
}

/** Positions of qlock's groups: event → index of each qlock group in that event's list. */
export function ourGroupPositions(config: unknown): { event: string; index: number }[] {
  if (!isObject(config) || !isObject(config.hooks)) return [];
  const found: { event: string; index: number }[] = [];
  for (const [event, list] of Object.entries(config.hooks)) {
    if (!Array.isArray(list)) continue;
    list.forEach((g, index) => {
      if (isObject(g) && Array.isArray(g.hooks) && g.hooks.some(isOurHandler))
        found.push({ event, index });
    });
  }
  return found;
}

// ---- flat shape (Amazon Q CLI, Kiro CLI) ---------------------------------------------------

/** A flat entry: its command in `command` (Q, Kiro) or `bash` (GitHub Copilot CLI). */
export type FlatEntry = JsonObject;

function isOurEntry(entry: unknown): boolean {
  return isObject(entry) && (isQlockHookCommand(entry.command) || isQlockHookCommand(entry.bash));
}

export function reconcileFlat(config: JsonObject, desired: Record<string, FlatEntry[]>): boolean {
  const created = config.hooks === undefined;
  const hooks = hooksOf(config, true);
  if (!hooks) throw new TypeError('"hooks" is not an object');
  const touched: string[] = [];
  const triggers = new Set([...Object.keys(hooks), ...Object.keys(desired)]);
  for (const trigger of triggers) {
    const list = listAt(hooks, trigger, trigger in desired);
    if (!list && !(trigger in desired)) continue;
    const want = desired[trigger] ?? [];
    const have = (list ?? []).filter(isOurEntry);
    if (same(have, want)) continue;
    hooks[trigger] = [...(list ?? []).filter((e) => !isOurEntry(e)), ...want];
    touched.push(trigger);
  }
  dropEmpty(config, hooks, touched, created);
  return touched.length > 0;
}

export function removeFlat(config: JsonObject, keep: Keep = KEEP_NONE): boolean {
  const hooks = hooksOf(config, false);
  if (!hooks) return false;
  const touched: string[] = [];
  for (const [trigger, list] of Object.entries(hooks)) {
    if (!Array.isArray(list) || !list.some(isOurEntry)) continue;
    hooks[trigger] = list.filter((e) => !isOurEntry(e));
    touched.push(trigger);
  }
  if (touched.length) dropEmpty(config, hooks, touched, false, keep);
  return touched.length > 0;
}

/** Every qlock hook command found in a config of either shape. */
export function ourCommands(config: unknown): string[] {
  if (!isObject(config)) return [];
  // Kiro CLI 3's standalone hooks: a list of `{trigger, action: {type, command}}`.
  if (Array.isArray(config.hooks))
    return config.hooks
      .map((h) => (isObject(h) && isObject(h.action) ? h.action.command : undefined))
      .filter((c): c is string => isQlockHookCommand(c));
  if (!isObject(config.hooks)) return [];
  const out: string[] = [];
  for (const list of Object.values(config.hooks)) {
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (!isObject(item)) continue;
      if (isQlockHookCommand(item.command)) out.push(item.command as string);
      if (isQlockHookCommand(item.bash)) out.push(item.bash as string);
      if (Array.isArray(item.hooks))
        for (const h of item.hooks)
          if (isOurHandler(h)) out.push((h as JsonObject).command as string);
    }
  }
  return out;
}

// ---- MCP server entries --------------------------------------------------------------------

export type McpResult = 'added' | 'updated' | 'unchanged' | 'foreign';

/**
 * Puts `mcpServers.qlock` = `entry` into `config` (the key given by `key`, default mcpServers).
 * A server of that name that is not qlock's is left alone ('foreign').
 */
export function setMcpServer(config: JsonObject, entry: JsonObject, key = 'mcpServers'): McpResult {
  if (config[key] === undefined) config[key] = {};
  const servers = config[key];
  if (!isObject(servers)) throw new TypeError(`"${key}" is not an object`);
  const current = servers[MCP_SERVER_NAME];
  if (current !== undefined && !isQlockMcpEntry(current)) return 'foreign';
  if (same(current, entry)) return 'unchanged';
  servers[MCP_SERVER_NAME] = entry;
  return current === undefined ? 'added' : 'updated';
}

export function removeMcpServer(
  config: JsonObject,
  key = 'mcpServers',
  keep: Keep = KEEP_NONE,
): boolean {
  const servers = config[key];
  if (!isObject(servers) || !isQlockMcpEntry(servers[MCP_SERVER_NAME])) return false;
  delete servers[MCP_SERVER_NAME];
  if (!Object.keys(servers).length && !keep(key)) delete config[key];
  return true;
}

/** Adds `value` to the string list `config[key]` (created if absent); whether it changed. */
export function addToList(config: JsonObject, key: string, value: string): boolean {
  if (config[key] === undefined) config[key] = [];
  const list = config[key];
  if (!Array.isArray(list)) throw new TypeError(`"${key}" is not a list`);
  if (list.includes(value)) return false;
  list.push(value);
  return true;
}

export function removeFromList(
  config: JsonObject,
  key: string,
  value: string,
  keep: Keep = KEEP_NONE,
): boolean {
  const list = config[key];
  if (!Array.isArray(list) || !list.includes(value)) return false;
  const rest = list.filter((v) => v !== value);
  if (rest.length || keep(key)) config[key] = rest;
  else delete config[key];
  return true;
}

/** Whether a config already holds something of qlock's (a hook, its MCP server, its approval). */
export function hasQlockEntries(config: JsonObject): boolean {
  if (ourCommands(config).length) return true;
  for (const value of Object.values(config)) {
    if (isObject(value) && isQlockMcpEntry(value[MCP_SERVER_NAME])) return true;
  }
  const approved = config.enabledMcpjsonServers;
  return Array.isArray(approved) && approved.includes(MCP_SERVER_NAME);
}

/**
 * The containers of a config that are empty: at the top level (`"mcpServers": {}`) and in
 * `hooks` (`"preToolUse": []`), where qlock's entries go. Paths as Keep takes them.
 */
export function emptyContainers(config: JsonObject): string[] {
  const empty = (v: Json | undefined) =>
    Array.isArray(v) ? !v.length : isObject(v) && !Object.keys(v).length;
  const out = Object.keys(config).filter((k) => empty(config[k]));
  if (isObject(config.hooks))
    for (const [event, list] of Object.entries(config.hooks))
      if (empty(list)) out.push(`hooks/${event}`);
  return out;
}
