/** Messages of the shared area (see src/ui/messages.ts): locks shared through a git remote. */
import type { Notice, Participant } from '../../shared/remoteDoc.js';
import type { ConflictRecord } from '../../shared/sharedFiles.js';
import { formatAge } from '../../util/duration.js';
import { safeText } from '../safeText.js';
import { shellArg } from './locks.js';
import { ago, person, sharedHolder, who } from './remoteHolder.js';

/** A path as shown: paths may come from another machine's document. */
const shownPath = (p: string) => safeText(p, 500);

const pathList = (paths: string[]) =>
  paths.length <= 3
    ? paths.map(shownPath).join(', ')
    : `${paths.slice(0, 3).map(shownPath).join(', ')} and ${paths.length - 3} more`;

export interface SharedBlocked {
  path: string;
  lockPath: string;
  session: string;
  holder: string;
}

export interface PushBlocked {
  path: string;
  holder: string;
  files: string[];
}

const sharedLockMessages = {
  sharedHolder,

  /** Exit 3: the lock is held by someone on another machine. */
  sharedLockRefused: (blocked: SharedBlocked[], remote: string, waited?: string) => {
    const text = blocked
      .map((b) =>
        b.lockPath === b.path
          ? `${shownPath(b.path)} is locked by ${b.holder}`
          : b.lockPath.endsWith('/') && b.path.startsWith(b.lockPath)
            ? `${shownPath(b.path)} is inside ${shownPath(b.lockPath)}, locked by ${b.holder}`
            : `${shownPath(b.path)} contains ${shownPath(b.lockPath)}, locked by ${b.holder}`,
      )
      .join('; ');
    const p = shellArg(blocked[0]?.lockPath ?? '');
    return (
      `${waited ? `Still locked after waiting ${waited}` : 'Not locked'} (shared through ${remote}): ${text}.\n` +
      `Nothing was taken. Ask them to run \`qlock unlock ${p}\`${waited ? '' : ', wait with `--wait 10m`'}, ` +
      `or break it with \`qlock unlock --force ${p}\` (they will be told).`
    );
  },

  sharedUnreachableError: (remote: string, reason: string) =>
    `The shared remote "${remote}" cannot be reached: ${reason}`,
  sharedForeignRef: (remote: string, ref: string, sha: string) =>
    `${ref} on ${remote} (${sha.slice(0, 12)}) was not written by qlock (no state.json): qlock will not overwrite it.\n` +
    `Pick another prefix with config shared.refPrefix, or remove that ref: \`git push ${remote} --delete ${ref}\`.`,
  sharedNewerFormat: (remote: string, ref: string, detail: string) =>
    `${ref} on ${remote} was written by a newer qlock (${detail}): upgrade qlock on this machine to share locks again.`,
  sharedCorruptDoc: (remote: string, ref: string, sha: string, detail: string) =>
    `${ref} on ${remote} (${sha.slice(0, 12)}) holds unreadable qlock state (${detail}); qlock will not overwrite it: ` +
    `inspect it with \`git show ${sha.slice(0, 12)}:state.json\`; if nobody needs its locks, delete it: \`git push ${remote} --delete ${ref}\`.`,
  /** Presence entries or notices left out of the document (each clone rewrites its own). */
  sharedIgnoredEntries: (remote: string, ref: string, entries: string[], removed = false) =>
    `qlock: warning: ${ref} on ${remote} held malformed data, left out: ` +
    `${entries.slice(0, 5).join(', ')}${entries.length > 5 ? ` and ${entries.length - 5} more` : ''}; ` +
    (removed
      ? 'removed from the ref now (a clone writes its presence again at its next sync).'
      : 'the next update of the ref removes it (`qlock shared sync`).'),
  sharedPushRefused: (remote: string, ref: string, summary: string) =>
    `${remote} refuses updates of ${ref}: ${summary}.\nAllow pushes to ${ref} on that remote, or choose another config shared.refPrefix.`,
  sharedBusy: (remote: string, attempts: number, seconds: number) =>
    `The shared remote "${remote}" stayed busy: ${attempts} attempts in ${seconds}s, each overtaken by another writer. ` +
    `Nothing was changed there; run the command again.`,

  /** One line, printed by every command that needed the remote (lock, unlock, sync). */
  sharedOffline: (remote: string, reason: string, what: 'lock' | 'unlock' | 'sync') =>
    `qlock: warning: shared remote "${remote}" unreachable (${reason}); ` +
    (what === 'lock'
      ? 'lock taken on this machine only, '
      : what === 'unlock'
        ? 'released on this machine only, '
        : 'working locally, ') +
    `to be shared when it is back (\`qlock shared sync\`).`,
  sharedRefusedLocalOnly: (remote: string, message: string) =>
    `qlock: warning: shared remote "${remote}" not usable, working on this machine only: ${message.split('\n')[0]}`,
  /** The hooks' version: which locks they checked. */
  sharedOfflineCheck: (remote: string, reason: string, ageMs?: number, refused?: string) =>
    (refused
      ? `qlock: warning: shared remote "${remote}" not usable: ${refused.replace(/\.$/, '')}; `
      : `qlock: warning: shared remote "${remote}" unreachable (${reason}); `) +
    (ageMs === undefined
      ? 'checking local locks only (no remote locks known yet).'
      : `checking local locks and remote locks as of ${formatAge(ageMs)} ago.`),
  sharedBackOnline: (remote: string) =>
    `qlock: shared remote "${remote}" is reachable again; changes made meanwhile are now shared.`,
  sharedPendingBack: (remote: string) =>
    `qlock: shared remote "${remote}" is reachable again; run \`qlock shared sync\` to share the changes made meanwhile.`,
  sharedSyncFailed: (remote: string, message: string) =>
    `qlock: warning: could not share pending changes with "${remote}": ${message}`,
  sharedPublished: (paths: string[], remote: string) =>
    `qlock: your locks on ${pathList(paths)}, taken while "${remote}" was unreachable, are now shared.`,
  sharedCannotBreakOffline: (remote: string, paths: string[], reason: string) =>
    `Cannot break ${pathList(paths)}: no session here holds ${paths.length > 1 ? 'them' : 'it'}, and the shared remote "${remote}" ` +
    `is unreachable (${reason}). Nothing was changed; try again when it is back.`,

  /** A lock taken here while offline, held on the remote by someone else: loud, every time. */
  sharedConflict: (c: ConflictRecord, remote: string, now: Date) =>
    `qlock: CONFLICT on ${shownPath(c.path)}: ${c.session} locked it here ${ago(c.since, now)} ago while "${remote}" was unreachable, ` +
    `but ${who(c.holder)} holds it there since ${ago(c.holder.acquiredAt, now)} ago. Agree who keeps it; ` +
    `the other runs \`qlock unlock ${shellArg(c.path)}\` (until then, commits and pushes of it are checked against theirs).`,
  /** Received from another participant (inbox event and warning). */
  sharedNoticeConflict: (n: Notice, now: Date) =>
    `qlock: CONFLICT on ${pathList(n.paths)}: ${who(n.from)} locked it ${n.since ? `${ago(n.since, now)} ago ` : ''}while offline, ` +
    `and you (${n.to.session}) hold it on the shared remote. Agree who keeps it; the other runs \`qlock unlock ${shellArg(n.paths[0] ?? '')}\`.`,
  sharedNoticeBroken: (n: Notice, now: Date) =>
    `qlock: your lock on ${pathList(n.paths)} (${n.to.session}) was broken ${ago(n.at, now)} ago by ${who(n.from)} with \`qlock unlock --force\`.`,

  prePushBlocked: (items: PushBlocked[]) =>
    `qlock: push blocked: ${items.map((i) => `${pathList(i.files)} ${i.files.length > 1 ? 'are' : 'is'} locked by ${i.holder}`).join('; ')}.\n` +
    `Ask the holder to unlock it, or push anyway with \`git push --no-verify\` (config onLocked: warn only warns).`,
  prePushWarning: (items: PushBlocked[]) =>
    `qlock: warning: pushing changes to locked files: ${items.map((i) => `${pathList(i.files)} (locked by ${i.holder})`).join('; ')}.`,
};

