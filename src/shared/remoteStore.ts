import { GitError, QlockError } from '../errors.js';
import { cleanGitEnv } from '../git/exec.js';
import { commitTree, makeTree, readObjects, writeBlob } from '../git/objects.js';
import { moveRefIfAt } from '../git/refs.js';
import { fetchRefspec, pushWithLease } from '../git/remote.js';
import { createDebug } from '../ui/debug.js';
import { messages } from '../ui/messages.js';
import type { DocError } from './remoteDoc.js';
import { emptyDoc, parseDocChecked, type RemoteDoc, serializeDoc } from './remoteDoc.js';
import { type SharedSettings, STATE_FILE } from './settings.js';

const debug = createDebug('shared');

/**
 * The transport: the shared document on the remote, read and written with plumbing only.
 * Nothing here touches a branch, the index or a working tree: objects are written into the
 * repository's object store (`hash-object -w`, `mktree`, `commit-tree`), the remote ref is read
 * with `fetch` into a tracking ref under refs/qlock-remote/, and written with a push that carries
 * a lease, so every write is a compare-and-swap on the remote.
 */

/** A version of the shared document: the commit it came from (null = the ref does not exist). */
export interface Snapshot {
  sha: string | null;
  doc: RemoteDoc;
  /** Malformed presence entries or notices left out of `doc` (see parseDocChecked). */
  ignored?: string[];
}

/** The remote could not be reached (or refused to talk): the caller degrades to local-only. */
export class RemoteUnavailable extends QlockError {
  readonly reason: string;
  constructor(remote: string, reason: string) {
    super(messages.sharedUnreachableError(remote, reason));
    this.name = 'RemoteUnavailable';
    this.reason = reason;
  }
}

/** The remote answered but permanently refuses our ref, or holds data we cannot read. */
export class RemoteRefused extends QlockError {
  readonly reason: string;
  constructor(message: string, reason: string) {
    super(message);
    this.name = 'RemoteRefused';
    this.reason = reason;
  }
}

/** Another local process was updating the tracking ref: try again in a moment. */
export class LocalRefBusy extends Error {}

/** The first meaningful line of git's complaint, for a one-line warning. */
export function gitReason(error: unknown): string {
  if (error instanceof GitError) {
    const lines = error.stderr
      .split('\n')
      .map((l) => l.replace(/^(fatal|error):\s*/, '').trim())
      .filter((l) => l && !/^(Please make sure|and the repository exists)/.test(l));
    return lines[0] ?? `git exited with ${String(error.code)}`;
  }
  return error instanceof Error ? error.message : String(error);
}

const LOCAL_REF_BUSY =
  /cannot lock ref|Unable to create '.*\.lock'|some local refs could not be updated/i;

/**
 * Reads the document at `ref` (a commit id or a ref name) in one spawn (`cat-file --batch`, the
 * commit and its state.json together). Undefined when the ref does not exist.
 */
export async function readDocAt(
  cwd: string,
  ref: string,
  s: SharedSettings,
): Promise<Snapshot | undefined> {
  const [commit, blob] = await readObjects(cwd, [
    `${ref}^{commit}`,
    `${ref}^{commit}:${STATE_FILE}`,
  ]);
  if (commit?.type !== 'commit') return undefined;
  const sha = commit.id;
  if (blob?.type !== 'blob') {
    // A commit without state.json is not ours: refuse rather than overwrite it.
    throw new RemoteRefused(messages.sharedForeignRef(s.remote, s.ref, sha), 'not a qlock ref');
  }
  const text = blob.content.toString('utf8');
  try {
    const { doc, ignored } = parseDocChecked(text);
    return { sha, doc, ...(ignored.length ? { ignored } : {}) };
  } catch (error) {
    const e = error as DocError;
    throw new RemoteRefused(
      e.newer
        ? messages.sharedNewerFormat(s.remote, s.ref, e.message)
        : messages.sharedCorruptDoc(s.remote, s.ref, sha, e.message),
      e.message,
    );
  }
}

/** The last fetched (or pushed) version, from the local tracking ref: no network. */
export async function readTracking(cwd: string, s: SharedSettings): Promise<Snapshot | undefined> {
  return readDocAt(cwd, s.tracking, s);
}

/**
 * Fetches the remote ref into the tracking ref and returns that version. A missing remote ref is
 * an empty document (sha null); --prune removes a tracking ref whose remote ref was deleted.
 */
