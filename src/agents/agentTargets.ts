import type { AgentName } from '../project/agentNames.js';
import type { JsonTarget, Target, TargetOptions } from './adapters/configParts.js';
import { ADAPTERS } from './adapters/index.js';

/**
 * Where each agent keeps its configuration and what qlock puts there: each agent's adapter
 * (src/agents/adapters/<agent>.ts) says it; this module only asks the right one.
 *
 * Only Gemini CLI reads comments in its settings (strip-json-comments); Claude Code silently
 * ignores a settings file with a comment (hooks and all, seen with 2.1.330), and Q, Kiro and Codex
 * parse strict JSON, so qlock refuses to edit a commented file of theirs.
 */

export { codexHome, codexHooksRoot } from './adapters/codex.js';
export type {
  JsonTarget,
  Part,
  Scope,
  Target,
  TargetOptions,
  TextTarget,
  TomlTarget,
} from './adapters/configParts.js';
export { homeDir } from './adapters/configParts.js';
export { KIRO_AGENT } from './adapters/kiro.js';
export { AGENT_FILE_MARK, Q_DEFAULT_AGENT } from './adapters/q.js';

/** Every file `qlock agent install <agent>` writes, in the order they are written. */
export function agentTargets(agent: AgentName, options: TargetOptions): Target[] {
  return ADAPTERS[agent].targets(options);
}

/** The file that carries an agent's hooks (doctor, Codex trust). */
export function hooksTarget(agent: AgentName, options: TargetOptions): JsonTarget {
  return agentTargets(agent, options).find(
    (t): t is JsonTarget => t.kind === 'json' && t.hooks !== undefined,
  )!;
}
