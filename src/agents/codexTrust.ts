import crypto from 'node:crypto';

import { type Group, isObject, ourGroupPositions } from './configEdits.js';
import { isQlockHookCommand } from './hookCommand.js';

/**
 * Codex CLI runs a project's or user's hooks only when their trust is recorded in the user's
 * config.toml: `[hooks.state."<abs source file>:<event_snake>:<group>:<handler>"] trusted_hash`.
 * Without it the hooks are skipped silently, so `qlock agent install codex` is not done until they
 * are trusted (with --trust) or the user is told exactly how.
 *
 * The hash (codex-rs hooks discovery `command_hook_hash` + config `version_for_toml`, checked
 * against a real Codex 0.169 in reference/agent-hooks.md §7) is the sha256 of the key-sorted JSON
 * of the normalised hook identity: {event_name, matcher?, hooks: [{type: "command", command,
 * timeout: <seconds, default 600>, async}]}. Absent optional fields (statusMessage, a matcher for
 * events without one) are left out, as TOML serialisation drops them. Any change of command,
 * matcher or timeout untrusts the hook, and the key is positional (group and handler index).
 */

/** Codex's snake_case labels of the events qlock installs. */
export const CODEX_EVENT_LABELS: Record<string, string> = {
  SessionStart: 'session_start',
  UserPromptSubmit: 'user_prompt_submit',
  PreToolUse: 'pre_tool_use',
  PostToolUse: 'post_tool_use',
};

/** Codex's default hook timeout, in seconds, used in the hash when a handler sets none. */
const DEFAULT_TIMEOUT_SEC = 600;

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  return value;
}

export function codexHookHash(
  eventLabel: string,
  matcher: string | undefined,
  handler: { command: string; timeout?: number; async?: boolean },
): string {
  const identity = {
    event_name: eventLabel,
    ...(matcher !== undefined ? { matcher } : {}),
    hooks: [
      {
        type: 'command',
        command: handler.command,
        timeout: Math.max(1, handler.timeout ?? DEFAULT_TIMEOUT_SEC),
        async: handler.async ?? false,
      },
    ],
  };
  return (
    'sha256:' +
    crypto
      .createHash('sha256')
      .update(JSON.stringify(canonical(identity)))
      .digest('hex')
  );
}

export interface CodexTrustEntry {
  key: string;
  hash: string;
  event: string;
}

/**
 * The trust entries for qlock's hooks as they stand in a Codex hooks.json (`config`) at
 * `sourceFile` (absolute): one per qlock handler, at its current position.
 */
export function codexTrustEntries(sourceFile: string, config: unknown): CodexTrustEntry[] {
  const entries: CodexTrustEntry[] = [];
  if (!isObject(config) || !isObject(config.hooks)) return entries;
  for (const { event, index } of ourGroupPositions(config)) {
    const label = CODEX_EVENT_LABELS[event];
    if (!label) continue;
    const group = (config.hooks[event] as unknown[])[index] as Group;
    group.hooks.forEach((handler, handlerIndex) => {
      if (!isQlockHookCommand(handler.command)) return;
      const timeout = typeof handler.timeout === 'number' ? handler.timeout : undefined;
      entries.push({
        key: `${sourceFile}:${label}:${index}:${handlerIndex}`,
        hash: codexHookHash(
          label,
          // Codex drops matchers of events that take none; qlock sets them only on tool events.
          typeof group.matcher === 'string' ? group.matcher : undefined,
          {
            command: handler.command as string,
            ...(timeout !== undefined ? { timeout } : {}),
            ...(handler.async === true ? { async: true } : {}),
          },
        ),
        event,
      });
    });
  }
  return entries;
}
