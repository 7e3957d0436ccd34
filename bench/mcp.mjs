#!/usr/bin/env node
/**
 * Benchmark: the MCP server (`qlock mcp`) as an agent uses it, against the CLI an agent would run
 * through its shell tool instead. No budget in DESIGN.md; this records what a call costs:
 *   - start-up: spawn `node bin/qlock.js mcp`, initialize, list tools (what an agent CLI pays once
 *     per session), against `node -e ''`;
 *   - a warm server's `lock` + `unlock` tool calls (SDK client over stdio), against one
 *     `qlock lock x` process (the CLI, whose budget is ≤ 1.3 × `node -e ''`).
 *
 *   npm run build && node bench/mcp.mjs [--runs 21]
 *
 * Medians; runs alternate the measures so background load hits them alike.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

import { isolatedEnv, writeGitconfig } from './benchEnv.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const BIN = path.join(path.resolve(here, '..'), 'bin/qlock.js');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '21' } } });
const RUNS = Math.max(11, Number(values.runs));

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qlock-bench-mcp-'));
const repo = path.join(work, 'repo');
const gitconfig = path.join(work, 'gitconfig');
writeGitconfig(gitconfig);
const env = isolatedEnv(gitconfig);

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r;
}
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const ms = (n) => `${n.toFixed(1)} ms`;

fs.mkdirSync(repo);
run('git', ['init', '-q', '-b', 'main'], repo);
fs.writeFileSync(path.join(repo, 'x.txt'), 'x\n');
run('git', ['add', '-A'], repo);
run('git', ['commit', '-qm', 'init'], repo);
run(process.execPath, [BIN, 'init', '--no-hooks'], repo);
const session = JSON.parse(run(process.execPath, [BIN, 'new', 's1', '--json'], repo).stdout).session
  .path;

async function connect() {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp'],
    cwd: session,
    env,
    stderr: 'ignore',
  });
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(transport);
  return client;
}

const node = [];
const startup = [];
const cli = [];
const calls = [];
const warm = await connect();
for (let i = 0; i < RUNS; i++) {
  let t = performance.now();
  run(process.execPath, ['-e', ''], session);
  node.push(performance.now() - t);

  t = performance.now();
  const client = await connect();
  await client.listTools();
  startup.push(performance.now() - t);
  await client.close();

  t = performance.now();
  run(process.execPath, [BIN, 'lock', 'x.txt'], session);
  cli.push(performance.now() - t);
  run(process.execPath, [BIN, 'unlock', 'x.txt'], session);

  t = performance.now();
  const locked = await warm.callTool({ name: 'lock', arguments: { paths: ['x.txt'] } });
  const unlocked = await warm.callTool({ name: 'unlock', arguments: { paths: ['x.txt'] } });
  calls.push((performance.now() - t) / 2);
  if (locked.isError || unlocked.isError) throw new Error(JSON.stringify([locked, unlocked]));
}
await warm.close();
fs.rmSync(work, { recursive: true, force: true });

const base = median(node);
const row = (name, list) =>
  `| ${name} | ${ms(median(list))} | ${(median(list) / base).toFixed(2)} × |`;
console.log(`load average ${os.loadavg()[0].toFixed(1)}, ${RUNS} runs, medians`);
console.log("| measure | median | ratio to `node -e ''` |\n|---|---|---|");
console.log(row("`node -e ''`", node));
console.log(row('`qlock mcp` start: spawn, initialize, tools/list', startup));
console.log(row('`qlock lock x.txt` (CLI process)', cli));
console.log(row('one tool call on a warm server (mean of lock + unlock)', calls));
