import { describe, expect, it } from 'vitest';

import { QlockError } from '../../src/errors.js';
import { configSchema } from '../../src/project/configSchema.js';
import { DEFAULT_CONFIG } from '../../src/project/defaultConfig.js';
import { validateConfig } from '../../src/project/loadConfig.js';

const FILE = '/project/.qsessionrc';

async function problem(raw: unknown): Promise<string> {
  const error = await validateConfig(raw, FILE).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QlockError);
  return (error as Error).message;
}

describe('config defaults', () => {
  it('DEFAULT_CONFIG (used without importing zod) equals what the schema gives for {}', () => {
    expect(configSchema.parse({})).toEqual(DEFAULT_CONFIG);
  });

  it('DEFAULT_CONFIG cannot be mutated by a caller', () => {
    expect(Object.isFrozen(DEFAULT_CONFIG)).toBe(true);
  });

  it('an empty or missing config file means the defaults', async () => {
    expect(await validateConfig(undefined, FILE)).toEqual(DEFAULT_CONFIG);
    expect(await validateConfig(null, FILE)).toEqual(DEFAULT_CONFIG);
  });

  it('keys that are set override the defaults, nested objects are completed', async () => {
    const config = await validateConfig(
      { maxSessions: 3, watch: { debounce: 5 }, shared: { remote: 'origin' } },
      FILE,
    );
    expect(config.maxSessions).toBe(3);
    expect(config.watch).toEqual({ usePolling: false, interval: 1000, debounce: 5 });
    expect(config.shared).toEqual({
      remote: 'origin',
      refPrefix: 'refs/qlock',
      cacheTtl: '10s',
      timeout: '5s',
    });
    expect(config.branchPrefix).toBe(DEFAULT_CONFIG.branchPrefix);
  });
});

describe('config validation names the file and the key', () => {
  it.each([
    [{ maxSession: 3 }, 'maxSession', 'unknown key'],
    [{ watch: { poll: true } }, 'watch.poll', 'unknown key'],
    [{ notify: { sound: true } }, 'notify.sound', 'unknown key'],
    [{ shared: { remote: 'o', ttl: '1s' } }, 'shared.ttl', 'unknown key'],
    [{ maxSessions: 0 }, 'maxSessions', 'greater than or equal to 1'],
    [{ maxSessions: 2.5 }, 'maxSessions', 'integer'],
    [{ maxSessions: '10' }, 'maxSessions', 'Expected number'],
    [{ onLocked: 'explode' }, 'onLocked', "Expected 'block' | 'warn' | 'off'"],
    [{ staleAfter: 'soon' }, 'staleAfter', 'duration'],
    [{ lockTtl: '3 weeks' }, 'lockTtl', 'duration'],
    // Durations the commands would refuse later are refused here, naming the file and the key.
    [{ staleAfter: '0s' }, 'staleAfter', 'greater than zero'],
    [{ staleAfter: '30' }, 'staleAfter', 'needs a unit'],
    [{ idleAfter: '0.1ms' }, 'idleAfter', 'greater than zero'],
    [{ lockTtl: '0s' }, 'lockTtl', 'greater than zero'],
    [{ lockTtl: '99999999999d' }, 'lockTtl', 'at most 36500d'],
    [{ shared: { remote: 'o', timeout: '0m' } }, 'shared.timeout', 'greater than zero'],
    [{ worktreeDir: '../{repo}-work' }, 'worktreeDir', 'must contain {name}'],
    [{ branchPrefix: 'a b/' }, 'branchPrefix', 'letters, digits'],
    [{ ignore: 'dist/**' }, 'ignore', 'Expected array'],
    [{ autoJoin: 'yes' }, 'autoJoin', 'Expected boolean'],
    [{ watch: { interval: 10 } }, 'watch.interval', 'greater than or equal to 50'],
    [{ shared: {} }, 'shared.remote', 'Required'],
    [{ shared: { remote: 'origin', refPrefix: 'qlock' } }, 'shared.refPrefix', 'ref namespace'],
    [{ shared: { remote: 'o', refPrefix: 'refs/heads/q' } }, 'shared.refPrefix', 'of its own'],
    [{ shared: { remote: 'o', refPrefix: 'refs/tags' } }, 'shared.refPrefix', 'of its own'],
    [{ shared: { remote: 'o', refPrefix: 'refs/remotes/o' } }, 'shared.refPrefix', 'of its own'],
    [{ shared: { remote: 'o', refPrefix: 'refs/qlock-remote' } }, 'shared.refPrefix', 'of its own'],
    [{ shared: { remote: 'o', refPrefix: 'refs/a..b' } }, 'shared.refPrefix', 'not a valid ref'],
    [{ shared: { remote: 'o', refPrefix: 'refs/x.lock' } }, 'shared.refPrefix', 'not a valid ref'],
  ])('%j → key %s', async (raw, key, reason) => {
    const message = await problem(raw);
    expect(message).toContain(FILE);
    expect(message).toContain(`key "${key}"`);
    expect(message).toContain(reason);
  });

  it.each([
    [{ maxSesions: 3 }, 'maxSesions', 'maxSessions'],
    [{ watch: { debounse: 5 } }, 'watch.debounse', 'debounce'],
    [{ shared: { remote: 'o', cachTtl: '1s' } }, 'shared.cachTtl', 'cacheTtl'],
  ])('a misspelt key %j suggests the nearest one', async (raw, key, known) => {
    expect(await problem(raw)).toContain(`key "${key}": unknown key (did you mean "${known}"?)`);
  });

  it('an unknown key nothing like a real one gets no suggestion', async () => {
    expect(await problem({ colour: 'red' })).toContain('key "colour": unknown key.');
  });

  it('a config that is not an object is named as such', async () => {
    const message = await problem(['maxSessions']);
    expect(message).toContain(FILE);
    expect(message).toContain('(root)');
  });

  it('the message says where the keys are documented', async () => {
    expect(await problem({ bogus: 1 })).toContain('.qsessionrc.example');
  });
});
