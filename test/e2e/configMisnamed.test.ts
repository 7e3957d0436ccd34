import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { makeRepo, runQlock } from '../helpers/repo.js';

describe('a .qlockrc (the wrong name)', () => {
  it('doctor names it and says to rename it to .qsessionrc; absent, nothing is said', async () => {
    const repo = makeRepo();
    expect((await runQlock(['init'], { cwd: repo.root })).code).toBe(0);
    const before = await runQlock(['doctor', '--json'], { cwd: repo.root });
    expect(before.stdout).not.toContain('.qlockrc');
    fs.writeFileSync(path.join(repo.root, '.qlockrc'), '{"onOverlap":"block"}\n');
    const r = await runQlock(['doctor', '--json'], { cwd: repo.root });
    const findings = (
      JSON.parse(r.stdout) as {
        findings: { check: string; ok: boolean; message: string; fix?: string }[];
      }
    ).findings;
    const finding = findings.find((f) => f.check === 'config' && !f.ok);
    expect(finding).toMatchObject({ ok: false });
    expect(finding?.message).toContain('.qlockrc is not read');
    expect(finding?.fix).toContain('.qsessionrc');
    expect(r.code).toBe(1);
  });
});
