/** Messages of `qlock land` and `qlock land --plan` (see src/ui/messages.ts). */

const some = (paths: readonly string[], max = 6) =>
  paths.length <= max
    ? paths.join(', ')
    : `${paths.slice(0, max).join(', ')} and ${paths.length - max} more`;

const short = (sha: string | undefined) => (sha ? sha.slice(0, 8) : '?');

const UNCHANGED =
  "Nothing was changed: base, the session's branch, index and files, and base's checkout are as before.";

export const landMessages = {
  landNoSession: () =>
    'No session to land: name one (`qlock land <name>`) or run it inside a session. See `qlock list`.',
  landPlainNeedsGit: (session: string) =>
    `Session "${session}" is a plain directory: landing it needs git (a base branch to move). Copy its files back by hand, or use \`qlock land\` in a git project.`,
  landNotGit: () =>
    '`qlock land` needs a git project to move a base branch; plain-directory sessions are landed by copying their changed files back (`qlock land <name>`).',
  landNothing: (session: string, base: string) =>
    `Session "${session}" has nothing that ${base} lacks: nothing to land.`,
  landDone: (
    session: string,
    base: string,
    strategy: string,
    from?: string,
    to?: string,
    commits = 0,
  ) =>
    `Landed "${session}" into ${base} (${strategy}, ${commits} commit${commits === 1 ? '' : 's'}): ${base} ${short(from)} → ${short(to)}.`,
  landCopied: (session: string, files: readonly string[]) =>
    `Landed "${session}" into the main tree: copied back ${files.length} file${files.length === 1 ? '' : 's'} (${some(files)}).`,
  landCopiedEvent: (session: string, count: number, yours: readonly string[]) =>
    `session ${session} landed ${count} file${count === 1 ? '' : 's'} into the main tree` +
    (yours.length ? `: ${some(yours)} changed under your work` : ', none of your files'),
  landSynced: (mode: string, base: string) =>
    `First brought ${base} into the session (${mode === 'merge' ? 'merged' : 'rebased'}).`,
  landChecked: (command: string, ms: number) =>
    `Check passed: \`${command}\` (${Math.round(ms / 1000)}s).`,
  landNothingChecked: () =>
    'Nothing was checked: no check configured (set `land.check` in the config, or pass `--check "<command>"`).',
  landCheckoutsUpdated: (dirs: readonly string[]) => `Base's checkout updated: ${dirs.join(', ')}.`,
  landNotified: (sessions: readonly string[]) =>
    sessions.length
      ? `Told ${sessions.length === 1 ? 'session' : 'sessions'} ${sessions.join(', ')} that base moved (and which of their files).`
      : 'No other session had to be told.',
  landUntrackedStay: (files: readonly string[]) =>
    `Not landed (untracked, still in the session): ${some(files)}. \`git add\` and commit them to land them.`,
  landKeptStash: (stash: string) =>
    `Some uncommitted work could not be put back automatically; it is safe in the stash commit ${stash}: \`git stash apply --index ${stash}\`.`,

  landMissing: (session: string) =>
    `Session "${session}": its directory is gone. Run \`qlock gc\` (or \`qlock rm ${session}\`).`,
  landBusy: (session: string, what: string) =>
    `Session "${session}": a ${what} is in progress. Finish it or abort it (\`git ${what} --abort\`), then land again. Nothing was changed.`,
  landOnBase: (session: string, base: string) =>
    `Session "${session}" is on ${base} itself: there is nothing to land. Nothing was changed.`,
  landDirty: (session: string, files: readonly string[]) =>
    `Session "${session}" has uncommitted changes (${some(files)}). Nothing was changed.\n` +
    `Commit what should land, or run \`qlock land ${session} --autostash\` to set them aside during the landing.`,
  landLocked: (session: string, held: readonly string[], meanwhile: boolean) =>
    `Session "${session}" changes files locked by another session${meanwhile ? ' (taken while landing)' : ''}: ${held.join('; ')}. ${UNCHANGED}\n` +
    'Wait for the lock to be released, or ask its holder (`qlock note …`); `qlock land --plan` shows who waits for what.',
  landCheckoutInTheWay: (
    where: readonly { path: string; inTheWay: readonly string[] }[],
    reason?: string,
  ) =>
    `Base is checked out with local changes the landing would overwrite: ${where
      .map((w) => `${w.path}${w.inTheWay.length ? ` (${some(w.inTheWay)})` : ''}`)
      .join('; ')}${reason ? ` — git: ${reason}` : ''}. ${UNCHANGED}\n` +
    'Commit or stash those changes in that checkout, then land again.',
  landSyncConflict: (
    session: string,
    base: string,
    mode: string,
    files: readonly string[],
    reason?: string,
  ) =>
    `Bringing ${base} into "${session}" (${mode}) conflicts${files.length ? ` in ${some(files, 8)}` : reason ? ` (git: ${reason})` : ''}. ${UNCHANGED}\n` +
    `Resolve it in the session first: \`qlock sync${mode === 'merge' ? ' --merge' : ''}\`, or \`git ${mode} ${base}\` and fix the files; then land again.`,
  landCheckFailed: (
    session: string,
    command: string,
    exitCode: number | null,
    timedOut: boolean,
    timeout: string,
    log: string,
    interrupted = false,
  ) =>
    `The check \`${command}\` ${interrupted ? 'was interrupted' : timedOut ? `did not finish within ${timeout}` : `failed (exit ${exitCode ?? 'signal'})`} in "${session}": nothing landed. ${UNCHANGED}\n` +
    `Its output is in ${log}. Fix the session and land again${timedOut ? ' (or raise `land.checkTimeout`)' : ''}.`,
  landTreeChanged: (session: string, files: readonly string[]) =>
    `The check changed the session "${session}"${files.length ? ` (${some(files)})` : ''}, so what it checked is not what would land: nothing landed. ${UNCHANGED}\n` +
    'Make the check leave tracked files alone (or commit what it produces), then land again.',
  landAutostashConflict: (session: string, base: string, files: readonly string[]) =>
    `Your uncommitted changes in "${session}" would conflict with ${base} after the landing${files.length ? ` in ${some(files)}` : ''}. ${UNCHANGED}\n` +
    'Commit them (then they land too), or land without them after setting them aside yourself.',
  landBaseMoved: (base: string) =>
    `${base} moved while landing, so what was checked is no longer what would land. ${UNCHANGED}\nRun \`qlock land\` again.`,
  landCopyBack: (session: string, files: readonly string[]) =>
    `Cannot copy session "${session}" back: the main tree changed since the session's snapshot${files.length ? ` in ${some(files)}` : ''}, and copying would overwrite that. Nothing was changed.\n` +
    'Merge those files into the main tree by hand (plain directories have no merge), or undo their change in the main tree and land again.',
  landStoppedAt: (failed: string, landed: readonly string[], notTried: readonly string[]) =>
    `Stopped at "${failed}".` +
    (landed.length ? ` Landed before it (they stay landed): ${landed.join(', ')}.` : '') +
    (notTried.length ? ` Not tried: ${notTried.join(', ')}.` : ''),
  landRemoved: (session: string) => `Removed session "${session}" (as \`qlock rm\`).`,
  landRmRefused: (session: string, reason: string) =>
    `Landed, but session "${session}" was not removed: ${reason}`,

  // --plan
  planEmpty: () => 'No session has work to land.',
  planHeader: (base: string) => `Landing plan into ${base} (least rework first):`,
  planStep: (n: number, session: string, commits: number, uncommitted: number) =>
    `${n}. ${session} — ${commits} commit${commits === 1 ? '' : 's'}${uncommitted ? `, ${uncommitted} uncommitted file${uncommitted === 1 ? '' : 's'} (not landed: commit them, or --autostash)` : ''}`,
  planStepCopy: (n: number, session: string, files: number) =>
    `${n}. ${session} — ${files} changed file${files === 1 ? '' : 's'}`,
  planConflictEarlierCopy: (other: string, files: readonly string[]) =>
    `conflicts with ${other} in ${some(files)}: once ${other} has landed, they need merging into the main tree by hand (land refuses to overwrite them)`,
  planClean: () => 'lands cleanly',
  planConflictBase: (base: string, files: readonly string[]) =>
    `conflicts with ${base} in ${some(files)}: \`qlock sync\` in it first`,
  planConflictLater: (other: string, files: readonly string[]) =>
    `conflicts with ${other} in ${some(files)}: ${other} lands after it and resolves them`,
  planConflictEarlier: (other: string, files: readonly string[]) =>
    `conflicts with ${other} in ${some(files)}: once ${other} has landed, \`qlock sync\` here and resolve them, then land`,
  planOverlapWith: (other: string, files: readonly string[]) =>
    `touches the same files as ${other} (${some(files)}) without conflicting`,
  planWaitsForLock: (holders: readonly string[]) => `waits for a lock: ${holders.join('; ')}`,
  planNothing: (sessions: readonly string[]) => `Nothing to land: ${sessions.join(', ')}.`,
  planHint: () =>
    'Land them with `qlock land <names…>` (in this order); it stops at the first that fails.',
};
