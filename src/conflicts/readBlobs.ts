import { readObjects } from '../git/objects.js';

/**
 * Reads many blobs with one `git cat-file --batch` process. Specs are `<commit>:<path>`; a spec
 * that names nothing (the file does not exist on that side) maps to undefined. Paths containing a
 * newline cannot be asked for on the batch's line protocol: they also map to undefined, and the
 * caller treats them conservatively.
 */
export async function readBlobs(
  cwd: string,
  specs: readonly string[],
): Promise<Map<string, Buffer | undefined>> {
  const out = new Map<string, Buffer | undefined>();
  const asked = [...new Set(specs)].filter((s) => !s.includes('\n'));
  for (const s of specs) if (s.includes('\n')) out.set(s, undefined);
  if (!asked.length) return out;
  const objects = await readObjects(cwd, asked);
  objects.forEach((object, i) =>
    out.set(asked[i]!, object?.type === 'blob' ? object.content : undefined),
  );
  return out;
}
