import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { onTestFinished } from 'vitest';

import { killTree } from '../../../helpers/agentClients.js';

/**
 * A scripted loopback stand-in for a model API (mocks/mock-*-api.mjs, copies of the project's shared
 * tools): the first model turn that offers the scripted tool gets one call of it, every other turn
 * gets text, and every request body is logged, so a test sees exactly what reached the model. One
 * server per client run: a server makes its scripted call only once.
 */

export type ApiKind = 'anthropic' | 'gemini' | 'codex' | 'openai';

export interface LoggedRequest {
  method?: string;
  url: string;
  /** The parsed JSON body (undefined when the body was not JSON, e.g. a GET). */
  json: unknown;
  raw: string;
}

export interface MockApi {
  port: number;
  /** http://127.0.0.1:<port> */
  origin: string;
  requestLog: string;
  requests(): LoggedRequest[];
  close(): void;
}

const MOCKS = path.join(import.meta.dirname, '..', 'mocks');

export async function startMockApi(
  kind: ApiKind,
  script: unknown,
  dir: string,
  cleanup: (fn: () => void) => void = onTestFinished,
): Promise<MockApi> {
  const requestLog = path.join(dir, `requests-${kind}-${Date.now()}.jsonl`);
  fs.writeFileSync(requestLog, '');
  const child = spawn(process.execPath, [path.join(MOCKS, `mock-${kind}-api.mjs`), '0'], {
    env: { ...process.env, SCRIPT: JSON.stringify(script), REQUEST_LOG: requestLog },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
  });
  const close = () => killTree(child.pid);
  cleanup(close);
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      close();
      reject(new Error(`the ${kind} stand-in printed no port within 10 s: ${out}${err}`));
    }, 10_000);
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line && /^\d+$/.test(line.trim())) {
        clearTimeout(timer);
        resolve(Number(line.trim()));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the ${kind} stand-in exited (${code}) before listening: ${out}${err}`));
    });
  });
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    requestLog,
    requests: () => readRequestLog(requestLog),
    close,
  };
}

export function readRequestLog(file: string): LoggedRequest[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const entry = JSON.parse(line) as { method?: string; url: string; body: string };
      let json: unknown;
      try {
        json = JSON.parse(entry.body);
      } catch {
        json = undefined;
      }
      return { method: entry.method, url: entry.url, json, raw: entry.body };
    });
}

/** Every string inside a JSON value, in order: the text a model would read, unescaped. */
export function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, out);
  else if (value && typeof value === 'object')
    for (const item of Object.values(value)) stringsIn(item, out);
  return out;
}
