import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { RefReader } from '../git/refReader.js';
import { changedSinceMergeBase } from '../git/repo.js';
import type { Project } from '../project/findProject.js';
import type { Session } from '../store/types.js';
import { createDebug } from '../ui/debug.js';
import { compareText } from '../util/compareText.js';
import { mergeBases, treeEntries } from './gitFacts.js';

const debug = createDebug('hooks');

/** Above this many paths, one full diff per session is cheaper than a huge pathspec. */
const MAX_PATHSPEC = 500;
/** Larger files are left to git rather than hashed here. */
const MAX_HASH_BYTES = 8 * 1024 * 1024;

export interface Touching {
  session: string;
  paths: string[];
}

/**
 * Which of `paths` are in each other session's change set: different in its worktree from its
 * merge-base with its base (committed-but-unmerged, staged, unstaged and untracked work alike).
 *
 * The pre-commit hook runs this against every live session, so it avoids a git process per
 * session: HEADs and base tips are read from the ref files, merge-bases come from a cache
 * (gitFacts.ts), and the working files are hashed here. A file with the same bytes as the
 * committing worktree's HEAD (`headBlobs`, from the staged diff) is taken as unchanged; for the
 * others, one `git cat-file --batch-check` (or its cache) gives the merge-base blob. Only a path whose content differs is confirmed with git (a
 * clean/smudge filter or eol conversion can make identical content hash differently), so the
 * common case, where nobody else touches the staged files, costs one git process in all.
 * Sessions whose refs cannot be read that way (reftable, an unusual base) take the plain route:
 * one path-limited `git diff --merge-base` in their worktree, with a clean environment.
 */
export async function sessionsTouching(
  project: Project,
  sessions: readonly Session[],
  paths: readonly string[],
  added: ReadonlySet<string> = new Set(),
  headBlobs: ReadonlyMap<string, string> = new Map(),
): Promise<Touching[]> {
  if (!paths.length || !sessions.length) return [];
  const slow: Session[] = [];
  const fast: { session: Session; mergeBase: string }[] = [];
  const plain = paths.filter((p) => !p.includes('\n'));
  if (project.commonDir && plain.length === paths.length && paths.length <= MAX_PATHSPEC) {
    const refs = new RefReader(project.commonDir);
    const plan = sessions.map((s) => ({
      s,
      head: refs.headOf(s.path),
      tip: refs.branchTip(s.base),
    }));
    const known = plan.filter((p) => p.head && p.tip);
    const bases = await mergeBases(
      project.stateDir,
      project.root,
      known.map((p) => [p.tip!, p.head!] as const),
    );
    known.forEach((p, i) => {
      if (bases[i]) fast.push({ session: p.s, mergeBase: bases[i] });
      else slow.push(p.s);
    });
    slow.push(...plan.filter((p) => !p.head || !p.tip).map((p) => p.s));
  } else {
    slow.push(...sessions);
  }

  const found: Touching[] = [];
  const confirm: Promise<Touching | undefined>[] = slow.map((s) => diffTouching(s, paths, added));
  if (fast.length) {
    // First, what the committing worktree's HEAD has: usually the others have the same bytes,
    // and then there is nothing to look up at all.
    const open = fast.flatMap((f) =>
      paths.filter((p) => !sameAsHead(f.session.path, p, headBlobs.get(p))).map((p) => ({ f, p })),
    );
    const lines = await treeEntries(
      project.stateDir,
      project.root,
      open.map(({ f, p }) => `${f.mergeBase}:${p}`),
    );
    for (const f of fast) {
      const hits: string[] = [];
      const maybe: string[] = [];
      open.forEach(({ f: g, p }, i) => {
        if (g !== f) return;
        const verdict = compareWorkingFile(f.session.path, p, lines[i] ?? '');
        if (verdict === 'changed') hits.push(p);
        else if (verdict === 'maybe') maybe.push(p);
      });
      if (maybe.length) {
        confirm.push(
          diffTouching(f.session, maybe).then((t) => merge(f.session.name, hits, t?.paths ?? [])),
        );
      } else if (hits.length) {
        found.push({ session: f.session.name, paths: hits });
      }
    }
  }
  for (const t of await Promise.all(confirm)) if (t) found.push(t);
  return found
    .map((t) => ({ session: t.session, paths: paths.filter((p) => t.paths.includes(p)) }))
    .sort((a, b) => compareText(a.session, b.session));
}

