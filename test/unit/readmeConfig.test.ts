import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { configSchema } from '../../src/project/configSchema.js';
import { DEFAULT_CONFIG } from '../../src/project/defaultConfig.js';
import { REPO_ROOT } from '../helpers/repo.js';

/** Every config key with its dotted name, from the schema itself. */
function schemaKeys(): string[] {
  const keys: string[] = [];
  const shape = configSchema.shape;
  for (const [key, value] of Object.entries(shape)) {
    keys.push(key);
    let inner: unknown = value;
    // unwrap default / nullable / optional wrappers to reach a nested object
    for (let i = 0; i < 4; i++) {
      const def = (inner as { _def?: { innerType?: unknown; schema?: unknown } })._def;
      if (def?.innerType) inner = def.innerType;
    }
    const nested = (inner as { shape?: Record<string, unknown> }).shape;
    if (nested) for (const sub of Object.keys(nested)) keys.push(`${key}.${sub}`);
  }
  return keys;
}

function readmeConfigRows(): Map<string, string> {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('<!-- config-table');
  expect(start).toBeGreaterThan(0);
  const table = readme.slice(start).split('\n\n')[0]!;
  const rows = new Map<string, string>();
  for (const line of table.split('\n')) {
    const match = /^\| `([\w.]+)` \| (.+?) \|/.exec(line);
    if (match) rows.set(match[1]!, match[2]!);
  }
  return rows;
}

describe('the README configuration reference', () => {
  it('lists exactly the keys of the schema (a group like `watch` may be listed by its sub-keys only)', () => {
    const all = schemaKeys();
    const groups = new Set(all.filter((k) => all.some((other) => other.startsWith(`${k}.`))));
    const leaves = (keys: string[]) => keys.filter((k) => !groups.has(k)).sort();
    expect(leaves([...readmeConfigRows().keys()])).toEqual(leaves(all));
  });

  it('gives the same defaults as the code for every scalar key', () => {
    const rows = readmeConfigRows();
    const flat: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(DEFAULT_CONFIG)) {
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        for (const [sub, v] of Object.entries(value)) flat[`${key}.${sub}`] = v;
      } else flat[key] = value;
    }
    for (const [key, value] of Object.entries(flat)) {
      const shown = rows.get(key);
      expect(shown, key).toBeDefined();
      const literal = Array.isArray(value) ? JSON.stringify(value) : String(value);
      expect(shown, key).toContain(`\`${literal}\``);
    }
  });

  it('matches .qsessionrc.example, which documents every top-level key', () => {
    const example = fs.readFileSync(path.join(REPO_ROOT, '.qsessionrc.example'), 'utf8');
    for (const key of Object.keys(configSchema.shape)) {
      expect(example, key).toMatch(new RegExp(`^#? ?${key}:`, 'm'));
    }
  });
});
