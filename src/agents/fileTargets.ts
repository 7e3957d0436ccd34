import os from 'node:os';
import path from 'node:path';

import type { ToolSpec } from './adapters/types.js';
import { patchPaths } from './patchPaths.js';
import type { Deferred } from './shellDeferred.js';

/**
 * The part of toolTargets.ts (see there for every agent's tools) that answers the calls which are
 * not shell commands: file tools, patch tools and tools that write nothing. It does not import the
 * shell command reader (shellWrites.ts and the shell*.ts modules it uses, ~50 KB), so the
 * pre-write hook loads that reader only for a shell tool (runAgentHook.ts; issue 19's budget).
 */

export type ToolKind = 'file' | 'shell' | 'other';

export interface ToolTargets {
  kind: ToolKind;
  /** Absolute paths. */
  paths: string[];
  /** Shell commands: some writes may not have been recognised. */
  partial?: boolean;
  /** Shell commands: writes whose files only the locks can tell (shellDeferred.ts). */
  deferred?: Deferred[];
}

/** Where a patch tool's patch is when its input is an object (Codex: command; OpenCode: patchText). */
const PATCH_FIELDS = ['command', 'patch', 'input', 'patchText'];

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

export function home(): string {
  return process.env.HOME || os.homedir();
}

/**
 * `p` against `cwd`. Not path.resolve: it folds `link/../x` into `x`, where the kernel leaves the
 * link's target; normalizeLockPath resolves the path as the write will.
 */
export function absolute(p: string, cwd: string): string {
  return path.isAbsolute(p) ? p : `${cwd}${path.sep}${p}`;
}

/**
 * The targets of a call that is not a shell command, or undefined for a shell tool (its command
 * is read by toolTargets.ts).
 */
export function fileTargets(
  toolName: unknown,
  toolInput: unknown,
  cwd: string,
  tools: ToolSpec,
): ToolTargets | undefined {
  const name = typeof toolName === 'string' ? toolName : '';
  const input: Record<string, unknown> =
    toolInput && typeof toolInput === 'object' ? (toolInput as Record<string, unknown>) : {};
  const abs = (p: string) => absolute(p, cwd);
  const isPatch = tools.patch.includes(name);
  const fields = Object.hasOwn(tools.file, name) ? tools.file[name] : undefined;
  if (fields && typeof toolInput !== 'string') {
    let p = fields.map((f) => str(input[f])).find((v) => v !== undefined);
    // Amazon Q (and Kiro) expand a leading `~` in fs_write's path.
    if (p && /^~(\/|$)/.test(p)) p = home() + p.slice(1);
    if (p || !isPatch) return { kind: 'file', paths: p ? [abs(p)] : [] };
  }
  if (isPatch) {
    const patch =
      typeof toolInput === 'string'
        ? toolInput
        : (PATCH_FIELDS.map((f) => str(input[f])).find((v) => v !== undefined) ?? '');
    return { kind: 'file', paths: patchPaths(patch).map(abs) };
  }
  if (tools.shell.includes(name)) return undefined;
  return { kind: 'other', paths: [] };
}
