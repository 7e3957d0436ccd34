/** Messages of the watch area (see src/ui/messages.ts): the watcher, inbox, notes, prompt, notify. */

export interface Owner {
  pid: number;
  host: string;
  cwd: string;
  startedAt: string;
}

const plural = (n: number, word: string) =>
  `${n} ${n === 1 ? word : /(ch|sh|s|x)$/.test(word) ? `${word}es` : `${word}s`}`;

export const watchMessages = {
  emptyNote: () => `A note needs some text: qlock note "what the other sessions should know".`,
  noteTooLong: (max: number) =>
    `That note is longer than ${max} characters: shorten it, or put the details in a file and note its path.`,
  noteSent: (recipients: string[]) =>
    recipients.length
      ? `Note sent to ${plural(recipients.length, 'session')}: ${recipients.join(', ')}.`
      : `Note recorded, but there is no other session to read it yet.`,
  inboxEmpty: (session: string, all: boolean) =>
    all ? `No events for ${session} yet.` : `No unread events for ${session}.`,
  inboxHeader: (session: string, count: number, peek: boolean, all = false) =>
    all
      ? `${plural(count, 'event')} for ${session}, read and unread${peek ? ' (--peek: nothing marked read)' : ''}:`
      : `${plural(count, peek ? 'unread event' : 'event')} for ${session}${peek ? ' (still unread: --peek)' : ''}:`,

  watchAlreadyRunning: (owner: Owner, file: string) =>
    `qlock watch already runs for this project: pid ${owner.pid} on ${owner.host}, started in ${owner.cwd} at ${owner.startedAt}.\n` +
    `Use that one (stop it with \`kill ${owner.pid}\` on ${owner.host}); if that host is gone, delete ${file}.`,
  watchReady: (sessions: number, watches: number, polled: string[]) =>
    `Watching ${plural(sessions, 'session')} with ${plural(watches, 'inotify watch')}` +
    (polled.length ? ` (polling: ${polled.join(', ')})` : '') +
    `. Press Ctrl-C to stop.`,
  watchNoSessions: () =>
    `No sessions registered yet: waiting for \`qlock new NAME\` or \`qlock join\` in a worktree.`,
  watchSessionAdded: (name: string, dir: string, mode: 'watch' | 'poll') =>
    `Now ${mode === 'watch' ? 'watching' : 'polling'} session ${name} (${dir}).`,
  watchSessionRemoved: (name: string) => `Stopped watching session ${name}: it was removed.`,
  watchSessionMissing: (name: string, dir: string) =>
    `Session ${name}'s directory ${dir} is gone; watching resumes if it comes back. Run \`qlock gc\` to unregister it.`,
  watchLimitReached: (
    session: string,
    reason: 'enospc' | 'budget',
    max: number | undefined,
    intervalMs: number,
    raise: string[],
  ) =>
    (reason === 'enospc'
      ? `The inotify watch limit is exhausted (fs.inotify.max_user_watches=${max ?? '?'}, shared with every program of this user)`
      : `Watching session ${session} would take qlock past half of fs.inotify.max_user_watches (${max ?? '?'}), leaving too little for editors and dev servers`) +
    `: session ${session} is polled every ${intervalMs} ms instead.\n` +
    `To watch it live, raise the limit: ${raise.join('  then  ')}; then restart \`qlock watch\`.`,
  watchSignalsPolled: (intervalMs: number) =>
    `No inotify watch left for the state dir and base's ref (ENOSPC): new events, sessions and moves of base are checked every ${intervalMs} ms instead.`,
  watchRaiseLimit: (max: number | undefined, raise: string[]) =>
    `fs.inotify.max_user_watches is ${max ?? '?'}, shared with every program of this user. To watch live, raise it: ${raise.join('  then  ')}; then restart \`qlock watch\`.`,
  watchLimitAlsoPolled: (session: string, reason: 'enospc' | 'budget', intervalMs: number) =>
    `Session ${session} is polled every ${intervalMs} ms too (${reason === 'enospc' ? 'no inotify watches left' : "past qlock's share of inotify watches"}; see above).`,
  watchPollingConfigured: (intervalMs: number) =>
    `watch.usePolling is set: sessions are polled every ${intervalMs} ms instead of watched.`,
  watchRegistryUnreadable: (reason: string) =>
    `Cannot read the session registry (${reason.split('\n')[0]}); still watching the sessions known before, retrying.\n` +
    `Run \`qlock doctor --fix\` to repair it.`,
  watchRegistryRecovered: () => `The session registry is readable again.`,
  watchMainMovedFailed: (reason: string) =>
    `Could not check whether the base moved: ${reason.split('\n')[0]} (will retry on the next change).`,
  watchSessionError: (name: string, reason: string) =>
    `Session ${name}: ${reason.split('\n')[0]} (still watching; will retry).`,
  watchStopped: () => `qlock watch stopped.`,
  watchNotifierFailed: (tool: string, reason: string) =>
    `Desktop notification via ${tool} failed (${reason}); falling back to the terminal bell if notify.bell is set.`,
  watchNoNotifier: (bell: boolean) =>
    `notify.desktop is set, but no desktop notifier is installed (notify-send on Linux, osascript on macOS): ` +
    (bell
      ? 'ringing the terminal bell instead.'
      : 'no notifications; set notify.bell for the terminal bell.'),

  doctorWatchNoInotify: () =>
    `no inotify on this system: qlock watch relies on the platform's own file events`,
  doctorWatchOk: (dirs: number, sessions: number, max: number) =>
    `qlock watch needs about ${plural(dirs, 'inotify watch')} for ${plural(sessions, 'session')} (one per directory); fs.inotify.max_user_watches is ${max}`,
  doctorWatchLow: (dirs: number, sessions: number, max: number) =>
    `qlock watch needs about ${plural(dirs, 'inotify watch')} for ${plural(sessions, 'session')}, over half of fs.inotify.max_user_watches (${max}): the largest sessions would be polled`,
  doctorWatchRunning: (pid: number, host: string, cwd: string) =>
    `qlock watch is running (pid ${pid} on ${host}, started in ${cwd})`,
  doctorWatchStalePid: (file: string, pid: number) =>
    `${file} names pid ${pid}, which is not running (a watcher that was killed)`,
};
