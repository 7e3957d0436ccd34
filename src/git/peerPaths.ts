import { git, gitBuffer, splitZ } from './exec.js';

/**
 * What the agent pre-write hook asks git about a few paths in another session's worktree
 * (agents/peerChanges.ts). A module of its own, with nothing but exec.js beside it: the agent
 * tool hook's main chunk (scripts/bundle.mjs) holds it, and diff.ts or objects.ts would bring the
 * rest of their questions along. The paths are file names taken literally
 * (`--literal-pathspecs`: a `*` or a `:(` in a name is no pattern), repo-relative, a directory
 * ending in `/`.
 */

/**
 * Which of `paths` the worktree `cwd` changed since its merge-base with `base`: committed,
 * staged and unstaged alike (`diff --merge-base <base>` compares the files on disk with the
 * merge-base), so a copy that only differs because `base` moved on since is not a change.
 * `--name-only -z`: the names, any byte kept; `--no-renames`: a renamed file under both its
 * names; `--no-ext-diff`: never a configured diff driver. The names git prints, which may be
 * files under a directory asked for. Throws when git fails.
 */
export async function changedSinceMergeBaseAmong(
  cwd: string,
  base: string,
  paths: readonly string[],
): Promise<Set<string>> {
  const { stdout } = await git(
    [
      '--literal-pathspecs',
      'diff',
      '--name-only',
      '-z',
      '--no-renames',
      '--no-ext-diff',
      '--merge-base',
      base,
      '--',
      ...paths,
    ],
    { cwd },
  );
  return new Set(splitZ(stdout));
}

/**
 * Which of `paths` are new work in the worktree `cwd`: untracked (`--others`) and not ignored
 * (`--exclude-standard`: .gitignore, info/exclude, core.excludesFile), so build output is not
 * work. The names git prints (files under a directory asked for). Throws when git fails.
 */
export async function newFilesAmong(cwd: string, paths: readonly string[]): Promise<Set<string>> {
  const { stdout } = await git(
    ['--literal-pathspecs', 'ls-files', '--others', '--exclude-standard', '-z', '--', ...paths],
    { cwd },
  );
  return new Set(splitZ(stdout));
}

/**
 * The content of each of `files` at the commit `tip` (null: no blob there, or not there at all),
 * by one `cat-file --batch` for all of them (`<tip>:<path>` lines in, `<id> <type> <size>` and
 * the bytes, or `<name> missing`, out, in order). Undefined when git's output ends early; throws
 * when git fails.
 */
export async function blobsAt(
  cwd: string,
  tip: string,
  files: readonly string[],
): Promise<Map<string, Buffer | null> | undefined> {
  const out = (
    await gitBuffer(['cat-file', '--batch'], {
      cwd,
      input: files.map((r) => `${tip}:${r}`).join('\n') + '\n',
    })
  ).stdout;
  const contents = new Map<string, Buffer | null>();
  let at = 0;
  for (const rel of files) {
    const eol = out.indexOf(0x0a, at);
    if (eol < 0) return undefined;
    const header = out.subarray(at, eol).toString('utf8');
    at = eol + 1;
    const match = / (blob|tree|commit|tag) (\d+)$/.exec(header);
    if (!match) {
      contents.set(rel, null); // "<object> missing"
      continue;
    }
    const size = Number(match[2]);
    contents.set(rel, match[1] === 'blob' ? out.subarray(at, at + size) : null);
    at += size + 1;
  }
  return contents;
}
