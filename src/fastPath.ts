/**
 * The fast path for hot commands. Until those commands exist it handles nothing; each hot command
 * registers a handler here when it lands (see the hook, agent-hook, lock and unlock modules).
 */
export async function runFast(_argv: string[]): Promise<number | undefined> {
  return undefined;
}
