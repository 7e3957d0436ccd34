/**
 * The files a patch names. Codex's apply_patch format: `*** Add File: p`, `*** Update File: p`,
 * `*** Delete File: p`, `*** Move to: p` (Codex trims each line, so leading blanks count too).
 * Unified diffs (`git apply`, `patch`): `diff --git a/p b/q`, `--- a/p`, `+++ b/q`,
 * `rename to q`, with `strip` leading components removed (git apply's -p, default 1).
 */

const CODEX_HEADER = /^[ \t]*\*\*\* (?:Add File|Update File|Delete File|Move to): (.+?)\s*$/gm;

/** The paths named by a Codex apply_patch patch. */
export function patchPaths(patch: string): string[] {
  const found: string[] = [];
  for (const match of patch.matchAll(CODEX_HEADER)) found.push(match[1]!);
  return [...new Set(found)];
}

/** Whether text looks like a Codex apply_patch patch. */
export function isCodexPatch(text: string): boolean {
  return /^[ \t]*\*\*\* Begin Patch/m.test(text);
}

const stripped = (p: string, strip: number) => {
  const unquoted = p.replace(/^"(.*)"$/, '$1').replace(/\t.*$/, '');
  if (unquoted === '/dev/null') return undefined;
  const parts = unquoted.split('/');
  return parts.length > strip ? parts.slice(strip).join('/') : undefined;
};

/** The paths a unified diff changes, relative to where it applies. */
export function diffPaths(diff: string, strip = 1): string[] {
  const found = new Set<string>();
  for (const line of diff.split('\n')) {
    let m = /^diff --git (\S+) (\S+)/.exec(line);
    if (m) {
      for (const p of [m[1]!, m[2]!]) {
        const s = stripped(p, strip);
        if (s) found.add(s);
      }
      continue;
    }
    m = /^(?:---|\+\+\+) (.+)$/.exec(line);
    if (m) {
      const s = stripped(m[1]!.trim(), strip);
      if (s) found.add(s);
      continue;
    }
    m = /^(?:rename|copy) (?:to|from) (.+)$/.exec(line);
    if (m) found.add(m[1]!.trim());
  }
  return [...found];
}
