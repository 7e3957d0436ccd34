import { describe, expect, it } from 'vitest';

import {
  type JsonObject,
  ourCommands,
  reconcileFlat,
  reconcileGroups,
  removeFlat,
  removeGroups,
  removeMcpServer,
  setMcpServer,
} from '../../src/agents/configEdits.js';
import { isQlockHookCommand, isQlockMcpEntry } from '../../src/agents/hookCommand.js';

const OURS = '"/usr/bin/node" "/opt/qlock/bin/qlock.js" agent-hook claude pre-tool';
const OURS_OLD = '"/old/node" "/old/qlock/bin/qlock.js" agent-hook claude pre-tool';

describe('isQlockHookCommand', () => {
  it.each([
    [OURS, true],
    ['qlock agent-hook gemini session-start', true],
    ["'/x/qlock.js' agent-hook q prompt", true],
    ['npx eslint --fix', false],
    ['echo qlock agent-hook', false],
    ['qlock agent-hook vim pre-tool', false],
  ])('%s → %s', (command, expected) => {
    expect(isQlockHookCommand(command)).toBe(expected);
  });
});

describe('grouped hooks (Claude, Gemini, Codex)', () => {
  const desired = {
    PreToolUse: [{ matcher: 'Write|Bash', hooks: [{ type: 'command', command: OURS }] }],
  };

  it('adds qlock’s group after the user’s, then changes nothing the second time', () => {
    const config: JsonObject = {
      hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'lint' }] }] },
      model: 'x',
    };
    expect(reconcileGroups(config, desired)).toBe(true);
    expect(config.hooks).toEqual({
      PreToolUse: [
        { matcher: 'Bash', hooks: [{ type: 'command', command: 'lint' }] },
        desired.PreToolUse[0],
      ],
    });
    const again = structuredClone(config);
    expect(reconcileGroups(again, desired)).toBe(false);
    expect(again).toEqual(config);
  });

  it('replaces an out-of-date qlock group and drops qlock groups no longer wanted', () => {
    const config: JsonObject = {
      hooks: {
        PreToolUse: [{ matcher: 'Edit', hooks: [{ type: 'command', command: OURS_OLD }] }],
        Stop: [{ hooks: [{ type: 'command', command: 'qlock agent-hook claude stop' }] }],
      },
    };
    reconcileGroups(config, desired);
    expect(config.hooks).toEqual(desired);
  });

  it('removes only qlock’s handlers, keeping a user handler that shares the group', () => {
    const config: JsonObject = {
      hooks: {
        PreToolUse: [
          {
            matcher: 'Write',
            hooks: [
              { type: 'command', command: 'prettier' },
              { type: 'command', command: OURS },
            ],
          },
        ],
        SessionStart: [{ hooks: [{ type: 'command', command: OURS }] }],
      },
      enabled: true,
    };
    expect(removeGroups(config)).toBe(true);
    expect(config).toEqual({
      hooks: {
        PreToolUse: [{ matcher: 'Write', hooks: [{ type: 'command', command: 'prettier' }] }],
      },
      enabled: true,
    });
    expect(removeGroups(config)).toBe(false);
  });

  it('leaves Gemini’s non-event keys of "hooks" alone', () => {
    const config: JsonObject = { hooks: { enabled: true, disabled: [] } };
    reconcileGroups(config, desired);
    removeGroups(config);
    expect(config).toEqual({ hooks: { enabled: true, disabled: [] } });
  });

  it('refuses a "hooks" entry of the wrong shape', () => {
    expect(() => reconcileGroups({ hooks: { PreToolUse: 'x' } }, desired)).toThrow(TypeError);
    expect(() => reconcileGroups({ hooks: [] }, desired)).toThrow(TypeError);
  });
});

describe('flat hooks (Q, Kiro)', () => {
  const cmd = (e: string) => `"/n" "/q/bin/qlock.js" agent-hook q ${e}`;
  const desired = {
    agentSpawn: [{ command: cmd('session-start') }],
    preToolUse: [
      { matcher: 'fs_write', command: cmd('pre-tool') },
      { matcher: 'execute_bash', command: cmd('pre-tool') },
    ],
  };

  it('merges with the user’s hooks and removes exactly qlock’s', () => {
    const user = { matcher: 'fs_write', command: 'cargo fmt' };
    const config: JsonObject = { tools: ['*'], hooks: { preToolUse: [user] } };
    reconcileFlat(config, desired);
    expect(config.hooks).toEqual({
      preToolUse: [user, ...desired.preToolUse],
      agentSpawn: desired.agentSpawn,
    });
    expect(ourCommands(config)).toHaveLength(3);
    expect(reconcileFlat(config, desired)).toBe(false);
    removeFlat(config);
    expect(config).toEqual({ tools: ['*'], hooks: { preToolUse: [user] } });
  });
});

describe('MCP server entries', () => {
  const entry = { command: '/usr/bin/node', args: ['/opt/qlock/bin/qlock.js', 'mcp'] };

  it('adds, updates, keeps a foreign server of the same name, and removes only its own', () => {
    const config: JsonObject = { mcpServers: { other: { command: 'x' } } };
    expect(setMcpServer(config, entry)).toBe('added');
    expect(setMcpServer(config, entry)).toBe('unchanged');
    expect(setMcpServer(config, { ...entry, command: '/new/node' })).toBe('updated');
    expect(removeMcpServer(config)).toBe(true);
    expect(config).toEqual({ mcpServers: { other: { command: 'x' } } });

    const foreign: JsonObject = { mcpServers: { qlock: { command: 'python', args: ['srv.py'] } } };
    expect(setMcpServer(foreign, entry)).toBe('foreign');
    expect(removeMcpServer(foreign)).toBe(false);
    expect(isQlockMcpEntry(foreign.mcpServers)).toBe(false);
  });
});
