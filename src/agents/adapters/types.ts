import type { AgentName, HookEvent } from '../../project/agentNames.js';
import type { Target, TargetOptions } from './configParts.js';
import type { HookOutcome } from './outputForms.js';

/**
 * Everything qlock knows about one agent CLI, in one module per agent (src/agents/adapters/):
 * where its config lives and what qlock writes there (hooks and MCP server), its events, how its
 * hook payload names the cwd, the tool and the paths, and how a refusal, a context line and a
 * soft warning reach its model. Adding an agent is one new adapter plus its tests.
 */

/** What qlock reads from a hook payload, whatever the agent calls it. */
export interface HookCall {
  /** Absolute or relative working directory the agent reports (relative ones are ignored). */
  cwd?: string;
  /** The tool about to run (pre-tool, post-tool). */
  tool?: string;
  /** The tool's arguments: an object, or a raw patch string. */
  input?: unknown;
  /** The user's prompt text (prompt event), when the agent sends it. */
  prompt?: string;
  /**
   * Which program runs the hook when it is not the agent the hooks were written for (Copilot CLI
   * runs the hooks in `.claude/settings*.json` too): the answer must take that program's form.
   */
  caller?: 'copilot';
  /** The event name the payload gives (`hook_event_name`), as the running program spells it. */
  nativeEvent?: string;
}

export interface ToolSpec {
  /** File tools, each with the input fields that may name its path, tried in order. */
  file: Record<string, readonly string[]>;
  /** Tools whose input is a patch (a raw string, or a string in one of `PATCH_FIELDS`). */
  patch: readonly string[];
  /** Shell tools: obvious writes of their command are checked (shellWrites.ts). */
  shell: readonly string[];
  /**
   * The agent runs shell commands in a directory its hook payload leaves out (Codex's `workdir`):
   * a relative path a command writes may be any file with that path suffix (toolTargets.ts).
   */
  hiddenWorkdir?: boolean;
}

export interface AgentAdapter {
  name: AgentName;
  /** The agent's name for people ("GitHub Copilot CLI"). */
  title: string;
  /** The npm package users install the agent from, when there is one (README, tests). */
  pkg?: string;
  /** The agent's own names for qlock's events (its config file and JSON output use them). */
  events: Record<HookEvent, string>;
  /** Every file `qlock agent install <agent>` writes, in the order they are written. */
  targets(options: TargetOptions): Target[];
  /**
   * The agent runs the hooks of its user-level and project-level config both (qlock's in both
   * would brief twice). False where a workspace file replaces the user's (Q, Kiro).
   */
  bothScopesRun: boolean;
  /**
   * Its project hooks run only once their trust is recorded in the user's config (Codex):
   * `qlock agent install <agent> --trust` records it.
   */
  trustStep?: boolean;
  /** Whether the project-level hooks in `dir` are active (Codex: only with a `.codex/` there). */
  projectHooksActive?(dir: string): boolean;
  /** Reads a hook payload. */
  readCall(payload: Record<string, unknown>, env: NodeJS.ProcessEnv): HookCall;
  tools: ToolSpec;
  /** Context for the model at session start or with a prompt. */
  context(event: HookEvent, text: string, call: HookCall): HookOutcome;
  /** Blocks the tool call; the reason reaches the model. */
  deny(event: HookEvent, reason: string, call: HookCall): HookOutcome;
  /** The events at which the agent takes a soft (non-blocking) warning. */
  warnAt: readonly HookEvent[];
  /** A non-blocking warning, at one of `warnAt`. */
  warn(event: HookEvent, text: string, call: HookCall): HookOutcome;
  /**
   * Whether this prompt event is not a user prompt but a repeat within the turn (Qwen Code fires
   * UserPromptSubmit again after each tool result): the digest waits for the next real prompt.
   */
  repeatPrompt?(call: HookCall): boolean;
  /**
   * Whether this hook stays silent because the program running it has qlock hooks of its own that
   * answer the same event (Copilot CLI running Claude's hooks beside `.github/hooks/qlock.json`):
   * one write is never checked twice, one briefing never delivered twice.
   */
  deferTo?(call: HookCall, cwd: string, env: NodeJS.ProcessEnv): boolean;
}

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** Claude's payload shape, which most agents share: snake_case `cwd`, `tool_name`, `tool_input`. */
export function snakeCaseCall(payload: Record<string, unknown>): HookCall {
  const call: HookCall = {};
  const cwd = str(payload.cwd);
  if (cwd) call.cwd = cwd;
  const tool = str(payload.tool_name);
  if (tool) call.tool = tool;
  if (payload.tool_input !== undefined) call.input = payload.tool_input;
  const prompt = str(payload.prompt);
  if (prompt !== undefined) call.prompt = prompt;
  return call;
}
