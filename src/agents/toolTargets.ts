import fs from 'node:fs';
import path from 'node:path';

import { shellWrites } from './shellWrites.js';

/**
 * The files a tool call is about to write, from the agent's pre-tool payload (tool_name,
 * tool_input; see reference/agent-hooks.md):
 *
 * | agent          | tool                               | path                               |
 * |----------------|------------------------------------|------------------------------------|
 * | Q, Kiro        | fs_write (Kiro alias: write)       | tool_input.path                    |
 * | Claude Code    | Write, Edit, MultiEdit             | tool_input.file_path               |
 * | Claude Code    | NotebookEdit                       | tool_input.notebook_path           |
 * | Gemini CLI     | write_file, replace                | tool_input.file_path (may be relative) |
 * | Codex CLI      | apply_patch                        | `*** Add/Update/Delete File:` and `*** Move to:` headers of tool_input.command |
 * | all            | execute_bash, execute_cmd, shell, Bash, run_shell_command | obvious writes of tool_input.command (shellWrites.ts) |
 *
 * Relative paths are resolved against the payload's cwd (and Gemini's dir_path for shell).
 */

export type ToolKind = 'file' | 'shell' | 'other';

export interface ToolTargets {
  kind: ToolKind;
  /** Absolute paths. */
  paths: string[];
  /** Shell commands: some writes may not have been recognised. */
  partial?: boolean;
}

const FILE_FIELDS: Record<string, string> = {
  fs_write: 'path',
  write: 'path',
  Write: 'file_path',
  Edit: 'file_path',
  MultiEdit: 'file_path',
  NotebookEdit: 'notebook_path',
  write_file: 'file_path',
  replace: 'file_path',
};

export const SHELL_TOOLS = new Set([
  'execute_bash',
  'execute_cmd',
  'shell',
  'Bash',
  'run_shell_command',
]);

const PATCH_HEADER = /^\*\*\* (?:Add File|Update File|Delete File|Move to): (.+?)\s*$/gm;

/** The paths named by a Codex apply_patch patch. */
export function patchPaths(patch: string): string[] {
  const found: string[] = [];
  for (const match of patch.matchAll(PATCH_HEADER)) found.push(match[1]!);
  return [...new Set(found)];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

/** A shell tool's command: a string, or an argv such as ["bash", "-lc", "<script>"]. */
function shellCommand(input: Record<string, unknown>): string | undefined {
  const command = input.command ?? input.cmd;
  if (typeof command === 'string') return command;
  if (Array.isArray(command) && command.every((c) => typeof c === 'string')) {
    const argv = command as string[];
    const script = argv.findIndex((a) => /^-\w*c$/.test(a));
    if (script >= 0 && argv[script + 1] !== undefined) return argv[script + 1];
    return argv.map((a) => (/[\s'"]/.test(a) ? `'${a.replace(/'/g, `'\\''`)}'` : a)).join(' ');
  }
  return undefined;
}

function isDirectory(abs: string): boolean {
  try {
    return fs.statSync(abs).isDirectory();
  } catch {
    return false;
  }
}

export function toolTargets(toolName: unknown, toolInput: unknown, cwd: string): ToolTargets {
  const name = typeof toolName === 'string' ? toolName : '';
  const input: Record<string, unknown> =
    toolInput && typeof toolInput === 'object' ? (toolInput as Record<string, unknown>) : {};
  // Not path.resolve: it folds `link/../x` into `x`, where the kernel leaves the link's target.
  // normalizeLockPath resolves the path as the write will.
  const abs = (p: string) => (path.isAbsolute(p) ? p : `${cwd}${path.sep}${p}`);
  const field = FILE_FIELDS[name];
  if (field) {
    const p = str(input[field]);
    return { kind: 'file', paths: p ? [abs(p)] : [] };
  }
  if (name === 'apply_patch') {
    const patch =
      typeof toolInput === 'string'
        ? toolInput
        : (str(input.command) ?? str(input.patch) ?? str(input.input) ?? '');
    return { kind: 'file', paths: patchPaths(patch).map(abs) };
  }
  if (SHELL_TOOLS.has(name)) {
    const command = shellCommand(input);
    if (!command) return { kind: 'shell', paths: [] };
    const where = str(input.dir_path) ?? str(input.directory) ?? str(input.workdir);
    const found = shellWrites(command, where ? abs(where) : cwd, isDirectory);
    return { kind: 'shell', paths: found.paths, partial: found.partial };
  }
  return { kind: 'other', paths: [] };
}
