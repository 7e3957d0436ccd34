import { describe, expect, it } from 'vitest';

import { QlockError } from '../../src/errors.js';
import { validateConfig } from '../../src/project/loadConfig.js';

async function problem(raw: unknown): Promise<string> {
  try {
    await validateConfig(raw, '/p/.qsessionrc');
  } catch (error) {
    expect(error).toBeInstanceOf(QlockError);
    return (error as Error).message;
  }
  throw new Error('expected a validation error');
}

describe('config land.*', () => {
  it('accepts the strategies, sync modes, a check command and a duration', async () => {
    const config = await validateConfig(
      { land: { strategy: 'squash', sync: 'merge', check: 'npm test', checkTimeout: '5m' } },
      '/p/.qsessionrc',
    );
    expect(config.land).toEqual({
      strategy: 'squash',
      sync: 'merge',
      check: 'npm test',
      checkTimeout: '5m',
    });
  });

  it.each([
    [{ land: { strategy: 'rebase' } }, 'land.strategy'],
    [{ land: { sync: 'ff' } }, 'land.sync'],
    [{ land: { check: '' } }, 'land.check'],
    [{ land: { checkTimeout: 'soon' } }, 'land.checkTimeout'],
    [{ land: { allowAgents: true } }, 'land.allowAgents'],
  ])('%j is refused, naming the file and the key', async (raw, key) => {
    const message = await problem(raw);
    expect(message).toContain('/p/.qsessionrc');
    expect(message).toContain(`key "${key}"`);
  });
});
