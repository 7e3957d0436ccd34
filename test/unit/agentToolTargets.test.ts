import { describe, expect, it } from 'vitest';

import { toolSpecFor } from '../../src/agents/adapters/index.js';
import { patchPaths, toolTargets } from '../../src/agents/toolTargets.js';

const CWD = '/w/repo';

describe('toolTargets: the paths each agent’s write tools name', () => {
  it.each<[string, unknown, string[]]>([
    [
      'fs_write',
      { command: 'create', path: '/w/repo/src/a.ts', file_text: 'x' },
      ['/w/repo/src/a.ts'],
    ],
    [
      'fs_write',
      { command: 'str_replace', path: 'src/a.ts', old_str: 'a', new_str: 'b' },
      ['/w/repo/src/a.ts'],
    ],
    ['write', { command: 'append', path: 'log.md', new_str: 'x' }, ['/w/repo/log.md']],
    ['Write', { file_path: '/w/repo/a.ts', content: 'x' }, ['/w/repo/a.ts']],
    [
      'Edit',
      { file_path: '/w/repo/a.ts', old_string: 'a', new_string: 'b', replace_all: false },
      ['/w/repo/a.ts'],
    ],
    [
      'MultiEdit',
      { file_path: '/w/repo/a.ts', edits: [{ old_string: 'a', new_string: 'b' }] },
      ['/w/repo/a.ts'],
    ],
    ['NotebookEdit', { notebook_path: '/w/repo/n.ipynb', new_source: 'x' }, ['/w/repo/n.ipynb']],
    ['write_file', { file_path: 'src/new.ts', content: 'x' }, ['/w/repo/src/new.ts']],
    [
      'replace',
      { file_path: '/w/repo/a.ts', old_string: 'a', new_string: 'b', instruction: 'i' },
      ['/w/repo/a.ts'],
    ],
    ['Read', { file_path: '/w/repo/a.ts' }, []],
    ['fs_read', { operations: [{ mode: 'Line', path: '/w/repo/a.ts' }] }, []],
  ])('%s', (tool, input, expected) => {
    expect(toolTargets(tool, input, CWD).paths).toEqual(expected);
  });

  it('reads Codex apply_patch headers: add, update, delete and move', () => {
    const patch = [
      '*** Begin Patch',
      '*** Add File: src/new.ts',
      '+export {};',
      '*** Update File: src/old.ts',
      '*** Move to: src/renamed.ts',
      '@@',
      '-a',
      '+b',
      '*** Delete File: /w/repo/gone.ts',
      '*** End Patch',
      '',
    ].join('\n');
    expect(patchPaths(patch)).toEqual([
      'src/new.ts',
      'src/old.ts',
      'src/renamed.ts',
      '/w/repo/gone.ts',
    ]);
    expect(toolTargets('apply_patch', { command: patch }, CWD)).toEqual({
      kind: 'file',
      paths: [
        '/w/repo/src/new.ts',
        '/w/repo/src/old.ts',
        '/w/repo/src/renamed.ts',
        '/w/repo/gone.ts',
      ],
    });
  });

  it('reads patch headers with leading blanks, which Codex trims', () => {
    const patch = '  *** Begin Patch\n  *** Update File: src/a.ts\n@@\n-a\n+b\n  *** End Patch\n';
    expect(toolTargets('apply_patch', { command: patch }, CWD).paths).toEqual(['/w/repo/src/a.ts']);
    expect(toolTargets('apply_patch', { command: 'no patch here' }, CWD).paths).toEqual([]);
  });

  it('Codex argv form ["apply_patch", patch] through the shell tool', () => {
    const patch = '*** Begin Patch\n*** Update File: src/a.ts\n@@\n-a\n+b\n*** End Patch\n';
    expect(toolTargets('shell', { command: ['apply_patch', patch] }, CWD).paths).toEqual([
      '/w/repo/src/a.ts',
    ]);
  });

  it('Codex shell: a relative write may be under the unseen workdir; the others are exact', () => {
    expect(
      toolTargets('Bash', { command: 'touch a.ts' }, CWD, toolSpecFor('codex')).deferred,
    ).toMatchObject([{ kind: 'suffix', base: CWD, rel: 'a.ts' }]);
    expect(
      toolTargets('Bash', { command: 'touch /w/repo/a.ts' }, CWD, toolSpecFor('codex')).deferred,
    ).toBe(undefined);
    expect(
      toolTargets('Bash', { command: 'touch a.ts' }, CWD, toolSpecFor('claude')).deferred,
    ).toBe(undefined);
  });

  it('reads shell tools of every agent, Gemini’s dir_path and argv commands included', () => {
    for (const tool of ['execute_bash', 'execute_cmd', 'shell', 'Bash', 'run_shell_command'])
      expect(toolTargets(tool, { command: 'echo x > out.txt' }, CWD).paths).toEqual([
        '/w/repo/out.txt',
      ]);
    expect(
      toolTargets('run_shell_command', { command: 'touch a', dir_path: 'sub' }, CWD).paths,
    ).toEqual(['/w/repo/sub/a']);
    expect(toolTargets('Bash', { command: ['bash', '-lc', 'rm x'] }, CWD).paths).toEqual([
      '/w/repo/x',
    ]);
  });

  it('ignores malformed input', () => {
    expect(toolTargets(undefined, undefined, CWD).paths).toEqual([]);
    expect(toolTargets('Write', { file_path: 42 }, CWD).paths).toEqual([]);
    expect(toolTargets('Bash', { command: { x: 1 } }, CWD).paths).toEqual([]);
  });
});
