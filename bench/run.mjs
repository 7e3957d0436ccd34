#!/usr/bin/env node
// `npm run bench`: every benchmark in turn (each prints its ratios against the floors of
// DESIGN.md). Pass names to run only some: `npm run bench -- locks hooks`. Extra options after
// `--` go to each script, e.g. `npm run bench -- locks -- --runs 31`.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ALL = ['locks', 'agentHook', 'hooks', 'status', 'conflicts', 'watch', 'shared', 'mcp'];
const args = process.argv.slice(2);
const split = args.indexOf('--');
const names = (split < 0 ? args : args.slice(0, split)).filter(Boolean);
const extra = split < 0 ? [] : args.slice(split + 1);
const unknown = names.filter((n) => !ALL.includes(n));
if (unknown.length) {
  console.error(`bench: unknown benchmark ${unknown.join(', ')} (have: ${ALL.join(', ')})`);
  process.exit(2);
}
let failed = 0;
for (const name of names.length ? names : ALL) {
  console.log(`\n### bench/${name}.mjs`);
  const script = path.join(import.meta.dirname, `${name}.mjs`);
  const result = spawnSync(process.execPath, [script, ...extra], { stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
