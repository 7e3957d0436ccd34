/**
 * The agent CLIs qlock wires into, and the hook events its handler understands. The handler's
 * event names are qlock's own (`session-start`, `prompt`, `pre-tool`, `post-tool`); each agent's
 * native names (agentSpawn, UserPromptSubmit, BeforeAgent, ...) are accepted as aliases, so a hand
 * written config that passes the native name works too.
 */

export const AGENTS = ['q', 'kiro', 'claude', 'gemini', 'codex'] as const;
export type AgentName = (typeof AGENTS)[number];

export const HOOK_EVENTS = ['session-start', 'prompt', 'pre-tool', 'post-tool'] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

export function isAgentName(value: string): value is AgentName {
  return (AGENTS as readonly string[]).includes(value);
}

/** Each agent's native name for each event (what its config file and JSON output use). */
export const NATIVE_EVENTS: Record<AgentName, Record<HookEvent, string>> = {
  q: {
    'session-start': 'agentSpawn',
    prompt: 'userPromptSubmit',
    'pre-tool': 'preToolUse',
    'post-tool': 'postToolUse',
  },
  kiro: {
    'session-start': 'agentSpawn',
    prompt: 'userPromptSubmit',
    'pre-tool': 'preToolUse',
    'post-tool': 'postToolUse',
  },
  claude: {
    'session-start': 'SessionStart',
    prompt: 'UserPromptSubmit',
    'pre-tool': 'PreToolUse',
    'post-tool': 'PostToolUse',
  },
  gemini: {
    'session-start': 'SessionStart',
    prompt: 'BeforeAgent',
    'pre-tool': 'BeforeTool',
    'post-tool': 'AfterTool',
  },
  codex: {
    'session-start': 'SessionStart',
    prompt: 'UserPromptSubmit',
    'pre-tool': 'PreToolUse',
    'post-tool': 'PostToolUse',
  },
};

/** qlock's event for `name` (qlock's own or the agent's native name, any case), or undefined. */
export function parseHookEvent(agent: AgentName, name: string): HookEvent | undefined {
  const lower = name.toLowerCase();
  for (const event of HOOK_EVENTS) {
    if (event === lower || NATIVE_EVENTS[agent][event].toLowerCase() === lower) return event;
  }
  return undefined;
}
