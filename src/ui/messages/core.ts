/** Messages of the foundation: projects, config, state, sessions. */

import path from 'node:path';

import { shellArg } from './locks.js';

const list = (names: string[]) => (names.length ? names.join(', ') : 'none');

export const coreMessages = {
  cwdGone: (pwd: string | undefined) =>
    `The current directory${pwd ? ` ${pwd}` : ''} no longer exists (a session removed while this shell was in it?).\n` +
    `cd into the project (or pass -C <dir>) and run the command again.`,
  noProject: (cwd: string) =>
    `No qlock project here (${cwd}): not inside a git repository nor a directory set up with \`qlock init\`.\n` +
    `Run \`qlock init\` in the project's root, or cd into it.`,
  badConfig: (file: string, key: string, problem: string) =>
    `Invalid configuration in ${file}: key "${key}": ${problem}.\n` +
    `Fix that key (every key and its default are listed in .qsessionrc.example).`,
  unreadableConfig: (file: string, reason: string) =>
    `Cannot read the configuration file ${file}: ${reason}\nFix its syntax, or move it away to use the defaults.`,
  /** Hooks: a config with wrong keys is enforced without them (once per hook run, one line). */
  configFallbackKeys: (reason: string, keys: string[]) =>
    `qlock: ${reason.replace(/\.$/, '')}; until it is fixed, qlock enforces the other keys and the default${keys.length === 1 ? '' : 's'} for ${keys.map((k) => `"${k}"`).join(', ') || 'it'}.`,
  /** Hooks: a config that does not parse at all. */
  configFallbackWhole: (reason: string, last: boolean) =>
    `qlock: ${reason.replace(/\.$/, '')}; until it is fixed, qlock enforces ${last ? 'the last valid configuration of that file' : 'the default configuration'}.`,
  /** Hooks: a JavaScript config not trusted in its current content (see configTrust.ts). */
  configUntrusted: (name: string, changed: boolean, last: boolean) =>
    `qlock: ${name} ${changed ? 'changed since you trusted it' : 'is not trusted yet'}; it is JavaScript, ` +
    `so the git and agent hooks do not run it (a pulled commit could make them run any code), and enforce ` +
    `${last ? 'the configuration of its last trusted version' : 'the default configuration'} instead. ` +
    `Read it, then run \`qlock config trust\` (or use a .qsessionrc.json).`,
  /** `qlock mcp` (started by an agent CLI): the same, for every tool call until trusted. */
  configUntrustedServer: (name: string, changed: boolean) =>
    `${name} ${changed ? 'changed since you trusted it' : 'is not trusted yet'}; it is JavaScript, so the qlock MCP server ` +
    `(started by your agent CLI) does not run it. Ask the user to read it, then run \`qlock config trust\`.`,
  configTrustNone: () =>
    'No config file here (.qsessionrc.json and kin): the defaults apply; nothing to trust.',
  configTrustData: (name: string) =>
    `${name} holds data, not code: the hooks read it as it is; nothing to trust.`,
  configTrustAlready: (name: string) =>
    `${name} is trusted as it is; the hooks run it. A change to it needs \`qlock config trust\` again.`,
  configTrusted: (name: string) =>
    `Trusted ${name} as it is now: the git and agent hooks run it. A change to it needs \`qlock config trust\` again.`,
  configTrustRaced: (file: string) =>
    `${file} changed while qlock checked it; nothing was trusted. Read it again, then run \`qlock config trust\`.`,
  mutexBusy: (lockPath: string) =>
    `The qlock state is busy: another qlock process has held ${lockPath} for over 10 s.\n` +
    `Try again; if it persists and no qlock process is running, remove that directory.`,
  mutexFailed: (lockPath: string, reason: string) =>
    `Cannot take the qlock state mutex ${lockPath}: ${reason}\nCheck that the directory is writable.`,
  mutexLost: (lockPath: string) =>
    `Lost the qlock state mutex ${lockPath} before saving (another process took it over); nothing was changed.\nRun the command again.`,
  corruptState: (file: string, reason: string) =>
    `The qlock state file ${file} is corrupt (${reason}).\n` +
    `Run \`qlock doctor --fix\`: it keeps a backup of the damaged file and restores the last good version.`,
  missingState: (file: string) =>
    `The qlock state file ${file} is missing, but its previous version ${file}.prev is there (deleted by hand?).\n` +
    `Run \`qlock doctor --fix\` to restore it; nothing is changed until then.`,
  unreadableState: (file: string, reason: string) =>
    `Cannot read the qlock state file ${file}: ${reason}\nCheck its permissions, then run \`qlock doctor\`.`,
  badSessionName: (name: string) =>
    `Invalid session name ${JSON.stringify(name)}: use 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit ` +
    `(no spaces, "/", ".." or shell characters).`,
  sessionExists: (name: string, path: string) =>
    `A session named "${name}" already exists (${path}).\nPick another name, or remove it first with \`qlock rm ${name}\`.`,
  pathAlreadySession: (name: string, path: string) =>
    `${path} is already registered as session "${name}".`,
  joinBare: (dir: string) =>
    `${dir} is a bare repository: it has no working tree to register.\nCreate a session with \`qlock new NAME\`, or run \`qlock join\` inside one of its worktrees.`,
  unknownSession: (name: string, known: string[]) =>
    `No session named "${name}" (sessions: ${list(known)}).\nSee \`qlock list\`.`,
  noCurrentSession: (cwd: string, known: string[]) =>
    `${cwd} is not inside a registered session (sessions: ${list(known)}).\n` +
    `Run this from a session's directory, pass --session NAME, or register this directory with \`qlock join\`.`,
  maxSessions: (max: number, names: string[]) =>
    `This project already has ${max} sessions (maxSessions): ${list(names)}.\n` +
    `Free a slot with \`qlock rm NAME\` or \`qlock gc\`, or raise maxSessions in the config.`,
  sessionDirInState: (dir: string, stateDir: string) =>
    `${dir} is inside git's or qlock's own state (${stateDir}): a session cannot live there.\n` +
    `Choose a directory outside it with --dir (or fix worktreeDir in the config).`,
  dirNotEmpty: (dir: string) =>
    `${dir} already exists (a file, or a directory that is not empty).\nChoose another with --dir, or remove it first.`,
  branchExists: (branch: string) =>
    `The branch "${branch}" already exists.\nPass --branch ${branch} to use it for this session, or choose another name.`,
  badBranchName: (branch: string) =>
    `Invalid branch name ${JSON.stringify(branch)}: git refuses it.\nPass a valid name with --branch, or fix branchPrefix in the config.`,
  unknownBase: (base: string) =>
    `The base branch "${base}" does not exist.\nPass --base BRANCH, or set "base" in the config.`,
  copyNeeded: () =>
    `This project is a plain directory (no git), so sessions are copies: run \`qlock new NAME --copy\`.`,
  copyInGit: () =>
    `--copy is for plain directories; in a git repository \`qlock new\` creates a worktree.`,
  noCommits: () =>
    `The repository has no commits yet: make a first commit, then create sessions from it.`,
  rmDirty: (name: string, problems: string[]) =>
    `Refusing to remove session "${name}": ${problems.join('; ')}.\n` +
    `Commit, merge or move that work out first, keep the directory with \`qlock rm ${name} --keep-worktree\`, or discard it with --force.`,
  unreadableWorktree: (name: string, problem: string) =>
    `git cannot read it (${problem}): if the repository or the worktree moved, run \`git worktree repair\`; ` +
    `otherwise unregister it with \`qlock rm ${name} --keep-worktree\``,
  snapshotManifestUnreadable: (file: string, reason: string) =>
    `The snapshot manifest ${file} is unreadable (${reason}): run \`qlock doctor --fix\` to rebuild it from the snapshot's copies of the files.`,
  snapshotCopiesMissing: (dir: string) =>
    `The snapshot's copies of the files (${dir}) are gone, so its manifest cannot be rebuilt: unregister the session with \`qlock rm <name> --keep-worktree\` and register its directory again with \`qlock join\`.`,
  configMisnamed: (file: string) =>
    `${file} is not read: qlock's config is .qsessionrc (JSON or YAML), .qsessionrc.json or the "qsession" key of package.json`,
  configMisnamedFix: (file: string) =>
    `rename it: \`mv ${shellArg(file)} ${shellArg(path.join(path.dirname(file), '.qsessionrc'))}\``,
  copyLeftOut: (files: number, nodeModules: boolean) =>
    `Not copied: ${[files ? `${files} file(s) matching the config's \`ignore\`` : '', nodeModules ? 'node_modules/' : ''].filter(Boolean).join(' and ')}; ` +
    'copy or reinstall what the session needs there.',
  stateFileIsLink: (file: string) =>
    `${file} is a symbolic link; qlock never writes through a link in its state directory (it could point at any of your files).\n` +
    `Remove the link (\`rm ${shellArg(file)}\`) and run the command again.`,
  newInterruptedCleaned: (name: string, removed: string[]) =>
    `An earlier \`qlock new ${name}\` was interrupted; removed what it left${removed.length ? `: ${removed.join(' and ')}` : ''}.`,
  newInterruptedKept: (name: string, dir: string, kept: string[]) =>
    `An earlier \`qlock new ${name}\` was interrupted and left ${kept.join(' and ')}.\n` +
    `Register it as the session with \`cd ${shellArg(dir)} && qlock join ${name}\`, or move that work away and run \`qlock gc\`.`,
  interruptedNew: (name: string, dir: string, branch: string) =>
    `\`qlock new ${name}\` was interrupted: it left the branch ${branch} and/or the worktree ${dir} unregistered`,
  interruptedNewFix: (name: string) =>
    `qlock gc (or qlock doctor --fix) removes them if they hold no work; then \`qlock new ${name}\` again`,
  gcAbsentKept: (dir: string, name: string) =>
    `its directory ${dir} is absent, but the session was active lately (an unmounted disk, a move in progress?): ` +
    `its locks stay. If it is gone for good, run \`qlock rm ${name}\`.`,
  rmIgnoredLost: (names: string) => `ignored files git does not protect would be deleted: ${names}`,
  rmNestedReposLost: (names: string) =>
    `nested repositories (with their own commits) would be deleted: ${names}`,
  rmUnreadableSnapshot: (name: string, problem: string) =>
    `Refusing to remove session "${name}": what it changed is unknown. ${problem}\n` +
    `Or unregister it and keep the directory with \`qlock rm ${name} --keep-worktree\`.`,
  rmUnreadable: (name: string, problem: string) =>
    `Refusing to remove session "${name}": git cannot read its directory (${problem}), so what it holds is unknown.\n` +
    `Repair it with \`git worktree repair\`, or unregister it and keep the directory with \`qlock rm ${name} --keep-worktree\`.`,
  rmDirtyCopy: (name: string, problems: string[]) =>
    `Refusing to remove session "${name}": ${problems.join('; ')}.\n` +
    `Copy that work back into the project first, keep the directory with \`qlock rm ${name} --keep-worktree\`, or discard it with --force.`,
  rmMainWorktree: (name: string) =>
    `Session "${name}" is the main worktree: unregistered it, but its directory stays.`,
  initDone: (root: string, stateDir: string) =>
    `qlock is set up in ${root} (state in ${stateDir}).`,
  notInitialised: (dir: string) => `${dir} is not set up for qlock: run \`qlock init\` here first.`,
  internal: (message: string) =>
    // A full disk (or quota) is the machine's state, not a qlock bug: say so, and what to do.
    /\b(ENOSPC|EDQUOT)\b|no space left on device|quota exceeded/i.test(message)
      ? `The disk is full (${message}).\nFree some space and run the command again; qlock's state was left as it was before.`
      : `qlock hit an internal error: ${message}\nPlease report it with the output of the same command run with --debug.`,
};
