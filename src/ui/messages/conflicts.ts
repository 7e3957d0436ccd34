/** Messages of the conflicts area: conflict prediction, main moved, sync (see src/ui/messages.ts). */

const some = (paths: readonly string[], max = 5) =>
  paths.length <= max
    ? paths.join(', ')
    : `${paths.slice(0, max).join(', ')} and ${paths.length - max} more`;

export const conflictMessages = {
  conflictsNoMergeTree: () =>
    'This git has no `merge-tree --write-tree` (git 2.38+): conflicts are predicted from overlapping lines only. Upgrade git for exact predictions.',
  conflictsPlainDir: () =>
    'Plain directories: conflicts are predicted from overlapping lines of each session against its snapshot (no git merge).',
  conflictsUnknownBase: (base: string) =>
    `Base branch "${base}" does not resolve to a commit: no session-vs-base check. Set \`base\` in the config or create the branch.`,
  conflictsSnapshotFailed: (session: string, reason: string) =>
    `Could not snapshot session "${session}" (${reason.split('\n')[0]}); it was left out. Check it with \`git -C <its path> status\`.`,
  conflictsSnapshotUnreadable: (session: string, problem: string) =>
    `Session "${session}" was left out: ${problem}`,
  conflictsMissing: (sessions: readonly string[]) =>
    `Left out (directory gone): ${some(sessions)}. Run \`qlock gc\` to clean up, or \`qlock rm <name>\`.`,
  conflictsUnknownPair: (name: string, known: string[]) =>
    `No session or base branch named "${name}" (sessions: ${known.length ? known.join(', ') : 'none'}).\nSee \`qlock list\`.`,
  conflictsSamePair: (name: string) =>
    `"${name}" given twice: name two different sessions, or a session and the base branch.`,
  conflictsNone: (pairs: number) =>
    pairs
      ? `No conflicts predicted (${pairs} pair${pairs === 1 ? '' : 's'} checked).`
      : 'No pairs to check: fewer than two sessions, and no base to compare with.',
  conflictsSummary: (conflicts: number, pairs: number) =>
    `${conflicts} of ${pairs} pair${pairs === 1 ? '' : 's'} predicted to conflict.`,
  conflictsHowToResolve: (git: boolean) =>
    'Coordinate with the other session (`qlock note …`, `qlock lock <path>`)' +
    (git ? ', or bring base in with `qlock sync` before it grows.' : '.'),
  conflictsNoPathsListed: () => '(git reports a conflict without naming paths)',
  statusConflict: (other: string, paths: readonly string[]) =>
    `predicted conflict with ${other}${paths.length ? ` in ${some(paths)}` : ''}: \`qlock conflicts ${other}\``,
  statusPredictionFailed: (why: string) =>
    `Conflicts could not be predicted (${why.split('\n')[0]}): conflict counts are missing. \`qlock conflicts --debug\` shows more.`,
  conflictsProgress: (done: number, total: number) => `qlock: checking conflicts ${done}/${total}…`,

  doctorMergeTreeOk: () =>
    'git has merge-tree --write-tree: conflicts between sessions are predicted exactly.',
  doctorNoMergeTree: (version: string) =>
    `git ${version} has no \`merge-tree --write-tree\` (git 2.38+): conflicts are predicted from overlapping lines only.`,
  doctorNoMergeTreeFix: () => 'Upgrade git to 2.38 or newer.',
  doctorConflictLeftovers: (names: readonly string[]) =>
    `Leftovers in the conflicts cache: ${some(names)} (private indexes of removed sessions, or locks of a killed run).`,
  doctorConflictLeftoversRemoved: (n: number) =>
    `removed ${n} leftover file(s) from the conflicts cache`,

  mainMovedEvent: (
    base: string,
    commits: number | undefined,
    touched: readonly string[],
    conflict: boolean,
    conflicts: readonly string[],
    locked: readonly string[] = [],
  ) => {
    const n = commits === undefined ? '' : ` (${commits} commit${commits === 1 ? '' : 's'})`;
    const head = `${base} moved${n}`;
    const others = touched.filter((p) => !locked.includes(p));
    const lockedPart = locked.length
      ? `: your locked file${locked.length === 1 ? '' : 's'} ${some(locked)} changed`
      : '';
    const files = locked.length
      ? `${lockedPart}${others.length ? `; ${some(others)} changed under your work` : ''}`
      : touched.length
        ? `: ${some(touched)} changed under your work`
        : ', none of your files changed';
    const clash = conflict
      ? `; your work now conflicts with ${base}${conflicts.length ? ` in ${some(conflicts)}` : ''}`
      : '';
    return `${head}${files}${clash} — run \`qlock sync\``;
  },

  syncNeedsGit: () =>
    '`qlock sync` needs a git project: plain directories have no base branch to bring in.',
  syncUnknownBase: (base: string) =>
    `Base "${base}" does not resolve to a commit. Set \`base\` in the config, or create the branch.`,
  syncInProgress: (what: string, dir: string) =>
    `A ${what} is in progress in ${dir}. Finish it or abort it (\`git ${what} --abort\`), then run \`qlock sync\` again.`,
  syncDirty: (dir: string, files: readonly string[]) =>
    `Uncommitted changes in ${dir} (${some(files)}).\nCommit them, or run \`qlock sync --autostash\` to set them aside and restore them after.`,
  syncStashFailed: (dir: string, reason: string) =>
    `Could not set the uncommitted changes in ${dir} aside (git stash: ${reason}). Nothing was changed.\n` +
    'Commit them (or unstage what git names), then run `qlock sync` again.',
  syncUpToDate: (session: string, base: string) =>
    `Session "${session}" already has everything from ${base}.`,
  syncDone: (
    session: string,
    mode: string,
    base: string,
    from: string,
    to: string,
    restored: boolean,
  ) =>
    `Session "${session}": ${mode === 'merge' ? 'merged' : 'rebased onto'} ${base} (${from.slice(0, 8)} → ${to.slice(0, 8)}).` +
    (restored ? ' Your uncommitted changes were restored.' : ''),
  syncConflict: (
    session: string,
    mode: string,
    base: string,
    files: readonly string[],
    stage: 'sync' | 'autostash',
    restored = true,
  ) => {
    const where =
      stage === 'autostash'
        ? `Your uncommitted changes conflict with ${base} after the ${mode}`
        : `The ${mode} of ${base} into session "${session}" conflicts`;
    const alt = mode === 'merge' ? `git rebase ${base}` : `git merge ${base}`;
    // The sync itself was fine, the uncommitted work is what collides: git would refuse a
    // rebase or merge on that dirty tree, so the way forward starts with committing it.
    const how =
      stage === 'autostash'
        ? `To resolve: commit your changes, then run \`qlock sync\` again and fix the files when git stops (\`git ${mode} --continue\`).`
        : `To resolve by hand: \`git ${mode} ${base}\`, fix the files, then \`git ${mode} --continue\` (or try \`qlock sync --${mode === 'merge' ? 'rebase' : 'merge'}\` / \`${alt}\`).`;
    return (
      `${where}${files.length ? ` in ${some(files, 8)}` : ''}. ` +
      (restored
        ? 'Nothing was changed: branch, HEAD, index, working tree and stash are as before.\n'
        : 'Branch and HEAD are as before; your uncommitted changes are in the stash (below).\n') +
      how
    );
  },
  syncUntrackedInTheWay: (session: string, mode: string, base: string, files: readonly string[]) =>
    `The ${mode} of ${base} into session "${session}" would overwrite untracked files: ${some(files, 8)}. Nothing was changed.\n` +
    'Move or remove them (or commit them), then run `qlock sync` again.',
  syncRestoreFailed: (stash: string, reason: string) =>
    `Could not restore your uncommitted changes automatically (${reason.split('\n')[0]}).\n` +
    `They are safe in the stash commit ${stash}: run \`git stash apply --index ${stash}\`.`,
};
