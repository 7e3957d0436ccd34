import fs from 'node:fs';
import path from 'node:path';

import { UsageError } from '../errors.js';
import { findProject, type Project, realpathOrSelf } from '../project/findProject.js';
import { isInside } from '../sessions/resolveSession.js';
// The locks' own messages, not the barrel: this runs in every hook (see src/ui/messages.ts).
import { lockMessages as messages } from '../ui/messages/locks.js';

/**
 * Turning what a user typed into a lock path: repo-relative, '/'-separated, a directory prefix
 * ending in '/'. The same file gets the same lock path from every worktree, because paths are
 * relative to the worktree (or plain-directory session) that contains them, not to the project's
 * main root.
 */

/**
 * The real path of `abs` even when it does not exist yet (a file about to be created): the
 * deepest existing ancestor is resolved with realpath and the rest is appended. A dangling
 * symlink on the way is followed to where it points (that is where a write would go), so it
 * cannot smuggle a path outside the project either.
 */
export function realpathDeep(abs: string, hops = 0): string {
  let existing = abs;
  const rest: string[] = [];
  for (;;) {
    try {
      // native: one syscall, and on case-insensitive file systems the on-disk spelling.
      const real = fs.realpathSync.native(existing);
      return rest.length ? path.join(real, ...rest.reverse()) : real;
    } catch {
      // realpath fails for a missing entry, and for a dangling symlink (or a loop)
    }
    let target: string | undefined;
    try {
      if (fs.lstatSync(existing).isSymbolicLink()) target = fs.readlinkSync(existing);
    } catch {
      // missing: look at the parent
    }
    if (target !== undefined && hops < 40) {
      const resolved = path.resolve(path.dirname(existing), target);
      return realpathDeep(
        rest.length ? path.join(resolved, ...rest.reverse()) : resolved,
        hops + 1,
      );
    }
    const parent = path.dirname(existing);
    if (parent === existing) return abs;
    rest.push(path.basename(existing));
    existing = parent;
  }
}

/**
 * The working-copy root (a worktree of the project, or a plain-directory session) that contains
 * the real path `real`, or undefined when it lies outside the project. A nested worktree wins
 * over the worktree around it; a nested foreign repository (a submodule) counts as part of the
 * worktree around it.
 */
function rootContaining(project: Project, real: string): string | undefined {
  const found = findProject(real);
  if (found && found.stateDir === project.stateDir && isInside(found.worktreeRoot, real))
    return found.worktreeRoot;
  const own = realpathOrSelf(project.worktreeRoot);
  if (isInside(own, real)) return own;
  return undefined;
}

/** The directories that hold qlock's and git's own state: never lockable. */
function isStatePath(project: Project, rel: string): boolean {
  const first = rel.split('/')[0];
  return first === '.git' || (project.kind === 'dir' && first === '.qlock');
}

/**
 * Normalises a lock path typed by a user (or given by a hook): relative to `cwd`, or absolute
 * inside the project. Throws a UsageError for an empty path, a `..` escape, an absolute path
 * elsewhere, a symlink resolving outside, the project root itself, or git's/qlock's own state.
 * An existing directory, or an input ending in '/', becomes a directory prefix ending in '/'.
 */
export function normalizeLockPath(project: Project, cwd: string, input: string): string {
  if (!input || !input.trim() || input.includes('\0'))
    throw new UsageError(messages.lockPathEmpty());
  const wantsDir = input.endsWith('/') || input.endsWith(path.sep);
  // The cwd itself may be reached through a symlink (-C /some/link): resolve it first, so that
  // only symlinks *inside* the input can move the path.
  const realCwd = path.isAbsolute(input) ? '' : realpathDeep(cwd);
  const lexical = path.isAbsolute(input) ? path.resolve(input) : path.resolve(realCwd, input);
  // Resolved as the kernel would: a ".." after a symlink leaves the symlink's target, not the
  // link's directory (path.resolve would fold `link/../x` into `x`, inside the project, while
  // a write to it lands next to wherever the link points).
  const raw = path.isAbsolute(input) ? input : `${realCwd}${path.sep}${input}`;
  const real = realpathDeep(raw);
  const root = rootContaining(project, real);
  if (!root) {
    if (!rootContaining(project, lexical)) {
      if (path.isAbsolute(input)) throw new UsageError(messages.lockPathOutside(input));
      throw new UsageError(messages.lockPathEscapes(input));
    }
    throw new UsageError(messages.lockPathSymlinkOutside(input, real));
  }
  const rel = path.relative(root, real).split(path.sep).join('/');
  if (!rel) throw new UsageError(messages.lockPathRoot(input));
  if (isStatePath(project, rel)) throw new UsageError(messages.lockPathState(input));
  let isDir = false;
  try {
    isDir = fs.statSync(real).isDirectory();
  } catch {
    // does not exist yet: a file about to be created, unless the input ends with '/'
  }
  if (wantsDir && !isDir && fs.existsSync(real))
    throw new UsageError(messages.lockPathNotDir(input));
  return isDir || wantsDir ? `${rel}/` : rel;
}
