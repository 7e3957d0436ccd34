/** Messages of the git-hooks area (see src/ui/messages.ts). */
import path from 'node:path';

import { shellArg } from './locks.js';

const list = (items: string[], max = 5) =>
  items.length <= max
    ? items.join(', ')
    : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;

/** How to retry a blocked git operation without qlock. */
const bypass = (hook: string) =>
  hook === 'pre-merge-commit' ? '`git merge --no-verify`' : '`git commit --no-verify`';

export interface LockedPath {
  path: string;
  lockPath: string;
  session: string;
  /** formatHolder(lock): "feature-b (reason: …, 5m ago)". */
  holder: string;
}

export const hookMessages = {
  // The runner's lines: printf formats, the first %s is the hook name (see hooks/run.sh).
  runnerMissing: () =>
    'qlock: %s hook skipped: qlock was not found at %s nor on PATH; run `qlock hooks install` again (or `qlock hooks uninstall`).',
  runnerMissingBlock: () =>
    'qlock: %s hook blocked: qlock was not found at %s nor on PATH and failClosed is set; run `qlock hooks install` again (bypass once: QLOCK=0 or --no-verify).',
  runnerCrash: () =>
    'qlock: %s hook failed (exit %s); continuing without its checks. Run again with QLOCK_DEBUG=1 to see why.',
  runnerCrashBlock: () =>
    'qlock: %s hook failed (exit %s) and failClosed is set, so this is blocked; QLOCK_DEBUG=1 shows why (bypass once: QLOCK=0 or --no-verify).',

  // Handler failures caught inside qlock (fail open, or closed with failClosed).
  hookFailedOpen: (hook: string, reason: string) =>
    `qlock: ${hook} hook failed (${reason}); continuing without its checks (QLOCK_DEBUG=1 shows details).`,
  hookFailedClosed: (hook: string, reason: string) =>
    `qlock: ${hook} hook failed (${reason}) and failClosed is set, so this is blocked; bypass once with QLOCK=0 or ${bypass(hook)}.`,
  hooksNeedGit: (root: string) =>
    `${root} is not a git repository: git hooks need git (plain-directory projects are checked by \`qlock status\` and the agent hooks).`,
  noteHuskyTracked: (dir: string) =>
    `husky: the block is in the tracked files ${dir}/<hook>; commit them so that every worktree (and teammates who use qlock) runs it.`,
  noteHuskyMissing: (worktree: string) =>
    `husky's .husky/_ is missing in ${worktree}, so git runs no hooks there yet: run \`npx husky\` (or \`npm install\`) in it.`,
  noteRelativeHooksPath: (hooksPath: string) =>
    `core.hooksPath is relative (${hooksPath}): each worktree runs its own copy; commit the change so that the other worktrees get it.`,
  noteHuskyUninstalled: (dir: string) =>
    `husky: the tracked files in ${dir} changed back; commit them if the block had been committed.`,
  problemHuskyMissing: (worktree: string) =>
    `${worktree}: husky's .husky/_ is missing, so git runs no hooks there (new worktrees do not get the untracked stubs).`,
  fixHuskyMissing: (worktree: string) =>
    `run \`npx husky\` in ${worktree} (\`qlock doctor --fix\` copies the stubs from a worktree that has them)`,
  problemBlockMissing: (worktree: string, dir: string, hooks: string[]) =>
    `${worktree}: no qlock block in ${list(
      hooks.map((h) => path.join(dir, h)),
      3,
    )}.`,
  fixReinstall: () => 'run `qlock hooks install`',
  problemProbe: (worktree: string, file: string) =>
    `${worktree}: git's ${file} did not reach qlock when doctor ran it (the files look right, but the hook does not run qlock's check).`,
  fixProbe: () =>
    "see what runs that file (husky: HUSKY=0 in ~/.config/husky/init.sh, or its .husky/_/h; another manager's runner), then `qlock doctor` again; QLOCK_DEBUG=1 shows the runner",
  fixTrackedBlock: (worktree: string, dir: string) =>
    `the hook files in ${dir} are per worktree: commit qlock's change to them on base and run \`qlock sync\` in ${worktree}, or run \`qlock hooks install\` there`,
  problemNotExecutable: (files: string[]) =>
    `${list(files, 3)} not executable, so git ignores ${files.length > 1 ? 'them' : 'it'}.`,
  problemRunnerMissing: (file: string) =>
    `the hook blocks are there but the runner ${file} is missing, so they do nothing.`,
  problemRunnerNode: (node: string, bin: string) =>
    `the hooks run \`${node} ${bin}\`, which did not run qlock when doctor started it: every hook lets git go ahead unchecked (or blocks, with failClosed).`,
  fixRunnerNode: (node: string, bin: string) =>
    `see why with \`${node} ${bin} --version\` (built from source: \`npm run build\`); \`qlock hooks install\` records the node and qlock of this shell`,
  problemRunnerStale: (node?: string, bin?: string, failClosed?: boolean) =>
    [
      node ? `the node the hooks run (${node}) is gone` : '',
      bin ? `qlock's bin the hooks run (${bin}) is gone` : '',
      failClosed ? 'the hooks run with an old failClosed setting' : '',
    ]
      .filter(Boolean)
      .join('; ') + '.',
  badHooksAction: (action: string) =>
    `Unknown action "${action}": use \`qlock hooks install\`, \`qlock hooks uninstall\` or \`qlock hooks status\`.`,
  installedIn: (dir: string, mode: string, hooksPath?: string) =>
    mode === 'husky'
      ? `Installed qlock's git hooks in husky's ${dir} (core.hooksPath ${hooksPath}):`
      : mode === 'hooksPath'
        ? `Installed qlock's git hooks in ${dir} (core.hooksPath ${hooksPath}):`
        : `Installed qlock's git hooks in ${dir} (shared by every worktree):`,
  uninstalledFrom: (dir: string) => `Removed qlock's git hooks from ${dir}:`,
  nothingToUninstall: (dir: string) => `No qlock git hooks to remove in ${dir}.`,
  fileChange: (change: string, file: string) =>
    ({
      created: 'created',
      added: 'block added to the existing hook',
      updated: 'block updated',
      unchanged: 'already installed',
      wrapped: `existing hook moved to ${path.basename(file)}.pre-qlock and chained`,
      deleted: 'deleted (qlock had created it)',
      restored: 'restored as it was',
      removed: 'block removed (the file was edited since; the rest is kept)',
      absent: 'nothing to remove',
    })[change] ?? change,
  runnerAt: (file: string) => `Runner: ${file} (QLOCK=0 skips every qlock hook).`,
  statusNotInstalled: (dir: string) =>
    `qlock's git hooks are not installed (git runs hooks from ${dir}); run \`qlock hooks install\`.`,
  statusWhere: (dir: string, mode: string, hooksPath: string | undefined, perWorktree: boolean) =>
    mode === 'husky'
      ? `Git hooks: husky (core.hooksPath ${hooksPath}); qlock's block is in ${dir}/<hook>, per worktree.`
      : mode === 'hooksPath'
        ? `Git hooks: core.hooksPath ${hooksPath} → ${dir}${perWorktree ? ' (relative: one copy per worktree)' : ''}.`
        : `Git hooks: ${dir} (the common dir: shared by every worktree).`,
  statusRunner: (file: string, node: string, bin: string, failClosed: boolean) =>
    `Runner: ${file} → ${node} ${bin} (failClosed: ${failClosed ? 'on' : 'off'}).`,
  statusAllGood: () => "Every worktree runs qlock's git hooks.",
  statusSomeBroken: () =>
    "Some worktrees do not run qlock's git hooks; see the fixes above (`qlock doctor --fix` applies the safe ones).",
  fixHuskyNoSource: (worktree: string) =>
    `no worktree has husky's .husky/_ to copy from; run \`npx husky\` in ${worktree}`,
  fixedHuskyStubs: (source: string, target: string) =>
    `copied husky's stubs from ${source} to ${target}`,
  fixedRunner: () => "rewrote qlock's hook runner with this node and qlock",
  fixedReinstalled: (dir: string) => `reinstalled qlock's hooks in ${dir}`,
  fixedExecutable: (files: string[]) => `made ${list(files, 3)} executable`,
  doctorHooksOk: (dir: string, worktrees: number) =>
    `git hooks installed in ${dir}; all ${worktrees} worktree(s) run them`,
  hookFileIsDir: (file: string) =>
    `${file} is a directory, not a hook file: move it away, then run \`qlock hooks install\` again.`,
  hooksDirMachineWide: (dir: string, scope: string) =>
    `Git runs hooks from ${dir} (core.hooksPath in your ${scope} git config), a directory every repository on this machine uses: qlock did not write there. ` +
    `Install there anyway with \`qlock hooks install --force\` (the blocks do nothing in repositories without qlock), or give this repository its own hooks directory (\`git config core.hooksPath <dir>\`) and run \`qlock hooks install\`.`,
  noteMachineWide: (dir: string, scope: string) =>
    `${dir} (core.hooksPath in your ${scope} git config) is used by every repository on this machine; ` +
    `qlock's blocks do nothing where qlock is not set up, and \`qlock hooks uninstall\` leaves them there for other projects.`,
  noteMachineWideKept: (dir: string, scope: string) =>
    `qlock's blocks stay in ${dir} (core.hooksPath in your ${scope} git config, shared by every repository): other projects may use them; they do nothing here any more. ` +
    `To take them out of that directory too: \`qlock hooks uninstall --force\`.`,
  hooksDirNotDir: (dir: string) =>
    `Git runs hooks from ${dir} (core.hooksPath), but it is a file, not a directory: ` +
    `point core.hooksPath at a directory (\`git config core.hooksPath <dir>\`), then run \`qlock hooks install\` again.`,
  halfBlock: (file: string) =>
    `${file} has a "# >>> qlock >>>" line without its "# <<< qlock <<<" end: fix the file by hand, then run the command again.`,
  huskySymlink: (file: string) =>
    `${file} is a symlink; qlock does not edit husky hooks through links. Make it a plain file, or add \`qlock hook <name> "$@"\` to its target yourself.`,
  movedAsideExists: (file: string) =>
    `${file} already exists (left from an earlier install?): qlock would move the current hook there. Remove or rename it, then run \`qlock hooks install\` again.`,
  unknownHook: (name: string, known: string[]) =>
    `Unknown git hook "${name}": qlock handles ${known.join(', ')}.`,

  // pre-commit
  /** `hook`: pre-commit, pre-merge-commit, or merge-commit (a merge concluded by `git commit`). */
  lockedBlock: (locked: LockedPath[], hook = 'pre-commit') => {
    const what = hook === 'pre-commit' ? 'commit' : 'merge';
    const lines = [`qlock: ${what} blocked: ${locked.length} path(s) locked by another session:`];
    for (const l of locked)
      lines.push(
        `  ${l.path}${l.lockPath !== l.path ? ` (in ${l.lockPath})` : ''}: locked by ${l.holder}`,
      );
    const first = locked[0]!;
    lines.push(
      `Ways forward: ask ${first.session} to finish and run \`qlock unlock ${shellArg(first.lockPath)}\`; ` +
        `break the lock with \`qlock unlock --force ${shellArg(first.lockPath)}\`; or ${what} anyway with ${bypass(hook)}.`,
    );
    return lines.join('\n');
  },
  /** reference-transaction refused a move of base (fast-forward merge, pull, reset, ...). */
  refUpdateBlocked: (
    base: string,
    command: string | undefined,
    locked: LockedPath[],
    undo: string,
  ) => {
    const what = command ? `git ${command}` : 'this update';
    const lines = [
      `qlock: ${what} would move ${base} over ${locked.length} path(s) locked by another session; ${base} stays where it was:`,
    ];
    for (const l of locked)
      lines.push(
        `  ${l.path}${l.lockPath !== l.path ? ` (in ${l.lockPath})` : ''}: locked by ${l.holder}`,
      );
    const first = locked[0]!;
    if (undo) lines.push(`git may already have changed your files: \`${undo}\` puts them back.`);
    lines.push(
      `Ways forward: ask ${first.session} to finish and run \`qlock unlock ${shellArg(first.lockPath)}\`; ` +
        `break the lock with \`qlock unlock --force ${shellArg(first.lockPath)}\`; or go ahead anyway with \`QLOCK=0 ${command ? `git ${command} …` : 'git …'}\`.`,
    );
    return lines.join('\n');
  },
  lockedWarn: (locked: LockedPath[]) =>
    `qlock: warning: ${list(locked.map((l) => `${l.path} (locked by ${l.holder})`))}; ` +
    `ask the holder before this lands (\`qlock who ${shellArg(locked[0]!.path)}\`).`,
  overlapWarn: (session: string, paths: string[]) =>
    `qlock: warning: session ${session} is also changing ${list(paths)}; ` +
    `coordinate with it (\`qlock who ${shellArg(paths[0] ?? '')}\`, \`qlock conflicts\`).`,
  overlapBlock: (overlaps: { session: string; paths: string[] }[]) =>
    [
      `qlock: commit blocked: staged files are also changed by other sessions (onOverlap: block):`,
      ...overlaps.map((o) => `  ${o.session}: ${list(o.paths)}`),
      `Ways forward: agree on who changes what (\`qlock who PATH\`), set onOverlap to "warn", or commit anyway with \`git commit --no-verify\`.`,
    ].join('\n'),
  conflictWarn: (session: string, paths: string[]) =>
    `qlock: warning: your staged changes would conflict with session ${session}${paths.length ? ` in ${list(paths)}` : ''}; ` +
    `see \`qlock conflicts ${session}\`.`,
  conflictBlock: (conflicts: { session: string; paths: string[] }[]) =>
    [
      `qlock: commit blocked: the staged changes would conflict with other sessions (onConflict: block):`,
      ...conflicts.map((c) => `  ${c.session}${c.paths.length ? `: ${list(c.paths)}` : ''}`),
      `Ways forward: see \`qlock conflicts\` and agree with them; set onConflict to "warn"; or commit anyway with \`git commit --no-verify\`.`,
    ].join('\n'),

  // pre-merge-commit
  mergeTouches: (base: string, session: string, paths: string[]) =>
    `qlock: after this merge into ${base}, session ${session} will need \`qlock sync\`: it also changes ${list(paths)}.`,

  // post-commit / post-merge / post-rewrite
  mainMovedTold: (base: string, sessions: string[]) =>
    `qlock: ${base} moved; told ${list(sessions)} (their inbox, \`qlock status\`).`,

  // A new session worktree whose hooks live per worktree (husky, a relative core.hooksPath).
  worktreeHooksNoSource: (worktree: string, hooksPath: string) =>
    `qlock: no worktree has the hooks of core.hooksPath ${hooksPath} to copy into ${worktree}: git may run no hook there; \`qlock doctor\` checks.`,

  // post-checkout
  autoJoined: (name: string, dir: string) =>
    `qlock: registered ${dir} as session "${name}" (autoJoin; \`qlock rm ${name} --keep-worktree\` undoes it).`,
  // post-checkout: a worktree an agent made beside a checkout with its hooks (GitHub Copilot CLI)
  agentHooksCarried: (agent: string, dir: string, origin: string) =>
    `qlock: installed the ${agent} hooks of ${origin} in ${dir} too (\`qlock agent uninstall ${agent}\` there removes them).`,
  agentHooksNotCarried: (agent: string, dir: string, reason: string) =>
    `qlock: the ${agent} hooks were not installed in ${dir}: ${reason} Run \`qlock agent install ${agent}\` there.`,
  autoJoinSkipped: (dir: string, reason: string) =>
    `qlock: ${dir} was not registered as a session: ${reason} Register it with \`qlock join NAME\`.`,
};
