import fs from 'node:fs';
import path from 'node:path';

import { type SessionActivity, unchangedSince } from '../conflicts/activityJournal.js';
import { fileSignature } from '../conflicts/conflictCache.js';
import { RefReader } from '../git/refReader.js';
import { worktreeGitDir } from '../git/worktreeGitDir.js';
import { atomicWrite } from '../store/atomicWrite.js';
import type { Scan, ScanMemo } from './changeSet.js';

/**
 * `qlock status` without re-scanning trees `qlock watch` saw no event in (issue 22). A session's
 * last `git status` answer is kept in `<stateDir>/cache/status.json` with what it depends on
 * outside the working tree, and reused only when all of these hold:
 *
 * - the watcher that wrote the activity journal is alive and watches the whole tree (inotify on
 *   every directory, not polling), and it was watching before that scan began;
 * - it recorded no file event in the tree since that scan began (an edit made before the scan but
 *   delivered after it counts as one: conservative);
 * - the session's index, HEAD (the file and the commit it resolves to), its worktree config, the
 *   repository's config and `info/exclude` have the signatures (inode, size, times) the scan saw,
 *   checked before and after that scan: staging, committing, checkout and ignore rules that live
 *   outside the tree all force a scan.
 *
 * What is not covered, as for `qlock conflicts`'s use of the same journal: a global excludes file
 * (`core.excludesFile`) changed while the tree stays quiet, and an edit made in the few
 * milliseconds before status starts whose event the watcher has not yet written (the answer is
 * then the one a scan a moment earlier would give; the next run sees it). Without a running
 * watcher nothing is reused.
 */

export type { Scan };

interface Memo {
  /** When the scan began (ms since epoch). */
  at: number;
  key: string;
  scan: Scan;
}

interface MemoFile {
  version: 1;
  sessions: Record<string, Memo>;
}

export class QuietScans implements ScanMemo {
  private readonly file: string;
  private readonly activity: ReadonlyMap<string, SessionActivity>;
  private readonly commonDir: string;
  private data: MemoFile | undefined;
  private dirty = false;

  constructor(stateDir: string, commonDir: string, activity: ReadonlyMap<string, SessionActivity>) {
    this.file = path.join(stateDir, 'cache', 'status.json');
    this.commonDir = commonDir;
    this.activity = activity;
  }

  /** What a scan of the worktree depends on besides its files; undefined: never reuse. */
  key(worktree: string): string | undefined {
    const gitDir = worktreeGitDir(worktree);
    if (!gitDir) return undefined;
    let headText: string;
    try {
      headText = fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
    } catch {
      return undefined;
    }
    const head = new RefReader(this.commonDir).resolve('HEAD', gitDir) ?? '';
    return [
      headText,
      head,
      fileSignature(path.join(gitDir, 'index')),
      fileSignature(path.join(gitDir, 'config.worktree')),
      fileSignature(path.join(this.commonDir, 'config')),
      fileSignature(path.join(this.commonDir, 'info', 'exclude')),
    ].join('|');
  }

  /** The last scan of this session, if the watcher vouches for it and its key still holds. */
  reuse(name: string, worktree: string): Scan | undefined {
    const memo = this.load().sessions[name];
    if (!memo || !unchangedSince(this.activity.get(name), memo.at)) return undefined;
    return memo.key === this.key(worktree) ? memo.scan : undefined;
  }

  /** Remembers a scan that began at `at`, if nothing it depends on moved while it ran. */
  record(name: string, worktree: string, at: number, keyBefore: string | undefined, scan: Scan) {
    const data = this.load();
    if (keyBefore === undefined || keyBefore !== this.key(worktree)) {
      if (data.sessions[name]) {
        delete data.sessions[name];
        this.dirty = true;
      }
      return;
    }
    data.sessions[name] = { at, key: keyBefore, scan };
    this.dirty = true;
  }

  /** Writes the memo file (without fsync: it is only a cache) if anything changed. */
  save(): void {
    if (!this.dirty || !this.data) return;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      atomicWrite(this.file, JSON.stringify(this.data), { durable: false });
    } catch {
      // not written: the next run scans
    }
    this.dirty = false;
  }

  private load(): MemoFile {
    if (this.data) return this.data;
    try {
      const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8')) as MemoFile;
      if (parsed?.version === 1 && parsed.sessions && typeof parsed.sessions === 'object')
        return (this.data = parsed);
    } catch {
      // missing or unreadable: scan
    }
    return (this.data = { version: 1, sessions: {} });
  }
}
