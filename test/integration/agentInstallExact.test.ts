import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { installAgent, uninstallAgent } from '../../src/agents/installAgent.js';
import { tempDir } from '../helpers/repo.js';

/**
 * `agent install` + `uninstall` give back the user's config byte for byte, whatever its layout,
 * or refuse before touching it; a file copied from a private one stays private.
 */
const options = (agent: 'claude' | 'q', dir: string, home: string) => ({
  agent,
  scope: 'project' as const,
  dir,
  env: { ...process.env, HOME: home },
});

function claudeSettings(dir: string, text: string): string {
  const file = path.join(dir, '.claude/settings.local.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

describe('agent install + uninstall, exactly', () => {
  it.each([
    '{"a":1}',
    '{"a":1,"b":{"c":[1,2]}}\n',
    '{"hooks":{},"model":"opus"}',
    '{"enabledMcpjsonServers":["github"],"x":true}',
    '{ "a": 1 }',
  ])('compact or one-line JSON %s comes back byte for byte', async (text) => {
    const dir = tempDir('dir');
    const home = tempDir('home');
    const file = claudeSettings(dir, text);
    await installAgent(options('claude', dir, home));
    expect(fs.readFileSync(file, 'utf8')).toContain('qlock');
    await uninstallAgent(options('claude', dir, home));
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
  });

  it.each([
    ['a "__proto__" member', '{"__proto__":{"x":1},"model":"opus"}\n'],
    ['a duplicate key', '{"model":"opus","model":"sonnet"}\n'],
  ])('a file with %s is refused before anything is touched', async (_what, text) => {
    const dir = tempDir('dir');
    const file = claudeSettings(dir, text);
    const error = await installAgent(options('claude', dir, tempDir('home'))).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toContain('cannot be edited and given back byte for byte');
    expect((error as Error).message).toContain(file);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
    expect(fs.existsSync(path.join(dir, '.mcp.json'))).toBe(false);
  });

  it("q: the project agent copied from the user's private default agent stays private (0600)", async () => {
    const dir = tempDir('dir');
    const home = tempDir('home');
    const userAgent = path.join(home, '.aws/amazonq/cli-agents/q_cli_default.json');
    fs.mkdirSync(path.dirname(userAgent), { recursive: true });
    fs.writeFileSync(
      userAgent,
      '{"name":"q_cli_default","mcpServers":{"x":{"env":{"TOKEN":"s"}}}}',
    );
    fs.chmodSync(userAgent, 0o600);
    await installAgent(options('q', dir, home));
    const copy = path.join(dir, '.amazonq/cli-agents/q_cli_default.json');
    expect(fs.readFileSync(copy, 'utf8')).toContain('TOKEN');
    expect(fs.statSync(copy).mode & 0o777).toBe(0o600);
  });
});
