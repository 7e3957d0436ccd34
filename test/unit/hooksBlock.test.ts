import { spawnSync } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import {
  BEGIN,
  classifyHookText,
  END,
  findBlock,
  hasBlock,
  insertBlock,
  removeBlock,
  renderBlock,
} from '../../src/hooks/hookBlock.js';
import { isHuskyHooksPath } from '../../src/hooks/hookLocation.js';
import { GIT_HOOKS } from '../../src/hooks/hookTable.js';
import { isWorktreeAdd } from '../../src/hooks/postCheckout.js';
import { readRunner, renderRunner, shellQuote } from '../../src/hooks/runner.js';
import { parseRawZ } from '../../src/hooks/stagedPaths.js';

const block = renderBlock('pre-commit', { stdin: false, chain: false });
const weird = {
  node: "/opt/my node's dir/bin/node",
  bin: '/tmp/tools ü $HOME `x`/qlock.js',
  failClosed: true,
};

describe('the marked hook block', () => {
  it('is one line handing over to the runner, between the markers', () => {
    expect(block.startsWith(`${BEGIN}\n`)).toBe(true);
    expect(block.endsWith(`${END}\n`)).toBe(true);
    expect(block).toContain('sh "$qlock_dir/qlock/hooks/run.sh" pre-commit "$@" || exit $?');
    expect(block).toContain('"${QLOCK-}" != 0');
    // No machine-specific path: the same bytes are safe in husky's tracked files.
    expect(block).not.toMatch(/\/(tmp|home|usr|work)\//);
  });

  it('is valid POSIX sh, also under sh -e, with and without stdin replay and chaining', () => {
    for (const options of [
      { stdin: false, chain: false },
      { stdin: true, chain: false },
      { stdin: true, chain: true },
    ]) {
      const text = `#!/bin/sh\n${renderBlock('pre-push', options)}`;
      const r = spawnSync('sh', ['-n', '-e'], { input: text, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    }
  });

  it('goes after the shebang, or first when there is none', () => {
    expect(insertBlock('#!/bin/sh\necho hi\n', block)).toBe(`#!/bin/sh\n${block}echo hi\n`);
    expect(insertBlock('npm test\n', block)).toBe(`${block}npm test\n`);
    expect(insertBlock('', block)).toBe(block);
  });

  it('replaces itself in place: installing twice gives the same bytes', () => {
    const once = insertBlock('#!/bin/bash\nset -e\nexit 0\n', block);
    expect(insertBlock(once, block)).toBe(once);
    const older = once.replace('checks across', 'OLD TEXT');
    expect(insertBlock(older, block)).toBe(once);
  });

  it('removes exactly what was inserted, byte for byte', () => {
    for (const original of [
      '#!/bin/sh\necho hi\n',
      '#!/usr/bin/env bash\r\nprintf x\r\n',
      'npm test\n',
      'no newline at the end',
      '#!/bin/sh\n\n\n# trailing blank lines\n\n',
      '',
    ]) {
      const { text, found } = removeBlock(insertBlock(original, block));
      expect(found).toBe(true);
      expect(text).toBe(original);
    }
    expect(removeBlock('#!/bin/sh\necho hi\n')).toEqual({
      text: '#!/bin/sh\necho hi\n',
      found: false,
    });
  });

  it('ignores the marker text when it is not a whole line, and refuses a half block', () => {
    expect(findBlock(`echo "${BEGIN}"\n`)).toBeUndefined();
    expect(() => findBlock(`${BEGIN}\necho x\n`)).toThrow(/without/);
    expect(hasBlock(`${BEGIN}\necho x\n`)).toBe(true);
    expect(hasBlock('#!/bin/sh\n')).toBe(false);
  });

  it('chains inline only what git would run with sh', () => {
    expect(classifyHookText('#!/bin/sh\n')).toBe('inline');
    expect(classifyHookText('#!/usr/bin/env bash\n')).toBe('inline');
    expect(classifyHookText('#!/bin/zsh -e\n')).toBe('inline');
    expect(classifyHookText('#!/usr/bin/env -S bash -e\n')).toBe('inline');
    expect(classifyHookText('echo no shebang: git runs it with sh\n')).toBe('inline');
    expect(classifyHookText('#!/usr/bin/env python3\n')).toBe('wrap');
    expect(classifyHookText('#!/usr/bin/env node\n')).toBe('wrap');
    expect(classifyHookText('#!/bin/shell-like-but-not\n')).toBe('wrap');
    expect(classifyHookText('\x7fELF\0\0binary')).toBe('wrap');
  });
});

describe('the runner', () => {
  it('is rendered with every placeholder filled and valid sh', () => {
    const text = renderRunner(weird);
    expect(text).not.toMatch(/@[A-Z_]+@/);
    const r = spawnSync('sh', ['-n'], { input: text, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(text).toContain(`qlock_blocking_hooks='pre-commit pre-applypatch pre-merge-commit`);
  });

  it('quotes paths so that the shell reads them back verbatim', () => {
    for (const value of [weird.node, weird.bin, "it's", 'a b', 'ünï', '$(rm -rf /)']) {
      const r = spawnSync('sh', ['-c', `printf '%s' ${shellQuote(value)}`], { encoding: 'utf8' });
      expect(r.stdout).toBe(value);
    }
  });

  it('knows which hooks may block and which read stdin, from the hook table', () => {
    const text = renderRunner(weird);
    for (const [name, spec] of Object.entries(GIT_HOOKS)) {
      const blocking = /qlock_blocking_hooks='([^']*)'/.exec(text)![1]!.split(' ');
      expect(blocking.includes(name)).toBe(spec.mayBlock);
    }
  });
});

describe('small parsers', () => {
  it('reads `git diff --raw -z --no-abbrev`', () => {
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(40);
    const z = '0'.repeat(40);
    expect(
      parseRawZ(
        `:100644 100644 ${a} ${b} M\0src/a b.txt\0:000000 100644 ${z} ${b} A\0new\nline\0:100644 000000 ${a} ${z} D\0gone\0`,
      ),
    ).toEqual([
      { status: 'M', path: 'src/a b.txt', oldOid: a },
      { status: 'A', path: 'new\nline', oldOid: z },
      { status: 'D', path: 'gone', oldOid: a },
    ]);
    expect(parseRawZ('')).toEqual([]);
  });

  it('tells `git worktree add` from other checkouts', () => {
    const zero = '0'.repeat(40);
    expect(isWorktreeAdd([zero, 'a'.repeat(40), '1'])).toBe(true);
    expect(isWorktreeAdd(['0'.repeat(64), 'b'.repeat(64), '1'])).toBe(true);
    expect(isWorktreeAdd(['c'.repeat(40), 'a'.repeat(40), '1'])).toBe(false);
    expect(isWorktreeAdd([zero, 'a'.repeat(40), '0'])).toBe(false);
    expect(isWorktreeAdd([])).toBe(false);
  });

  it('recognises husky hooks paths', () => {
    expect(isHuskyHooksPath('.husky/_')).toBe(true);
    expect(isHuskyHooksPath('.husky/_/')).toBe(true);
    expect(isHuskyHooksPath('frontend/.husky/_')).toBe(true);
    expect(isHuskyHooksPath('.husky')).toBe(false);
    expect(isHuskyHooksPath('.githooks')).toBe(false);
  });

  it('readRunner gives back what was rendered', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qlock-runner-'));
    try {
      fs.mkdirSync(path.join(dir, 'hooks'));
      fs.writeFileSync(path.join(dir, 'hooks', 'run.sh'), renderRunner(weird));
      expect(readRunner(dir)).toEqual(weird);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
