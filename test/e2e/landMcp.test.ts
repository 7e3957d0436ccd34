import { describe, expect, it } from 'vitest';

import { repoState } from './landHelpers.js';
import { connectMcp, makeMcpWorld } from './mcpHarness.js';

/** The MCP `land_plan` tool: the same plan as `qlock land --plan`, read-only. */
describe('MCP land_plan', () => {
  it('answers with the plan the CLI prints, names conflicts, and changes nothing', async () => {
    const world = await makeMcpWorld(['fa', 'fb']);
    const { repo, sessions } = world;
    const edit = (dir: string, text: string) => {
      repo.write('src/a.txt', repo.read('src/a.txt', dir).replace('a2\n', `${text}\n`), dir);
      repo.commitAll(text, dir);
    };
    edit(sessions.fa!, 'FA2');
    edit(sessions.fb!, 'FB2');
    const before = repoState(repo, Object.values(sessions));

    const mcp = await connectMcp(sessions.fa!);
    const answer = await mcp.call('land_plan');
    expect(answer.isError, answer.text).toBe(false);
    const cli = await world.qlock(['land', '--plan'], sessions.fa!);
    expect(answer.text).toBe(cli.stdout.trimEnd());
    expect(answer.text).toContain('conflicts with');
    expect(answer.text).toContain('src/a.txt');
    const order = answer.structured.order as { session: string }[];
    expect(order.map((e) => e.session).sort()).toEqual(['fa', 'fb']);

    const one = await mcp.call('land_plan', { sessions: ['fb'] });
    expect((one.structured.order as { session: string }[]).map((e) => e.session)).toEqual(['fb']);
    const unknown = await mcp.call('land_plan', { sessions: ['nosuch'] });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toContain('nosuch');
    expect(repoState(repo, Object.values(sessions))).toEqual(before);
  });
});
