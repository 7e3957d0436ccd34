import { describe, expect, it } from 'vitest';

import { init } from '../../src/commands/init.js';
import { newSession } from '../../src/commands/new.js';
import { makePlainDir, testContext } from '../helpers/repo.js';

describe('new --copy', () => {
  it('says what it left out (ignored files, node_modules), and says nothing when nothing was', async () => {
    const root = makePlainDir({
      'a.txt': 'a\n',
      'debug.log': 'x\n',
      'node_modules/m/index.js': 'm\n',
      '.qsessionrc': '{"ignore":["*.log"]}\n',
    });
    await init({}, testContext(root));
    const result = await newSession({ name: 'c', copy: true }, testContext(root));
    expect(result.notes?.join('\n')).toContain(
      "Not copied: 1 file(s) matching the config's `ignore` and node_modules/",
    );

    const plain = makePlainDir({ 'a.txt': 'a\n' });
    await init({}, testContext(plain));
    const quiet = await newSession({ name: 'd', copy: true }, testContext(plain));
    expect(quiet.notes ?? []).toEqual([]);
  });
});
