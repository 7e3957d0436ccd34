import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { buildProgram } from '../../src/cli.js';
import { completion } from '../../src/commands/completion.js';

/**
 * The generated completion scripts, sourced in the real shells. `qlock` itself is replaced by a
 * shell function that answers `qlock list --json`, so session names come from a known list.
 */

const FAKE_QLOCK = `qlock() { echo '{"sessions":[{"name":"alpha"},{"name":"beta"}]}'; }`;

function has(shell: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qlock-completion-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function script(shell: 'bash' | 'zsh'): string {
  const file = path.join(dir, shell, `qlock.${shell}`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, completion({ shell, program: buildProgram() }).script);
  return file;
}

describe('bash completion', () => {
  const file = script('bash');
  /** COMPREPLY for the words typed so far (the last one is being completed). */
  function complete(...words: string[]): string[] {
    const quoted = words.map((w) => `'${w}'`).join(' ');
    const r = spawnSync(
      'bash',
      [
        '--norc',
        '-c',
        `${FAKE_QLOCK}\nsource '${file}'\nCOMP_WORDS=(qlock ${quoted}); COMP_CWORD=${words.length}; _qlock; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { encoding: 'utf8', cwd: path.dirname(file) },
    );
    expect(r.stderr).toBe('');
    return r.stdout.split('\n').filter(Boolean).sort();
  }

  it('registers itself for qlock', () => {
    const r = spawnSync('bash', ['--norc', '-c', `source '${file}'; complete -p qlock`], {
      encoding: 'utf8',
    });
    expect(r.stdout).toContain('-F _qlock qlock');
  });

  it('commands, with aliases and help, and global options', () => {
    expect(complete('lo')).toEqual(['lock', 'locks']);
    expect(complete('l')).toEqual(['land', 'list', 'lock', 'locks', 'ls']);
    expect(complete('he')).toEqual(['help']);
    expect(complete('--j')).toEqual(['--json']);
    // The internal handlers are not offered.
    expect(complete('ho')).toEqual(['hooks']);
    expect(complete('agent')).toEqual(['agent']);
  });

  it("a command's options and argument choices", () => {
    expect(complete('lock', '--')).toEqual(
      expect.arrayContaining(['--reason', '--ttl', '--wait', '--json', '--session']),
    );
    expect(complete('lock', '--r')).toEqual(['--reason']);
    expect(complete('hooks', '')).toEqual(
      expect.arrayContaining(['install', 'uninstall', 'status']),
    );
    expect(complete('agent', 'install', 'c')).toEqual(['claude', 'codex', 'copilot']);
    expect(complete('completion', '')).toEqual(expect.arrayContaining(['bash', 'zsh']));
    expect(complete('help', 'sta')).toEqual(['status']);
  });

  it('session names where a command takes one, and for --session', () => {
    expect(complete('status', '')).toEqual(expect.arrayContaining(['alpha', 'beta', '--verbose']));
    expect(complete('rm', 'a')).toEqual(['alpha']);
    expect(complete('--session', '')).toEqual(['alpha', 'beta']);
    expect(complete('--session', 'alpha', 'sta')).toEqual(['status']);
  });

  it('global options before the command: -C completes directories, the command is still found', () => {
    fs.mkdirSync(path.join(path.dirname(file), 'subdir'));
    expect(complete('-C', 'sub')).toEqual(['subdir']);
    expect(complete('-C', 'subdir', 'sta')).toEqual(['status']);
    expect(complete('-C', 'subdir', 'lock', '--w')).toEqual(['--wait']);
  });
});

describe.skipIf(!has('zsh'))('zsh completion', () => {
  const file = script('zsh');
  /** What _qlock offers, with zsh's completion builtins replaced by printers. */
  function complete(...words: string[]): string {
    const quoted = words.map((w) => `'${w}'`).join(' ');
    const r = spawnSync(
      'zsh',
      [
        '-f',
        '-c',
        [
          'compdef() { :; }',
          'compadd() { print -r -- "compadd $*"; }',
          '_describe() { print -r -- "describe ${(P)2}"; }',
          '_files() { print -r -- "files $*"; }',
          `source '${file}'`,
          `__qlock_sessions() { print alpha; print beta; }`,
          `words=(qlock ${quoted}); CURRENT=${words.length + 1}; _qlock`,
        ].join('\n'),
      ],
      { encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    return r.stdout;
  }

  it('commands first, then options, choices and sessions per command', () => {
    expect(complete('')).toMatch(/^describe .*\bstatus:every session/m);
    expect(complete('lock', '')).toMatch(/^compadd -- --reason --ttl --wait/m);
    expect(complete('agent', '')).toContain('claude');
    expect(complete('status', '')).toMatch(/compadd -- .*alpha beta/);
    expect(complete('help', '')).toMatch(/^describe .*\block:take advisory locks/m);
  });

  it('global options before the command, and their values', () => {
    expect(complete('-C', '')).toBe('files -/\n');
    expect(complete('--session', '')).toBe('compadd -- alpha beta\n');
    expect(complete('-C', '/tmp', 'lock', '')).toMatch(/^compadd -- --reason/m);
  });
});

describe.skipIf(!has('zsh'))(
  'zsh completion, for real: compinit and TAB in an interactive zsh',
  () => {
    /**
     * `qlock completion zsh > "${fpath[1]}/_qlock"` as the help says, then compinit, then a line
     * typed with TAB and Enter into an interactive zsh on a pseudo-terminal (zsh/zpty). `qlock` is a
     * function that prints the words it got, so each answer is the completed command line.
     */
    function typed(...lines: string[]): string[] {
      const fpath = path.join(dir, 'zsh-fpath');
      fs.mkdirSync(fpath, { recursive: true });
      fs.writeFileSync(
        path.join(fpath, '_qlock'),
        completion({ shell: 'zsh', program: buildProgram() }).script,
      );
      const driver = path.join(dir, 'drive.zsh');
      fs.writeFileSync(
        driver,
        [
          'zmodload zsh/zpty',
          "zpty z 'zsh -f -i'",
          `zpty -w z 'PS1="> "; fpath=(${fpath} $fpath); autoload -Uz compinit; compinit -u -D'`,
          // "AR""GS" so that the echo of this very line is not taken for an answer.
          `zpty -w z 'qlock() { if [[ "$*" == "list --json" ]]; then print -r -- "{\\"sessions\\":[{\\"name\\":\\"alpha\\"},{\\"name\\":\\"beta\\"}]}"; else print -r -- "AR""GS:[$*]"; fi }'`,
          'for line in "$@"; do',
          `  zpty -w -n z "$line"$'\\t\\r'`,
          `  zpty -r z out '*ARGS:\\[*\\]*' || exit 1`,
          `  print -r -- "\${\${out##*ARGS:\\[}%%\\]*}"`,
          'done',
          'zpty -d z',
        ].join('\n'),
      );
      const r = spawnSync('zsh', ['-f', driver, ...lines], { encoding: 'utf8', timeout: 30_000 });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.trimEnd().split('\n');
    }

    it('completes commands, choices, options and session names', () => {
      expect(
        typed(
          'qlock hoo',
          'qlock agent install cla',
          'qlock rm al',
          'qlock lock --re',
          'qlock --session be',
        ),
      ).toEqual(['hooks', 'agent install claude', 'rm alpha', 'lock --reason', '--session beta']);
    });
  },
);
