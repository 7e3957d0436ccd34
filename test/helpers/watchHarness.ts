import fs from 'node:fs';

import { onTestFinished } from 'vitest';

import { init } from '../../src/commands/init.js';
import { newSession } from '../../src/commands/new.js';
import { openWorkspace } from '../../src/project/openWorkspace.js';
import type { QlockEvent } from '../../src/store/types.js';
import type { RefreshResult } from '../../src/watch/changeSetCache.js';
import { Watcher, type WatcherOptions } from '../../src/watch/startWatcher.js';
import { lines, makeRepo, type Repo, testContext, waitFor } from './repo.js';

/** Helpers for the watch area's tests: a repo with sessions, and a watcher whose output is kept. */

export interface SessionsRepo {
  repo: Repo;
  paths: Record<string, string>;
}

export async function repoWithSessions(names: string[]): Promise<SessionsRepo> {
  const repo = makeRepo({
    files: {
      'README.md': '# test\n',
      '.gitignore': 'node_modules/\n*.log\n',
      'src/a.txt': lines('a', 20),
      'src/b.txt': lines('b', 20),
      'src/c.txt': lines('c', 20),
      'lib/deep/d.txt': lines('d', 20),
    },
  });
  await init({ hooks: false }, testContext(repo.root));
  const paths: Record<string, string> = {};
  for (const name of names) paths[name] = await addSession(repo, name);
  return { repo, paths };
}

export async function addSession(repo: Repo, name: string): Promise<string> {
  const result = await newSession({ name }, testContext(repo.root));
  return result.session.path;
}

export interface TestWatcher {
  watcher: Watcher;
  events: QlockEvent[];
  notices: string[];
  refreshed: RefreshResult[];
  /** Waits for an event matching `predicate` (among all seen so far) and returns it. */
  waitEvent(predicate: (e: QlockEvent) => boolean, timeoutMs?: number): Promise<QlockEvent>;
  waitNotice(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Waits until `session`'s change set has been re-read after this call. */
  waitRefresh(session: string, predicate?: (r: RefreshResult) => boolean): Promise<RefreshResult>;
}

export async function startTestWatcher(
  cwd: string,
  options: Partial<WatcherOptions> = {},
): Promise<TestWatcher> {
  const ws = await openWorkspace(testContext(cwd));
  const watcher = new Watcher(ws, { cwd, ...options });
  const events: QlockEvent[] = [];
  const notices: string[] = [];
  const refreshed: RefreshResult[] = [];
  watcher.on('event', (e) => events.push(e));
  watcher.on('notice', (n) => notices.push(n));
  watcher.on('refreshed', (r) => refreshed.push(r));
  onTestFinished(() => watcher.close());
  await watcher.start();
  return {
    watcher,
    events,
    notices,
    refreshed,
    waitEvent: (predicate, timeoutMs = 15_000) =>
      waitFor(() => events.find(predicate), timeoutMs).catch((error: Error) => {
        throw new Error(
          `${error.message}; events: ${JSON.stringify(events, null, 1)}; notices: ${notices.join(' | ')}`,
        );
      }),
    waitNotice: (pattern, timeoutMs = 15_000) =>
      waitFor(() => notices.find((n) => pattern.test(n)), timeoutMs).catch((error: Error) => {
        throw new Error(`${error.message}; notices: ${notices.join(' | ')}`);
      }),
    waitRefresh: (session, predicate = () => true) => {
      const from = refreshed.length;
      return waitFor(() =>
        refreshed.slice(from).find((r) => r.session === session && predicate(r)),
      );
    },
  };
}

/** Appends a line to a file of a session (an edit as an agent would make it). */
export function edit(dir: string, rel: string, text = 'edited\n'): void {
  fs.appendFileSync(`${dir}/${rel}`, text);
}

export const isOverlap =
  (to: string, path: string) =>
  (e: QlockEvent): boolean =>
    e.kind === 'overlap' && e.to?.[0] === to && (e.paths ?? []).includes(path);
