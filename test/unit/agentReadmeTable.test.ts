import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { ADAPTERS } from '../../src/agents/adapters/index.js';
import { AGENTS } from '../../src/project/agentNames.js';

/**
 * README's agent table says, per agent, what `qlock agent install` writes and which events qlock
 * uses: it must say what the adapters (src/agents/adapters/<agent>.ts) do, row for row.
 */

const README = fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

function agentTable(): string[][] {
  const lines = README.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| agent | file qlock writes |'));
  expect(start, 'README has the agent table').toBeGreaterThan(0);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

describe("README's agent table", () => {
  const rows = agentTable();
  const dir = path.join(path.sep, 'work', 'session');

  it('has one row per adapter, in the adapters order', () => {
    expect(rows.map((r) => r[0])).toEqual(AGENTS.map((a) => ADAPTERS[a].title));
  });

  it.each(AGENTS)('%s: names the files install writes and the events qlock uses', (agent) => {
    const adapter = ADAPTERS[agent];
    const row = rows.find((r) => r[0] === adapter.title);
    expect(row, `a row for ${adapter.title}`).toBeDefined();
    const [, files, start, prompt, write] = row!;
    for (const target of adapter.targets({ scope: 'project', dir, env: { HOME: '/home/u' } }))
      expect(files).toContain(`\`${path.relative(dir, target.file)}`);
    expect(start).toContain(`\`${adapter.events['session-start']}\``);
    expect(prompt).toContain(`\`${adapter.events.prompt}\``);
    expect(write).toContain(`\`${adapter.events['pre-tool']}\``);
  });
});
