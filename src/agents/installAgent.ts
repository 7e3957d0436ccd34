// Placeholder until this command's issue lands; replaced by the real module.
import { QlockError } from '../errors.js';
export async function installAgentForInit(
  _o: unknown,
  _c?: unknown,
  _d?: unknown,
): Promise<{ exitCode?: number; script?: string }> {
  throw new QlockError('not available yet');
}
export async function installAgentForSession(
  _o: unknown,
  _c?: unknown,
  _d?: unknown,
): Promise<{ exitCode?: number; script?: string }> {
  throw new QlockError('not available yet');
}