export async function fetchState(cwd: string, s: SharedSettings): Promise<Snapshot> {
  const started = performance.now();
  try {
    await fetchRefspec(cwd, s.remote, s.fetchSpec, s.timeoutMs);
  } catch (error) {
    const reason = gitReason(error);
    if (error instanceof GitError && error.code !== null && LOCAL_REF_BUSY.test(error.stderr))
      throw new LocalRefBusy(reason);
    throw new RemoteUnavailable(s.remote, reason);
  }
  debug(`fetched ${s.ref} from ${s.remote} in ${Math.round(performance.now() - started)}ms`);
  return (await readTracking(cwd, s)) ?? { sha: null, doc: emptyDoc() };
}

/** Who the qlock commits are by, when the repository has no identity configured. */
function commitEnv(ident: { user: string; email: string }): NodeJS.ProcessEnv | undefined {
  return {
    GIT_AUTHOR_NAME: ident.user || 'qlock',
    GIT_AUTHOR_EMAIL: ident.email || 'qlock@localhost',
    GIT_COMMITTER_NAME: ident.user || 'qlock',
    GIT_COMMITTER_EMAIL: ident.email || 'qlock@localhost',
  };
}

/**
 * Writes the document as a commit (blob → tree → commit) in the local object store. The parent
 * is the version it was computed from, so the remote ref only ever moves forward: hosts or
 * servers with receive.denyNonFastForwards accept it, and `git log <ref>` is an audit trail.
 */
export async function writeCommit(
  cwd: string,
  doc: RemoteDoc,
  parent: string | null,
  message: string,
  ident: { user: string; email: string },
  baseEnv: NodeJS.ProcessEnv,
): Promise<string> {
  const blob = await writeBlob(cwd, serializeDoc(doc));
  const tree = await makeTree(cwd, [{ mode: '100644', type: 'blob', id: blob, name: STATE_FILE }]);
  // The caller's environment may be a git hook's (GIT_DIR, GIT_INDEX_FILE, ...): cleaned, so that
  // the commit lands in the object store of the repository at `cwd`, like its tree.
  const env = { ...cleanGitEnv(baseEnv), ...commitEnv(ident) };
  return commitTree(cwd, tree, parent ? [parent] : [], message + '\n', env);
}

/** Push outcomes that mean "someone else wrote first": re-fetch and try again. */
const CONTENTION =
  /stale info|fetch first|non-fast-forward|failed to update ref|failed to lock|cannot lock ref|incorrect old value|already exists|but expected/i;

/**
 * Pushes `sha` to the remote ref with a lease on `expected` (null: the ref must not exist yet).
 * Returns 'ok', or 'stale' when the remote moved since (the lease failed, or the server's own
 * ref lock saw another update in flight). Throws RemoteUnavailable or RemoteRefused otherwise.
 */
export async function pushState(
  cwd: string,
  s: SharedSettings,
  sha: string,
  expected: string | null,
): Promise<'ok' | 'stale'> {
  const started = performance.now();
  let result;
  try {
    result = await pushWithLease(cwd, s.remote, s.ref, sha, expected, s.timeoutMs);
  } catch (error) {
    throw new RemoteUnavailable(s.remote, gitReason(error));
  }
  const status = result.status;
  debug(
    `push ${s.ref} → ${status?.line ?? result.stderr.trim()} ${Math.round(performance.now() - started)}ms`,
  );
  if (!status) {
    // No status for our ref: the connection failed before the update was negotiated.
    const reason = result.stderr.split('\n').find((l) => /fatal|error/.test(l)) ?? result.stderr;
    throw new RemoteUnavailable(s.remote, reason.replace(/^(fatal|error):\s*/, '').trim());
  }
  if (result.exitOk && status.flag !== '!') return 'ok';
  const summary = status.summary;
  if (CONTENTION.test(summary)) return 'stale';
  throw new RemoteRefused(messages.sharedPushRefused(s.remote, s.ref, summary), summary);
}

/** After our own successful push the tracking ref can move without a fetch (CAS, local). */
export async function advanceTracking(
  cwd: string,
  s: SharedSettings,
  sha: string,
  from: string | null,
): Promise<void> {
  await moveRefIfAt(cwd, s.tracking, sha, from, 'qlock: pushed');
}
