import { git } from './exec.js';

/**
 * The person git would put on a commit made in `cwd`: user.name and user.email as configured
 * (any scope, the last value winning as git's own lookup does), '' for one that is not set.
 *
 * One `config --get-regexp` answers both (one spawn instead of two `config --get`): the pattern
 * is anchored and case-insensitive keys come out lower-cased, so `user.names` or `core.user.name`
 * never match. Exit 1 means neither is set (okCodes [0, 1]); any other exit throws. A module of
 * its own: shared/identity.ts, which asks it, is loaded by shared mode's lock path, which need not
 * load repo.ts.
 */
export async function gitUser(cwd: string): Promise<{ name: string; email: string }> {
  const { stdout } = await git(['config', '--get-regexp', '^user\\.(name|email)$'], {
    cwd,
    okCodes: [0, 1],
  });
  let name = '';
  let email = '';
  for (const line of stdout.split('\n')) {
    const space = line.indexOf(' ');
    if (space < 0) continue;
    const key = line.slice(0, space).toLowerCase();
    if (key === 'user.name') name = line.slice(space + 1);
    if (key === 'user.email') email = line.slice(space + 1);
  }
  return { name, email };
}
