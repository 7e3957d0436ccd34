import { spawn } from 'node:child_process';
import path from 'node:path';

import { describeEvent } from '../inbox/formatEvent.js';
import type { Config } from '../project/configSchema.js';
import type { QlockEvent } from '../store/types.js';
import { createDebug } from '../ui/debug.js';
import { findOnPath } from '../util/findOnPath.js';

const debug = createDebug('notify');

/**
 * Notifications for the watcher: a desktop notification (`notify.desktop`) through the
 * platform's notifier when one is on PATH (notify-send on Linux, osascript on macOS), otherwise
 * the terminal bell (`notify.bell`). A notifier never fails the watcher: spawn errors, non-zero
 * exits and hangs are logged with --debug and the bell takes over.
 */
export interface Notification {
  title: string;
  body: string;
}

export type Notifier = (notification: Notification) => void;

export interface NotifierDeps {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** Where the bell goes (the terminal). */
  bell?: () => void;
  /** Starts the notifier program; tests replace it. */
  run?: (command: string, args: string[]) => Promise<void>;
  /** The desktop notifier failed (it is not tried again): tell the user why. */
  onFailure?: (tool: string, reason: string) => void;
}

/** AppleScript string literal. */
function appleString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The command line that shows a desktop notification on this platform, if a notifier exists. */
export function desktopCommand(
  notification: Notification,
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv,
): { command: string; args: string[] } | undefined {
  if (platform === 'darwin') {
    const command = findOnPath('osascript', env);
    if (!command) return undefined;
    const script = `display notification ${appleString(notification.body)} with title ${appleString(notification.title)}`;
    return { command, args: ['-e', script] };
  }
  if (platform === 'win32') return undefined;
  const command = findOnPath('notify-send', env);
  if (!command) return undefined;
  return { command, args: ['--app-name=qlock', notification.title, notification.body] };
}

const NOTIFIER_TIMEOUT_MS = 5000;

function runDetached(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after ${NOTIFIER_TIMEOUT_MS} ms`));
    }, NOTIFIER_TIMEOUT_MS);
    timer.unref();
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`exit code ${code ?? 'signal'}`));
    });
  });
}

/** Builds the notifier for a config; undefined when notifications are off. */
export function createNotifier(
  config: Pick<Config, 'notify'>,
  deps: NotifierDeps = {},
): Notifier | undefined {
  const { desktop, bell } = config.notify;
  if (!desktop && !bell) return undefined;
  const platform = deps.platform ?? process.platform;
  const env = deps.env ?? process.env;
  const ringBell = deps.bell ?? (() => process.stderr.write('\x07'));
  const run = deps.run ?? runDetached;
  let desktopBroken = false;
  const fallback = () => {
    if (bell) ringBell();
  };
  return (notification) => {
    const command =
      desktop && !desktopBroken ? desktopCommand(notification, platform, env) : undefined;
    if (!command) {
      fallback();
      return;
    }
    run(command.command, command.args).catch((error: unknown) => {
      // A notifier that fails once (no D-Bus session, say) will keep failing: use the bell.
      const first = !desktopBroken;
      desktopBroken = true;
      debug(`${command.command} failed: ${String(error)}`);
      if (first) deps.onFailure?.(path.basename(command.command), (error as Error).message);
      fallback();
    });
  };
}

/**
 * Gathers notifications arriving within `windowMs` into one: an overlap alone sends one event to
 * each of two sessions, and a main move one per session; a desktop should show them as one.
 */
export function coalesce(notifier: Notifier, windowMs = 500): Notifier & { flush(): void } {
  let pending: Notification[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    if (!batch.length) return;
    if (batch.length === 1) {
      notifier(batch[0]!);
      return;
    }
    const shown = batch.slice(0, 3).map((n) => n.body);
    const more = batch.length > 3 ? ` (and ${batch.length - 3} more)` : '';
    notifier({ title: `qlock: ${batch.length} events`, body: shown.join('\n') + more });
  };
  const notify = (notification: Notification) => {
    pending.push(notification);
    timer ??= setTimeout(flush, windowMs);
  };
  return Object.assign(notify, { flush });
}

/** A log event as a notification; a notifier that throws never stops the watcher. */
export function notifyEvent(notifier: Notifier, event: QlockEvent): void {
  try {
    const who = event.to?.length ? ` → ${event.to.join(', ')}` : '';
    notifier({ title: `qlock: ${event.kind}${who}`, body: describeEvent(event) });
  } catch (error) {
    debug(`notifier: ${String(error)}`);
  }
}
