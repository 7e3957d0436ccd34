// Placeholder until this command's issue lands; replaced by the real module.
import { QlockError } from '../errors.js';
export async function inbox(
  _o: unknown,
  _c?: unknown,
): Promise<{ exitCode?: number; script?: string }> {
  throw new QlockError('not available yet');
}
export function renderInbox(_r: unknown): string {
  return '';
}