/** `qlock shared` (status and sync). */
export const sharedStatusMessages = {
  sharedOff: (configFile?: string) =>
    `Shared mode is off. Turn it on with \`"shared": { "remote": "origin" }\` in ${configFile ?? '.qsessionrc.json'} ` +
    `(every machine of the team uses the same remote).`,
  sharedNoGitLocalOnly: () =>
    `qlock: warning: config shared is set, but shared mode needs a git repository; locks stay on this machine.`,
  sharedNeedsGit: () =>
    `Shared mode needs a git repository with a remote; this project is a plain directory.`,
  sharedStatusHead: (remote: string, ref: string, age: string | undefined, online: boolean) =>
    `Shared through ${remote} (${ref})` +
    (online
      ? `, as of ${age === undefined || age === '0s' ? 'now' : `${age} ago`}.`
      : age === undefined
        ? ': unreachable, nothing known yet.'
        : `: unreachable; last known ${age} ago.`),
  sharedStatusParticipants: (n: number) => (n ? `Participants (${n}):` : 'Participants: none yet.'),
  sharedParticipantLine: (
    p: Pick<Participant, 'user' | 'email' | 'host'> & {
      sessions: { name: string; branch?: string }[];
    },
    me: boolean,
    seen: string,
  ) =>
    `${person(p)} on ${safeText(p.host, 200)}${me ? ' (this clone)' : `, seen ${seen} ago`}: ` +
    (p.sessions.length
      ? p.sessions.map((s) => (s.branch ? `${s.name} (${s.branch})` : s.name)).join(', ')
      : 'no sessions'),
  /** `qlock status`: a session's change set touches a lock held on another machine. */
  statusLockedRemote: (path: string, holder: string) =>
    `${shownPath(path)} is locked on another machine by ${holder}`,
  /** `qlock locks` / `qlock who`: the heading over other machines' locks. */
  sharedOtherMachines: (remote: string, age: string | undefined) =>
    `On other machines (shared through ${remote}, ${age === undefined ? 'never reached' : age === '0s' ? 'as of now' : `as of ${age} ago`}):`,
  sharedStatusLocks: (n: number) =>
    n ? `Locks on the remote (${n}):` : 'Locks on the remote: none.',
  sharedStatusPending: (acquire: string[], release: string[]) =>
    `Not shared yet: ${[
      ...(acquire.length ? [`lock ${acquire.join(', ')}`] : []),
      ...(release.length ? [`unlock ${release.join(', ')}`] : []),
    ].join('; ')} (\`qlock shared sync\` once the remote is reachable).`,
};

/** `qlock doctor`'s shared check. */
export const sharedDoctorMessages = {
  doctorSharedNoRemote: (remote: string) =>
    `Shared mode is on, but this repository has no remote named "${remote}" (config shared.remote).`,
  doctorSharedOk: (remote: string, ref: string, locks: number, others: number) =>
    `Shared remote "${remote}" reachable: ${ref} holds ${locks} lock(s); ${others} other clone(s) take part.`,
  doctorSharedUnreachable: (remote: string, reason: string) =>
    `Shared remote "${remote}" unreachable (${reason}): locks are checked on this machine only until it is back.`,
  doctorSharedPending: (remote: string, locks: number, unlocks: number) =>
    `${locks} lock(s) and ${unlocks} unlock(s) made while "${remote}" was unreachable are not shared yet.`,
};

export const sharedMessages = {
  ...sharedLockMessages,
  ...sharedStatusMessages,
  ...sharedDoctorMessages,
};
