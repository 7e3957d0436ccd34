/**
 * Config `ignore` globs read as .gitignore reads its patterns: one without a `/` (bar a trailing
 * one) matches at any depth, so `*.log` covers `src/x.log` too; one with a `/` is anchored at
 * the project root (`dist/**`, `/TODO.md`); a trailing `/` means the directory and everything
 * below it. Every consumer (change sets, the watcher, snapshots' pathspecs, the agent hooks)
 * goes through this, so they all agree on what is ignored.
 */
export function anchoredIgnoreGlobs(globs: readonly string[]): string[] {
  return globs.map((glob) => {
    const dir = glob.endsWith('/');
    const body = glob.replace(/^\//, '').replace(/\/$/, '');
    const anchored = glob.startsWith('/') || body.includes('/') || body.startsWith('**');
    const where = anchored ? body : `**/${body}`;
    return dir ? `${where}/**` : where;
  });
}
