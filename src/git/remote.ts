import { git, splitZ } from './exec.js';

/**
 * Talking to a remote: fetch one refspec, push one commit with a lease. Both may hang on a dead
 * network, so both take a timeout; a fetch that fails, or a push git could not even attempt,
 * throws a GitError (`code` null when it timed out) that the caller puts in its own words.
 */

/** Settings for the git calls that talk to the remote. */
function networkArgs(): string[] {
  return [
    // Never sign, never run the user's push hooks (our own pre-push would recurse), and never
    // let push.useForceIfIncludes second-guess the explicit lease.
    '-c',
    'push.gpgSign=false',
    '-c',
    'push.useForceIfIncludes=false',
  ];
}

/**
 * Fetches one refspec from `remote` (quiet, pruning, no tags, no FETCH_HEAD, no maintenance, no
 * submodules). Throws a GitError when git fails or runs out of time.
 */
export async function fetchRefspec(
  cwd: string,
  remote: string,
  refspec: string,
  timeoutMs: number,
): Promise<void> {
  await git(
    [
      ...networkArgs(),
      'fetch',
      '--quiet',
      '--prune',
      '--no-tags',
      '--no-write-fetch-head',
      '--no-auto-maintenance',
      '--no-recurse-submodules',
      remote,
      refspec,
    ],
    { cwd, timeoutMs },
  );
}

/** What a push with a lease said about our ref. */
export interface LeasedPush {
  /** git exited 0. */
  exitOk: boolean;
  /**
   * The `--porcelain` status line for the ref (`<flag>\t<from>:<to>\t<summary>`), split; absent
   * when git printed none (the connection failed before the update was negotiated).
   */
  status?: { line: string; flag: string; summary: string };
  stderr: string;
}

/**
 * Pushes `commit` to `ref` on `remote` with a lease on `expected` (null: the ref must not exist
 * yet), without hooks, tags or submodules. A refusal is an answer (see LeasedPush); a git that
 * fails otherwise or runs out of time throws a GitError.
 */
export async function pushWithLease(
  cwd: string,
  remote: string,
  ref: string,
  commit: string,
  expected: string | null,
  timeoutMs: number,
): Promise<LeasedPush> {
  const result = await git(
    [
      ...networkArgs(),
      'push',
      '--porcelain',
      '--no-verify',
      '--no-follow-tags',
      '--recurse-submodules=no',
      `--force-with-lease=${ref}:${expected ?? ''}`,
      remote,
      `${commit}:${ref}`,
    ],
    { cwd, okCodes: [0, 1], timeoutMs },
  );
  const line = result.stdout.split('\n').find((l) => l.includes(`:${ref}\t`));
  return {
    exitOk: result.code === 0,
    ...(line === undefined
      ? {}
      : { status: { line, flag: line[0] ?? '', summary: line.split('\t')[2] ?? '' } }),
    stderr: result.stderr,
  };
}

/** The URL a configured remote fetches from, or undefined when there is no such remote. */
export async function remoteUrl(cwd: string, remote: string): Promise<string | undefined> {
  const { stdout, code } = await git(['remote', 'get-url', remote], { cwd, okCodes: [0, 2, 128] });
  return code === 0 ? stdout.trim() : undefined;
}

/**
 * Files changed by the commits reachable from `tips` but not from `known` nor from what `remote`
 * already has as far as we know (its tracking refs; a URL rather than a name: every remote's),
 * merges included (their own edits, `--cc`). One `git log`; each path once.
 */
export async function filesNotOnRemote(
  cwd: string,
  tips: readonly string[],
  known: readonly string[],
  remote: string,
): Promise<string[]> {
  const { stdout } = await git(
    [
      'log',
      '--no-renames',
      '--name-only',
      // A merge's own edits (a conflict resolved in a locked file): the paths where the merge
      // differs from every parent. Without it git lists no file for a merge commit at all.
      '--cc',
      '--format=',
      '-z',
      ...tips,
      '--not',
      ...known,
      /^[A-Za-z0-9._-]+$/.test(remote) ? `--remotes=${remote}` : '--remotes',
      '--',
    ],
    { cwd },
  );
  return [
    ...new Set(
      splitZ(stdout)
        .map((p) => p.replace(/^\n+/, ''))
        .filter(Boolean),
    ),
  ];
}
