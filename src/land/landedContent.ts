import { hasTrackedChanges, untrackedFiles } from '../git/diff.js';
import { treeOf } from '../git/objects.js';

/**
 * Whether a session's tree holds nothing that is not in `landed`: no tracked change, no untracked
 * file, and HEAD's tree equal to the landed commit's (a squash landing: the commits differ, the
 * content does not).
 */
export async function sameContentAsLanded(dir: string, landed: string): Promise<boolean> {
  if (await hasTrackedChanges(dir)) return false;
  if ((await untrackedFiles(dir)).length) return false;
  return (await treeOf(dir, 'HEAD')) === (await treeOf(dir, landed));
}
