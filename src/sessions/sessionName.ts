import { UsageError } from '../errors.js';
import { messages } from '../ui/messages.js';

/**
 * Session names become directory names, branch names and hook arguments, so they are restricted:
 * no path separators, no "..", no leading "-", no shell metacharacters, at most 64 characters,
 * and nothing git refuses in a branch name (".lock" at the end).
 */
export const SESSION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function validateSessionName(name: string): string {
  if (
    !SESSION_NAME.test(name) ||
    name.includes('..') ||
    name.endsWith('.lock') ||
    name.endsWith('.')
  ) {
    throw new UsageError(messages.badSessionName(name));
  }
  return name;
}

/** A session name from a directory or branch name: characters not allowed become "-". */
export function deriveSessionName(source: string): string {
  const cleaned = source
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64)
    .replace(/(\.lock|[.-])+$/, '');
  return cleaned || 'session';
}
