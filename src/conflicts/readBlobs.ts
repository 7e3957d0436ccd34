import { gitBuffer } from '../git/exec.js';
import { encodePathBytes } from '../git/pathBytes.js';

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
  const { stdout } = await gitBuffer(['cat-file', '--batch'], {
    cwd,
    input: encodePathBytes(asked.join('\n') + '\n'),
  });
  let pos = 0;
  for (const spec of asked) {
    const newline = stdout.indexOf(0x0a, pos);
    if (newline < 0) break;
    const header = stdout.subarray(pos, newline).toString('utf8');
    pos = newline + 1;
    // "<oid> <type> <size>" or "<spec> missing" / "<spec> ambiguous"
    const match = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!match) {
      out.set(spec, undefined);
      continue;
    }
    const size = Number(match[2]);
    out.set(spec, match[1] === 'blob' ? stdout.subarray(pos, pos + size) : undefined);
    pos += size + 1;
  }
  return out;
}