function merge(session: string, a: string[], b: string[]): Touching | undefined {
  const all = [...new Set([...a, ...b])];
  return all.length ? { session, paths: all } : undefined;
}

const ZERO_OID = /^0+$/;

/** A file's git blob id, from its bytes (a symlink: its target), or undefined when not a file. */
function blobId(root: string, rel: string, stat: fs.Stats, algorithm: string): string | undefined {
  if (stat.isDirectory() || stat.size > MAX_HASH_BYTES) return undefined;
  let content: Buffer;
  try {
    content = stat.isSymbolicLink()
      ? Buffer.from(fs.readlinkSync(path.join(root, rel)))
      : fs.readFileSync(path.join(root, rel));
  } catch {
    return undefined;
  }
  return crypto
    .createHash(algorithm)
    .update(`blob ${content.length}\0`)
    .update(content)
    .digest('hex');
}

function lstat(root: string, rel: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(path.join(root, rel));
  } catch {
    return undefined;
  }
}

/**
 * Whether another worktree's file is certainly unchanged without asking git: it has the same
 * bytes as the committing worktree's HEAD (`head`, from the staged diff), or both lack it. This
 * takes "same as the version the commit starts from" for "same as its own merge-base", which
 * differs only when both changed the file identically (no conflict then, and no warning).
 */
export function sameAsHead(root: string, rel: string, head: string | undefined): boolean {
  if (head === undefined) return false;
  const stat = lstat(root, rel);
  if (ZERO_OID.test(head)) return stat === undefined;
  if (!stat) return false;
  return blobId(root, rel, stat, head.length === 64 ? 'sha256' : 'sha1') === head;
}

/**
 * A working file against its merge-base blob (a `cat-file --batch-check` line):
 * `same`, `changed` (it exists on one side only: created or untracked there), or `maybe`
 * (different bytes, deleted, a directory: git decides).
 */
export function compareWorkingFile(
  root: string,
  rel: string,
  entry: string,
): 'same' | 'changed' | 'maybe' {
  const missing = entry === '' || entry.endsWith(' missing');
  const stat = lstat(root, rel);
  if (missing) return stat ? 'changed' : 'same';
  const [oid, type] = entry.split(' ');
  if (!stat || type !== 'blob') return 'maybe';
  const hash = blobId(root, rel, stat, oid!.length === 64 ? 'sha256' : 'sha1');
  return hash === oid ? 'same' : 'maybe';
}

/**
 * The plain route for one session: a path-limited `git diff --merge-base <base>` in its worktree
 * (committed, staged and unstaged changes). Untracked files do not show in a diff: a path that
 * `added` says is new here and that exists there is one it created too.
 */
async function diffTouching(
  session: Session,
  paths: readonly string[],
  added: ReadonlySet<string> = new Set(),
): Promise<Touching | undefined> {
  const pathspec = paths.length <= MAX_PATHSPEC ? paths : [];
  const diff = await changedSinceMergeBase(session.path, session.base, pathspec);
  if ('error' in diff) {
    debug(`cannot read ${session.name}'s changes: ${diff.error}`);
    return undefined;
  }
  const changed = diff.files;
  const hits = paths.filter((p) => changed.has(p) || (added.has(p) && isFile(session.path, p)));
  return hits.length ? { session: session.name, paths: hits } : undefined;
}

function isFile(root: string, rel: string): boolean {
  try {
    return fs.statSync(path.join(root, rel)).isFile();
  } catch {
    return false;
  }
}
