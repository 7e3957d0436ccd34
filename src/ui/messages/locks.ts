/** Messages of the locks area (see src/ui/messages.ts). */

import { hasControl, MAX_REASON_SHOWN, safeText } from '../safeText.js';

/** Quotes a path for a command the user may copy, only when the shell needs it. */
export function shellArg(text: string): string {
  // A relative path that starts with "-" would be read as an option once pasted: `./-x` is the
  // same file and never an option (qlock, git, mv and rm alike).
  if (text.startsWith('-')) return shellArg(`./${text}`);
  // Control characters are never printed raw, even inside quotes (see safeText).
  if (hasControl(text)) return `'${safeText(text).replace(/'/g, `'\\''`)}'`;
  if (/^[\w./@%+=:,-]+$/u.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export interface BlockedPath {
  /** What the caller asked for. */
  path: string;
  /** The other session's lock in the way (the same path, or a directory around or below it). */
  lockPath: string;
  session: string;
  /** formatHolder(lock): "feature-b (reason: …, 5m ago)". */
  holder: string;
}

export function blockedText(b: BlockedPath): string {
  const path = safeText(b.path);
  const lockPath = safeText(b.lockPath);
  if (b.lockPath === b.path) return `${path} is locked by ${b.holder}`;
  if (b.lockPath.endsWith('/') && b.path.startsWith(b.lockPath))
    return `${path} is inside ${lockPath}, locked by ${b.holder}`;
  return `${path} contains ${lockPath}, locked by ${b.holder}`;
}

export const lockMessages = {
  lockPathEmpty: () => `A lock path cannot be empty: name a file, or a directory ending with "/".`,
  lockPathEscapes: (input: string) =>
    `${input} leads outside the project (a ".." escape).\nLock paths must stay inside the project: use a path inside this worktree.`,
  lockPathOutside: (input: string) =>
    `${input} is an absolute path outside the project.\nLock files inside the project: a path relative to the current directory, or absolute inside it.`,
  lockPathSymlinkOutside: (input: string, real: string) =>
    `${input} goes through a symlink that leads outside the project (to ${real}).\nLock the file inside the project instead.`,
  lockPathRoot: (input: string) =>
    `${input} is the project root itself: lock a file, or a directory such as src/ (ending with "/").`,
  lockPathState: (input: string) =>
    `${input} is inside git's or qlock's own state directory, which cannot be locked.`,
  lockPathNotDir: (input: string) =>
    `${input} ends with "/" but is a file: drop the trailing "/" to lock the file.`,
  lockNoPaths: () => `Name at least one path to lock, e.g. \`qlock lock src/api.ts\`.`,
  unlockNoPaths: () =>
    `Name the paths to unlock, or pass --all to release all of your locks (\`qlock locks\` lists them).`,

  holder: (session: string, reason: string, age: string, expiresIn?: string) =>
    `${safeText(session)} (${reason ? `reason: ${safeText(reason, MAX_REASON_SHOWN)}` : 'no reason given'}, ${age} ago${expiresIn ? `, expires in ${expiresIn}` : ''})`,

  /** Exit 3: names every holder in the way, then what to do. */
  lockRefused: (requested: string[], blocked: BlockedPath[], waited?: string) => {
    const first = blocked[0]!;
    const p = shellArg(first.lockPath);
    const head = `${waited ? `Still locked after waiting ${waited}: ` : 'Not locked: '}${blocked.map(blockedText).join('; ')}.`;
    const retry = waited
      ? ''
      : ` wait for it with \`qlock lock ${requested.map(shellArg).join(' ')} --wait 10m\`;`;
    return (
      `${head}\nNothing was taken. See \`qlock who ${shellArg(first.path)}\`; ask ${first.session} to run \`qlock unlock ${p}\`;` +
      `${retry} or break it with \`qlock unlock --force ${p}\`.`
    );
  },

  unlockHeldByOther: (path: string, holder: string, session: string, lockPath: string) =>
    `You do not hold a lock on ${path}: ${lockPath === path ? '' : `${lockPath}, around it, `}it is locked by ${holder}.\n` +
    `Ask ${session} to unlock it, or break it with \`qlock unlock --force ${shellArg(lockPath)}\`. Nothing was released.`,
  unlockNotLocked: (path: string) =>
    `${path} is not locked by anyone, so there is nothing to unlock (\`qlock locks\` lists all locks). Nothing was released.`,
  unlockCoveredByOwn: (path: string, lockPath: string) =>
    `${path} is covered by your lock on ${lockPath}; a directory lock is released as a whole: \`qlock unlock ${shellArg(lockPath)}\`. Nothing was released.`,
  unlockCoveredByOther: (path: string, lockPath: string, holder: string) =>
    `${path} lies inside ${lockPath}, locked by ${holder}; only that whole lock can be broken: ` +
    `\`qlock unlock --force ${shellArg(lockPath)}\`. Nothing was released.`,

  lockTakenEvent: (session: string, paths: string[], reason: string) =>
    `${session} locked ${paths.join(', ')}${reason ? ` (${reason})` : ''}.`,
  lockBrokenEvent: (by: string, path: string) =>
    `Your lock on ${path} was broken by ${by} (\`qlock unlock --force\`); check with them before you edit it again.`,
  lockReplacedEvent: (by: string, path: string) =>
    `Your lock on ${path} was no longer honoured (expired) and ${by} has taken it.`,

  locked: (paths: string[], expires?: string) =>
    `Locked ${paths.join(', ')}${expires ? ` (expires in ${expires})` : ''}.`,
  refreshed: (paths: string[], expires?: string) =>
    `Refreshed your lock on ${paths.join(', ')}${expires ? ` (expires in ${expires})` : ''}.`,
  replacedStale: (path: string, session: string) =>
    `Replaced ${session}'s lock on ${path}, which was no longer honoured (expired or its session is gone).`,
  unlocked: (paths: string[]) => `Unlocked ${paths.join(', ')}.`,
  broke: (path: string, holder: string, session: string) =>
    `Broke the lock of ${holder} on ${path}; ${session} was told in its inbox.`,
  waitTooLong: (wait: string, max: string) =>
    `wait "${wait}" is too long: a lock waits at most ${max} here. Nothing was locked; ask again with a shorter wait, or leave the holder a note.`,
  reasonTooLong: (length: number, max: number) =>
    `The lock reason is ${length} characters long; at most ${max} are allowed: say why in a sentence. Nothing was locked.`,
  nothingHeld: () => `You hold no locks; nothing to release.`,
  noLocks: () => `No locks. Take one with \`qlock lock PATH --reason "why"\`.`,
  staleHint: () => `Stale locks block nobody; \`qlock gc\` removes them.`,
  doctorStaleLocks: (locks: string[]) =>
    `${locks.length} stale lock(s), expired or of sessions that are gone (they block nobody): ${locks.join(', ')}`,
  doctorOverlappingLocks: (a: string, as: string, b: string, bs: string) =>
    `${as} holds ${a} and ${bs} holds ${b}, which overlap: the registry was edited by hand or a qlock bug broke the lock invariant`,
  doctorLocksOk: (count: number) => `${count} lock(s), none stale or overlapping`,
  whoNoLock: () => 'none',
  whoNoChange: () => 'no session',
  whoNobody: (path: string) => `Nobody holds a lock on ${path} and no session has changed it.`,
};
