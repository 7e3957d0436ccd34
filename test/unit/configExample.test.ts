import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';
import type { z } from 'zod';

import { configSchema } from '../../src/project/configSchema.js';
import { DEFAULT_CONFIG } from '../../src/project/defaultConfig.js';
import { loadConfig } from '../../src/project/loadConfig.js';
import { REPO_ROOT, tempDir } from '../helpers/repo.js';

/**
 * `.qsessionrc.example`, the schema and DEFAULT_CONFIG must stay in step: the example documents
 * every key with its default, and copied to `.qsessionrc` it loads as exactly the defaults.
 */
const EXAMPLE = path.join(REPO_ROOT, '.qsessionrc.example');
const text = fs.readFileSync(EXAMPLE, 'utf8');

/** Every key path of the schema ("watch.debounce", "shared.remote", "base", …). */
function keyPaths(schema: z.ZodTypeAny, prefix = ''): string[] {
  let inner: z.ZodTypeAny = schema;
  for (;;) {
    const def = inner._def as { typeName: string; innerType?: z.ZodTypeAny; schema?: z.ZodTypeAny };
    if (
      def.typeName === 'ZodDefault' ||
      def.typeName === 'ZodNullable' ||
      def.typeName === 'ZodOptional'
    )
      inner = def.innerType!;
    else if (def.typeName === 'ZodEffects') inner = def.schema!;
    else break;
  }
  if ((inner._def as { typeName: string }).typeName !== 'ZodObject') return prefix ? [prefix] : [];
  const shape = (inner as z.AnyZodObject).shape as Record<string, z.ZodTypeAny>;
  return Object.entries(shape).flatMap(([key, child]) => {
    const full = prefix ? `${prefix}.${key}` : key;
    const nested = keyPaths(child, full);
    return nested.length > 1 || nested[0] !== full ? [full, ...nested] : [full];
  });
}

/** Line index of `key:` (commented out or not) at the given indent, searched from `from`. */
function keyLine(lines: string[], key: string, indent: number, from = 0): number {
  const pattern = new RegExp(`^(#\\s?)?\\s{${indent}}${key}:`);
  for (let i = from; i < lines.length; i++) if (pattern.test(lines[i]!)) return i;
  return -1;
}

describe('.qsessionrc.example', () => {
  it('copied to .qsessionrc, loads through cosmiconfig as exactly the defaults', async () => {
    const root = tempDir();
    fs.copyFileSync(EXAMPLE, path.join(root, '.qsessionrc'));
    const { config, file } = await loadConfig(root);
    expect(file).toBe(path.join(root, '.qsessionrc'));
    expect(config).toEqual(DEFAULT_CONFIG);
    expect(config).toEqual(configSchema.parse({}));
  });

  it('documents every key of the schema, each with a comment above it', () => {
    const lines = text.split('\n');
    const paths = keyPaths(configSchema);
    expect(paths).toContain('base');
    expect(paths).toContain('shared.timeout');
    for (const key of paths) {
      const parts = key.split('.');
      let at = 0;
      parts.forEach((part, depth) => {
        at = keyLine(lines, part, depth * 2, at);
        expect(at, `key ${key} is not in .qsessionrc.example`).toBeGreaterThanOrEqual(0);
      });
      expect(lines[at - 1], `key ${key} has no comment above it`).toMatch(/^\s*#/);
    }
  });

  it('shows each default value next to its key', () => {
    const flat = (obj: Record<string, unknown>, prefix = ''): [string, unknown][] =>
      Object.entries(obj).flatMap(([k, v]) =>
        v && typeof v === 'object' && !Array.isArray(v)
          ? flat(v as Record<string, unknown>, `${prefix}${k}.`)
          : [[`${prefix}${k}`, v] as [string, unknown]],
      );
    const lines = text.split('\n');
    for (const [key, value] of flat(DEFAULT_CONFIG as unknown as Record<string, unknown>)) {
      const leaf = key.split('.').pop()!;
      const line = lines.find((l) => new RegExp(`^\\s*${leaf}:`).test(l));
      expect(line, key).toBeDefined();
      const shown = line!
        .slice(line!.indexOf(':') + 1)
        .trim()
        .replace(/^'(.*)'$/, '$1');
      expect(shown, key).toBe(
        value === null ? 'null' : Array.isArray(value) ? '[]' : String(value),
      );
    }
  });

  it('its commented-out examples (base, shared) are valid when uncommented', async () => {
    const root = tempDir();
    const uncommented = text
      .split('\n')
      .filter((l) => !/^shared: null/.test(l))
      .map((l) => l.replace(/^# (base:|shared:)/, '$1').replace(/^# {3}(\w+:)/, '    $1'))
      .join('\n');
    fs.writeFileSync(path.join(root, '.qsessionrc'), uncommented);
    const { config } = await loadConfig(root);
    expect(config.base).toBe('main');
    expect(config.shared).toEqual({
      remote: 'origin',
      refPrefix: 'refs/qlock',
      cacheTtl: '10s',
      timeout: '5s',
    });
  });
});
