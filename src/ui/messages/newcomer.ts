/**
 * The newcomer experience's strings: usage errors of the command line, and the doctor checks that
 * are not another area's (git itself, orphan sessions, whether hooks were chosen).
 */

import { shellArg } from './locks.js';
export const newcomerMessages = {
  noSuchDirectory: (dir: string) =>
    `-C ${dir}: no such directory.\nGive -C a directory that exists (the project's root or a session's worktree).`,
  seeCommandHelp: (command: string) =>
    `See \`qlock help ${command}\` for its arguments, options and examples.`,
  seeProgramHelp: () => 'See `qlock --help` for the commands and global options.',

  newWithoutHooks: () =>
    'Note: qlock is not set up in this repository, so no git hook checks commits against locks. Run `qlock init` (or `qlock init --no-hooks` to go without).',

  demoDone: (qlock: string) =>
    `Everything above ran for real in a temporary directory, now removed. Next: \`${qlock} init\` in your own repository.`,
  demoKept: (repo: string, qlock: string) =>
    `The demo repository is kept at ${repo}; try \`cd ${shellArg(repo)} && ${qlock} status\`.`,
  demoNotOnPath: (checkout: string) =>
    `(qlock is not on your PATH yet: \`npm link\` in ${checkout} puts it there.)`,
  demoInterrupted: (signal: string, kept?: string) =>
    kept
      ? `The demo was stopped (${signal}); what it built so far is kept at ${kept}.`
      : `The demo was stopped (${signal}); its temporary directory is removed.`,

  doctorGitOk: (version: string) => `git ${version}`,
  doctorGitOld: (version: string, needed: string) =>
    `git ${version} is too old: qlock needs git ${needed} or newer (worktree list -z, rev-parse --path-format).`,
  doctorGitOldFix: (needed: string) =>
    `install git ${needed} or newer (https://git-scm.com/downloads), then run \`qlock doctor\` again`,
  doctorGitMissing: (reason: string) => `git cannot be run: ${reason}`,
  doctorGitMissingFix: () => 'install git and make sure it is on PATH',

  doctorSessionGone: (name: string, dir: string) =>
    `session ${name}: its directory ${dir} is gone (deleted by hand?); its locks still count until it is cleaned up`,
  doctorSessionAbsent: (name: string, dir: string) =>
    `session ${name}: its directory ${dir} is absent, but the session was active lately (an unmounted disk, a move in progress?); its locks still count`,
  doctorSessionAbsentFix: (name: string) =>
    `if it is gone for good: qlock rm ${name} (gc and doctor --fix leave it alone until it has been inactive for staleAfter)`,
  doctorSessionGoneFix: () =>
    'qlock gc (or qlock doctor --fix): unregisters it and releases its locks',
  doctorSessionGoneFixed: (name: string) => `qlock gc: unregistered ${name} and released its locks`,
  doctorSnapshotUnreadable: (name: string, file: string) =>
    `Session "${name}": its snapshot manifest ${file} is unreadable, so its changes cannot be measured`,
  doctorSnapshotUnreadableFix: () =>
    "`qlock doctor --fix` rebuilds it from the snapshot's copies of the files (the damaged one is kept)",
  doctorSnapshotRebuilt: (name: string, files: number) =>
    `rebuilt the snapshot manifest of "${name}" from its ${files} copied file(s)`,
  doctorSessionStale: (names: string[], staleAfter: string) =>
    `not seen for over ${staleAfter}: ${names.join(', ')} (their locks still hold; \`qlock rm NAME\` when they are done)`,
  doctorSessionsOk: (count: number) =>
    count ? `${count} session(s) with their directories present` : 'no sessions registered yet',

  doctorHooksDeclined: () =>
    'git hooks not installed (declined with `qlock init --no-hooks`): commits are not checked against locks',
  doctorHooksMissing: (dir: string) =>
    `qlock's git hooks are not installed (${dir}): commits and merges are not checked against other sessions' locks`,
  doctorHooksMissingFix: () =>
    'qlock hooks install (or `qlock init --no-hooks` to record that you do not want them)',

  doctorAgentHooksGone: (where: string, agent: string, file: string) =>
    `${where}: qlock's ${agent} hooks were installed but ${file} no longer has them (a \`git clean -x\`?): that agent gets no warnings`,
  doctorAgentHooksGoneFix: (agent: string, dir: string, session?: string) =>
    session
      ? `qlock agent install ${agent} --session ${session} (or qlock doctor --fix)`
      : `qlock agent install ${agent} (run in ${dir}; or qlock doctor --fix)`,
  doctorAgentHooksReinstalled: (agent: string, files: string[]) =>
    `reinstalled qlock's ${agent} hooks${files.length ? `: ${files.join(', ')}` : ''}`,

  doctorStateUnreadableFix: (file: string) =>
    `make ${file} a readable file again (\`ls -ld ${file}\`: its permissions, or a directory in its place); --fix does not touch it`,
  doctorFixFailed: (fix: string | undefined, reason: string) =>
    `${fix ? `${fix} ` : ''}(--fix failed: ${reason})`,

  doctorSummaryOk: () => 'Everything looks right.',
  doctorSummaryFailed: (fixable: number) =>
    fixable
      ? `Some checks failed; see the fixes above (\`qlock doctor --fix\` applies the ${fixable} safe one(s)).`
      : 'Some checks failed; see the fixes above.',
  doctorSummaryFixed: (fixed: number) => `Applied ${fixed} fix(es); everything looks right now.`,
};
