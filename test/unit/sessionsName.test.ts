import { describe, expect, it } from 'vitest';

import { ExitCode, UsageError } from '../../src/errors.js';
import {
  deriveSessionName,
  SESSION_NAME,
  validateSessionName,
} from '../../src/sessions/sessionName.js';

describe('validateSessionName', () => {
  it.each(['a', 'feature-a', 'Fix_login.2', 'x'.repeat(64), '0day', 'a.b-c_d'])(
    'accepts %j',
    (name) => {
      expect(validateSessionName(name)).toBe(name);
    },
  );

  it.each([
    ['../x', 'path escape'],
    ['a/b', 'path separator'],
    ['a\\b', 'backslash'],
    ['$(x)', 'command substitution'],
    ['`x`', 'backticks'],
    ['a;rm', 'shell separator'],
    ['has space', 'space'],
    ['tab\tname', 'tab'],
    ['', 'empty'],
    ['x'.repeat(65), '65 characters'],
    ['-rf', 'leading dash (an option)'],
    ['.hidden', 'leading dot'],
    ['_x', 'leading underscore'],
    ['a..b', 'double dot'],
    ['name.lock', 'git refuses *.lock refs'],
    ['trailing.', 'trailing dot'],
    ['caf\u00e9', 'non-ASCII'],
    ['a\nb', 'newline'],
    ['a*', 'glob'],
    ['~user', 'tilde'],
  ])('rejects %j (%s) with a usage error (exit 2)', (name) => {
    let error: unknown;
    try {
      validateSessionName(name);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(ExitCode.usage);
    expect((error as Error).message).toContain(JSON.stringify(name));
    expect((error as Error).message).toMatch(/1 to 64 letters/);
  });

  it('the pattern is the one DESIGN.md documents', () => {
    expect(SESSION_NAME.source).toBe('^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$');
  });
});

describe('deriveSessionName (join without a name)', () => {
  it.each([
    ['main', 'main'],
    ['qlock/feature-a', 'qlock-feature-a'],
    ['my project', 'my-project'],
    ['--weird--', 'weird'],
    ['a..b', 'a.b'],
    ['topic.lock', 'topic'],
    ['répertoire', 'r-pertoire'],
    ['日本語', 'session'],
    ['x'.repeat(80), 'x'.repeat(64)],
  ])('%j → %j, always a valid name', (source, expected) => {
    const name = deriveSessionName(source);
    expect(name).toBe(expected);
    expect(validateSessionName(name)).toBe(name);
  });
});
