import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { describe, expect, it } from 'vitest';

import { readRegistry } from '../../src/store/registry.js';
import { REPO_ROOT, tempDir } from '../helpers/repo.js';

/**
 * Writes are atomic renames: a reader without the mutex never sees a partial registry, however
 * large the file and however fast another process rewrites it.
 */

const WRITER = `
import { updateRegistry } from '${pathToFileURL(path.join(REPO_ROOT, 'dist/store/registry.js')).href}';
const [stateDir, rounds] = process.argv.slice(2);
for (let i = 1; i <= Number(rounds); i++) {
  await updateRegistry(stateDir, ({ registry }) => {
    // Alternate a large and a small file: a torn read would show as bad JSON or a wrong count.
    const n = i % 2 ? 400 : 3;
    registry.base = 'round-' + i;
    registry.locks = Array.from({ length: n }, (_, k) => ({
      path: 'f' + k, session: 'round-' + i, reason: 'r'.repeat(200), acquiredAt: String(n),
    }));
  });
}
process.stdout.write('done\\n');
`;

describe('lock-free reads', () => {
  it('a reader polling while another process rewrites the registry always sees a whole version', async () => {
    const stateDir = tempDir();
    const script = path.join(tempDir(), 'writer.mjs');
    fs.writeFileSync(script, WRITER);
    const child = spawn(process.execPath, [script, stateDir, '300'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number>((resolve) =>
      child.on('exit', (code) => resolve(code ?? -1)),
    );

    let reads = 0;
    const seen = new Set<string>();
    let running = true;
    void exited.then(() => (running = false));
    while (running) {
      const registry = readRegistry(stateDir);
      reads++;
      if (registry.base) {
        seen.add(registry.base);
        // Each version is internally consistent: every lock belongs to the version's round.
        const n = registry.locks.length;
        expect([3, 400]).toContain(n);
        for (const lock of registry.locks) {
          expect(lock.session).toBe(registry.base);
          expect(lock.acquiredAt).toBe(String(n));
        }
      }
      // Yield so that the writer's events keep flowing; no sleep needed for correctness.
      await new Promise((r) => setImmediate(r));
    }
    expect(await exited, err).toBe(0);
    expect(out).toBe('done\n');
    expect(reads).toBeGreaterThan(50);
    expect(seen.size).toBeGreaterThan(5);
    expect(readRegistry(stateDir).base).toBe('round-300');
    expect(fs.readdirSync(stateDir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
