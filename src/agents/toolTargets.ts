import path from 'node:path';

import { shellGuardMessages } from '../ui/messages/shellGuard.js';
import { toolSpecFor } from './adapters/index.js';
import type { ToolSpec } from './adapters/types.js';
import { absolute, fileTargets, home, str, type ToolTargets } from './fileTargets.js';
import { patchPaths } from './patchPaths.js';
import { shellWrites } from './shellWrites.js';

export { patchPaths };

/**
 * The files a tool call is about to write, from the agent's pre-tool payload (its tool and its
 * arguments, as the agent's adapter reads them; each adapter lists its tools in `tools`):
 *
 * | agent          | tool                               | path                               |
 * |----------------|------------------------------------|------------------------------------|
 * | Q, Kiro        | fs_write (Kiro alias: write)       | tool_input.path (`~/` expanded, as Q does) |
 * | Claude Code    | Write, Edit, MultiEdit             | tool_input.file_path               |
 * | Claude Code    | NotebookEdit                       | tool_input.notebook_path           |
 * | Gemini CLI     | write_file, replace                | tool_input.file_path (may be relative) |
 * | Codex CLI      | apply_patch                        | `*** Add/Update/Delete File:` and `*** Move to:` headers of tool_input.command |
 * | all            | execute_bash, execute_cmd, shell, Bash, run_shell_command | obvious writes of tool_input.command (shellWrites.ts) |
 *
 * A hook may be run by another program than the one it was written for (Copilot CLI runs Claude's
 * with its own argument names, `path` and a raw patch under `Edit`), so every agent's fields count.
 * Relative paths are resolved against the payload's cwd (and Gemini's dir_path for shell).
 * Codex's shell tools (exec_command, shell) run in a `workdir` the model sets, which Codex leaves
 * out of the hook payload (codex-rs core/src/tools/handlers: `tool_input` is `{command}` only, and
 * `cwd` is the turn's): so a relative path a Codex shell command writes may also be any file under
 * the cwd with that path suffix (a deferred `suffix` write, checked against the locks).
 */

export type { ToolKind, ToolTargets } from './fileTargets.js';

/** Every agent's tools (a hook may be run by another program than it was written for). */
const ALL_TOOLS: ToolSpec = toolSpecFor('claude');

/** A shell tool's command: a string, or an argv such as ["bash", "-lc", "<script>"]. */
function shellCommand(input: Record<string, unknown>): string | undefined {
  const command = input.command ?? input.cmd;
  if (typeof command === 'string') return command;
  if (Array.isArray(command) && command.every((c) => typeof c === 'string')) {
    const argv = command as string[];
    const script = argv.findIndex((a) => /^-\w*c$/.test(a));
    if (script >= 0 && argv[script + 1] !== undefined) return argv[script + 1];
    // Joined as Codex joins an argv for its hooks (shlex): anything not plain is quoted.
    return argv
      .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
      .join(' ');
  }
  return undefined;
}

export function toolTargets(
  toolName: unknown,
  toolInput: unknown,
  cwd: string,
  tools: ToolSpec = ALL_TOOLS,
): ToolTargets {
  const known = fileTargets(toolName, toolInput, cwd, tools);
  if (known) return known;
  const input: Record<string, unknown> =
    toolInput && typeof toolInput === 'object' ? (toolInput as Record<string, unknown>) : {};
  // A shell tool (fileTargets answers every other call).
  const abs = (p: string) => absolute(p, cwd);
  const command = shellCommand(input);
  if (!command) return { kind: 'shell', paths: [] };
  const where = str(input.dir_path) ?? str(input.directory) ?? str(input.workdir);
  const dir = where ? abs(where) : cwd;
  const found = shellWrites(command, dir, { home: home() });
  const deferred = [...found.deferred];
  if (tools.hiddenWorkdir) {
    for (const written of found.relative) {
      const rel = path.relative(dir, written).split(path.sep).join('/');
      if (rel && !rel.startsWith('..'))
        deferred.push({
          kind: 'suffix',
          base: dir,
          rel,
          why: shellGuardMessages.shellUnsureCodexWorkdir(rel, dir),
        });
    }
  }
  return {
    kind: 'shell',
    paths: found.paths,
    partial: found.partial,
    ...(deferred.length ? { deferred } : {}),
  };
}
