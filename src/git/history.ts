import { git } from './exec.js';

/** Questions about the commits between two points. */

/** Subjects of the commits in from..to, oldest first. */
export async function commitSubjects(cwd: string, from: string, to: string): Promise<string[]> {
  const { stdout } = await git(['log', '--reverse', '--format=%s', `${from}..${to}`], { cwd });
  return stdout.split('\n').filter(Boolean);
}

/** How many commits from..to holds (`git rev-list --count`); throws when either is unknown. */
export async function countCommits(
  cwd: string,
  from: string,
  to: string,
  { noMerges = false }: { noMerges?: boolean } = {},
): Promise<number> {
  const args = ['rev-list', '--count', ...(noMerges ? ['--no-merges'] : []), `${from}..${to}`];
  const { stdout } = await git(args, { cwd });
  return Number(stdout.trim()) || 0;
}
