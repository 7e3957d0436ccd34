import fs from 'node:fs';
import path from 'node:path';

import { worktreeGitDir } from './worktreeGitDir.js';

/**
 * Reading a few refs straight from the files backend (loose refs, then packed-refs), without a
 * git process: the pre-commit hook, the agent pre-write hook and conflict prediction need every
 * other session's HEAD and its base's tip, and a spawn per question (or one `git worktree list`,
 * ~40 ms with ten worktrees) would cost more than the whole check. Anything unusual (the reftable
 * backend, a ref it cannot find) returns undefined and the caller asks git instead.
 */
export class RefReader {
  private packed: Map<string, string> | undefined;
  private readonly commonDir: string;

  constructor(commonDir: string) {
    this.commonDir = commonDir;
  }

  private packedRefs(): Map<string, string> {
    if (this.packed) return this.packed;
    this.packed = new Map();
    let text = '';
    try {
      text = fs.readFileSync(path.join(this.commonDir, 'packed-refs'), 'utf8');
    } catch {
      return this.packed;
    }
    for (const line of text.split('\n')) {
      if (!line || line.startsWith('#') || line.startsWith('^')) continue;
      const space = line.indexOf(' ');
      if (space > 0) this.packed.set(line.slice(space + 1), line.slice(0, space));
    }
    return this.packed;
  }

  /** The object a full ref name points to, following symbolic refs. */
  resolve(ref: string, gitDir = this.commonDir, depth = 0): string | undefined {
    if (depth > 5) return undefined;
    // HEAD and other pseudo-refs live in the worktree's own git dir; branches in the common dir.
    const dir = ref.startsWith('refs/') ? this.commonDir : gitDir;
    let text: string | undefined;
    try {
      text = fs.readFileSync(path.join(dir, ref), 'utf8').trim();
    } catch {
      text = undefined;
    }
    if (text === undefined) return ref.startsWith('refs/') ? this.packedRefs().get(ref) : undefined;
    if (/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(text)) return text;
    const match = /^ref:\s*(\S+)$/.exec(text);
    return match ? this.resolve(match[1]!, gitDir, depth + 1) : undefined;
  }

  /** A branch name as git would resolve it for a base: refs/heads/X, else refs/remotes/X. */
  branchTip(name: string): string | undefined {
    if (name.startsWith('refs/')) return this.resolve(name);
    return this.resolve(`refs/heads/${name}`) ?? this.resolve(`refs/remotes/${name}`);
  }

  /** HEAD's commit in a worktree, or undefined. */
  headOf(worktree: string): string | undefined {
    const gitDir = worktreeGitDir(worktree);
    return gitDir ? this.resolve('HEAD', gitDir) : undefined;
  }
}
