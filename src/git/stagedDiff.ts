import { git } from './exec.js';

/**
 * The flags of the staged diff, the same as the hook runner's (hooks/run.sh), so that both routes
 * read the same output: `--cached` compares the index with a commit; `--raw` gives each path's
 * modes, old and new blob and status letter; `-z` keeps any byte of a name; `--no-renames` lists a
 * rename as its deletion and its addition (both paths are written); `--no-abbrev` gives full
 * object ids (the old blob is compared with other ones).
 */
export const STAGED_DIFF = ['diff', '--cached', '--raw', '-z', '--no-renames', '--no-abbrev'];

/**
 * What the index changes against `against`, or against HEAD without it (against nothing before
 * the first commit: git diffs an unborn HEAD with the empty tree): the raw `-z` output, for the
 * caller to parse. `env` is the caller's on purpose: a hook passes its own, whose GIT_INDEX_FILE
 * (`git commit -a` or `git commit <path>` stage into a temporary index) and GIT_DIR (a linked
 * worktree) name the index being committed. Its paths are repo-relative, whatever the cwd. A
 * module of its own: the git hooks' main chunk (scripts/bundle.mjs) holds it, not diff.ts.
 */
export async function stagedDiff(
  cwd: string,
  env: NodeJS.ProcessEnv,
  against?: string,
): Promise<string> {
  const { stdout } = await git([...STAGED_DIFF, ...(against ? [against] : []), '--'], {
    cwd,
    env,
  });
  return stdout;
}
