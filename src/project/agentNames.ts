/**
 * The agent CLIs qlock wires into, and the hook events its handler understands. The handler's
 * event names are qlock's own (`session-start`, `prompt`, `pre-tool`, `post-tool`); each agent's
 * native names (agentSpawn, UserPromptSubmit, BeforeAgent, ...) are accepted as aliases, so a hand
 * written config that passes the native name works too (adapters/index.ts parseHookEvent).
 * Everything else about an agent is in its adapter, src/agents/adapters/<agent>.ts.
 */

export const AGENTS = [
  'q',
  'kiro',
  'claude',
  'gemini',
  'codex',
  'qwen',
  'copilot',
  'opencode',
] as const;
export type AgentName = (typeof AGENTS)[number];

/** Each agent's name for people (its adapter's `title`; here so that messages need no adapter). */
export const AGENT_TITLES: Record<AgentName, string> = {
  q: 'Amazon Q Developer CLI',
  kiro: 'Kiro CLI',
  claude: 'Claude Code',
  gemini: 'Gemini CLI',
  codex: 'Codex CLI',
  qwen: 'Qwen Code',
  copilot: 'GitHub Copilot CLI',
  opencode: 'OpenCode',
};

export const HOOK_EVENTS = ['session-start', 'prompt', 'pre-tool', 'post-tool'] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

export function isAgentName(value: string): value is AgentName {
  return (AGENTS as readonly string[]).includes(value);
}
