import type { Context } from '../context.js';
import { describeEvent } from '../inbox/formatEvent.js';
import { coalesce, createNotifier, desktopCommand } from '../notify/notify.js';
import { openWorkspace } from '../project/openWorkspace.js';
import type { QlockEvent } from '../store/types.js';
import { c } from '../ui/color.js';
import { messages } from '../ui/messages.js';
import { Watcher } from '../watch/startWatcher.js';

const KIND_COLOR: Partial<Record<QlockEvent['kind'], (t: string) => string>> = {
  'main-moved': c.yellow,
  overlap: c.yellow,
  conflict: c.red,
  'lock-broken': c.red,
  note: c.cyan,
};

/** One line for the live output: time, kind, recipients, text. */
export function renderWatchEvent(event: QlockEvent): string {
  const time = event.ts.slice(11, 19);
  const who = event.to?.length ? event.to.join(', ') : 'all';
  const kind = (KIND_COLOR[event.kind] ?? ((t: string) => t))(event.kind);
  return `${c.dim(time)} ${kind} → ${who}: ${describeEvent(event)}`;
}

/**
 * `qlock watch`: runs until SIGINT/SIGTERM/SIGHUP. Events go to stdout (one JSON object per line
 * with --json); notices about the watcher itself go to stderr, so stdout stays parseable.
 */
export async function watch(_options: object, ctx: Context): Promise<undefined> {
  const ws = await openWorkspace(ctx);
  const desktop = createNotifier(ws.config, {
    env: ctx.env,
    onFailure: (tool, reason) => ctx.err(messages.watchNotifierFailed(tool, reason)),
  });
  const noNotifier =
    ws.config.notify.desktop && !desktopCommand({ title: '', body: '' }, process.platform, ctx.env);
  const notifier = desktop ? coalesce(desktop) : undefined;
  const watcher = new Watcher(ws, {
    cwd: ctx.cwd,
    now: () => ctx.now(),
    ...(notifier ? { notifier } : {}),
  });
  // Listeners first: start() already reports (sessions found, limits hit, main moved meanwhile).
  watcher.on('event', (event) =>
    ctx.out(ctx.json ? JSON.stringify(event) : renderWatchEvent(event)),
  );
  watcher.on('notice', (text) => ctx.err(text));
  watcher.on('ready', (info) =>
    ctx.err(messages.watchReady(info.sessions.length, info.watches, info.polled)),
  );
  // Signals first too: Ctrl-C while the trees are still being walked must also stop cleanly.
  // The listeners stay until the watcher is closed: proper-lockfile's signal-exit, also listening,
  // re-raises a signal for which it finds no other listener, which would kill us mid-close.
  const stopped = new Promise<void>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      watcher.close().finally(() => {
        for (const signal of SIGNALS) process.off(signal, stop);
        resolve();
      });
    };
    for (const signal of SIGNALS) process.on(signal, stop);
  });
  await watcher.start();
  if (noNotifier) ctx.err(messages.watchNoNotifier(ws.config.notify.bell));
  await stopped;
  notifier?.flush();
  ctx.err(messages.watchStopped());
  return undefined;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
