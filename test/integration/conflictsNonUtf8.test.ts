import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { decodePathBytes, encodePathBytes } from '../../src/git/pathBytes.js';
import { openWorkspace } from '../../src/project/openWorkspace.js';
import { testContext } from '../helpers/repo.js';
import { editLine, pairAB, twoSessions } from './conflictsHelpers.js';

/**
 * Issue 21, point 9: a file name that is not valid UTF-8 (Latin-1 bytes, as old tools and
 * archives produce) must keep its identity through the prediction: not garbled into U+FFFD, and
 * not merged with another name garbled the same way.
 */
const latin1 = (name: string) => Buffer.from(name, 'latin1');

describe('file names that are not valid UTF-8', () => {
  it('two different such names edited by both sessions on different lines: two clean overlaps, not one', async () => {
    const { repo, a, b } = await twoSessions();
    const body = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    for (const name of ['caf\xe9.txt', 'caf\xe8.txt'])
      fs.writeFileSync(Buffer.concat([latin1(`${repo.root}/`), latin1(name)]), body);
    repo.commitAll('latin-1 names');
    repo.git(['merge', '-q', '--ff-only', 'main'], a);
    repo.git(['merge', '-q', '--ff-only', 'main'], b);
    const edit = (dir: string, name: string, line: number) => {
      const file = Buffer.concat([latin1(`${dir}${path.sep}`), latin1(name)]);
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      lines[line - 1] = `edited ${line}`;
      fs.writeFileSync(file, lines.join('\n'));
    };
    edit(a, 'caf\xe9.txt', 2);
    edit(b, 'caf\xe9.txt', 15);
    edit(a, 'caf\xe8.txt', 3);
    edit(b, 'caf\xe8.txt', 16);
    editLine(a, 'src/a.txt', 1, 'a');
    const pair = await pairAB(await openWorkspace(testContext(repo.root)));
    expect(pair.conflict).toBe(false);
    expect(pair.overlaps).toHaveLength(2);
    expect(new Set(pair.overlaps.map((o) => o.path)).size).toBe(2);
    expect(pair.overlaps.every((o) => o.clean)).toBe(true);
  });
});

describe('pathBytes', () => {
  it('round-trips invalid UTF-8 bytes and leaves valid UTF-8 (accents, emoji, U+FFFD) alone', () => {
    for (const bytes of [
      latin1('caf\xe9.txt'),
      Buffer.from('café/😀/\ufffd.txt', 'utf8'),
      Buffer.from([0x61, 0xc3, 0x28, 0xe2, 0x82, 0xf0, 0x9f, 0x98, 0x80, 0xff]),
    ]) {
      const text = decodePathBytes(bytes);
      expect(encodePathBytes(text).equals(bytes)).toBe(true);
    }
    expect(decodePathBytes(Buffer.from('café', 'utf8'))).toBe('café');
    expect(decodePathBytes(latin1('caf\xe9'))).not.toBe(decodePathBytes(latin1('caf\xe8')));
  });
});
