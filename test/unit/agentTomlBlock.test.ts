import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';

import { readEntries, splitBlock, updateBlock, userDefines } from '../../src/agents/tomlBlock.js';
import { QlockError } from '../../src/errors.js';

const MCP = { command: '/usr/bin/node', args: ['/opt/qlock/bin/qlock.js', 'mcp'] };
const USER = `# my codex config
model = "gpt-5.5"   # keep this comment

[projects."/home/me/repo"]
trust_level = "trusted"
`;

describe('qlock’s block in a TOML file', () => {
  it('is appended after the user’s content and removed byte for byte', () => {
    const added = updateBlock(USER, 'config.toml', (e) => ({ ...e, mcp: MCP }));
    expect(added.startsWith(USER)).toBe(true);
    const parsed = parse(added) as Record<string, Record<string, unknown>>;
    expect(parsed.mcp_servers).toEqual({ qlock: MCP });
    expect(parsed.model).toBe('gpt-5.5');
    expect(updateBlock(added, 'config.toml', (e) => ({ ...e, mcp: MCP }))).toBe(added);
    expect(updateBlock(added, 'config.toml', (e) => ({ ...e, mcp: undefined }))).toBe(USER);
  });

  it('keeps trust entries and the MCP server together, with keys quoted', () => {
    const key = '/home/me/repo/.codex/hooks.json:pre_tool_use:0:0';
    const text = updateBlock('', 'c.toml', (e) => ({
      mcp: MCP,
      trust: { ...e.trust, [key]: 'sha256:abc' },
    }));
    const parsed = parse(text) as { hooks: { state: Record<string, unknown> } };
    expect(parsed.hooks.state[key]).toEqual({ trusted_hash: 'sha256:abc' });
    expect(readEntries(splitBlock(text).block)).toEqual({
      mcp: MCP,
      trust: { [key]: 'sha256:abc' },
    });
    expect(updateBlock(text, 'c.toml', () => ({ trust: {} }))).toBe('');
  });

  it('sees what the user defines outside the block', () => {
    const text = `${USER}\n[mcp_servers.qlock]\ncommand = "mine"\n\n[hooks.state."k"]\ntrusted_hash = "x"\n`;
    const defined = userDefines(splitBlock(text).rest, 'c.toml');
    expect(defined.mcp).toBe(true);
    expect([...defined.trust]).toEqual(['k']);
  });

  it('refuses, changing nothing, when its tables cannot fit (inline table)', () => {
    const text = 'mcp_servers = { other = { command = "x" } }\n';
    expect(() => updateBlock(text, 'c.toml', (e) => ({ ...e, mcp: MCP }))).toThrow(QlockError);
    expect(() => updateBlock(text, 'c.toml', (e) => ({ ...e, mcp: MCP }))).toThrow(/by hand/);
  });
});
