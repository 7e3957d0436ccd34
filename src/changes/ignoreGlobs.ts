import picomatch from 'picomatch';

/**
 * Config `ignore` globs read as .gitignore reads its patterns: one without a `/` (bar a trailing
 * one) matches at any depth, so `*.log` covers `src/x.log` too; one with a `/` is anchored at
 * the project root (`dist/**`, `/NOTES.md`); a pattern that names a directory (`build`, `build/`)
 * covers everything below it. Every consumer (change sets, the watcher, snapshots' pathspecs,
 * the agent hooks) goes through this, so they all agree on what is ignored.
 */
export function anchoredIgnoreGlobs(globs: readonly string[]): string[] {
  return globs.flatMap((glob) => {
    const dir = glob.endsWith('/');
    const body = glob.replace(/^\//, '').replace(/\/$/, '');
    const anchored = glob.startsWith('/') || body.includes('/') || body.startsWith('**');
    const where = anchored ? body : `**/${body}`;
    if (dir || where.endsWith('/**')) return [dir ? `${where}/**` : where];
    // `build` is a file or a directory: the name itself, and all below it if it is a directory.
    return [where, `${where}/**`];
  });
}

/** Whether a repo-relative path (a file, or a directory with or without its `/`) is ignored. */
export function makeIgnoreMatcher(globs: readonly string[]): (relPath: string) => boolean {
  if (!globs.length) return () => false;
  const match = picomatch(anchoredIgnoreGlobs(globs), { dot: true });
  return (rel) => match(rel) || match(rel + '/');
}
