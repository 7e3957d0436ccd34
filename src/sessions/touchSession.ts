import { readRegistry, updateRegistry } from '../store/registry.js';

/** lastSeen is refreshed at most this often, so read-only commands and hooks rarely write. */
export const TOUCH_INTERVAL_MS = 30_000;

/** Records that a session is alive (a command, hook or watcher saw it). Cheap when recent. */
export async function touchSession(stateDir: string, name: string, now: Date): Promise<void> {
  const session = readRegistry(stateDir).sessions[name];
  if (!session) return;
  if (now.getTime() - Date.parse(session.lastSeen) < TOUCH_INTERVAL_MS) return;
  await updateRegistry(stateDir, ({ registry }) => {
    const current = registry.sessions[name];
    if (current && Date.parse(current.lastSeen) < now.getTime())
      current.lastSeen = now.toISOString();
  });
}
