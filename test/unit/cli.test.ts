import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { Context } from '../../src/context.js';
import { QlockError, RefusedError, UsageError } from '../../src/errors.js';
import { tempDir } from '../helpers/repo.js';

/**
 * Argument parsing as a table (STYLE.md §3): every foundation command module is mocked, and each
 * case checks which options reached it, with which context, and which exit code came out.
 */
const calls: { command: string; options: unknown; ctx: Context }[] = [];
let behaviour: (() => unknown) | undefined;

function fake(command: string) {
  return vi.fn(async (options: unknown, ctx: Context) => {
    calls.push({ command, options, ctx });
    if (behaviour) return behaviour();
    return { ok: command };
  });
}

vi.mock('../../src/commands/init.js', () => ({
  init: fake('init'),
  renderInit: () => 'init done',
}));
vi.mock('../../src/commands/new.js', () => ({
  newSession: fake('new'),
  renderNew: () => 'new done',
}));
vi.mock('../../src/commands/join.js', () => ({ join: fake('join'), renderJoin: () => 'joined' }));
vi.mock('../../src/commands/list.js', () => ({ list: fake('list'), renderList: () => 'listed' }));
vi.mock('../../src/commands/status.js', () => ({
  status: fake('status'),
  renderStatus: () => 'status text',
}));
vi.mock('../../src/commands/rm.js', () => ({ rm: fake('rm'), renderRm: () => 'removed' }));
vi.mock('../../src/commands/gc.js', () => ({ gc: fake('gc'), renderGc: () => 'collected' }));
vi.mock('../../src/commands/doctor.js', () => ({
  doctor: fake('doctor'),
  renderDoctor: () => 'doctored',
}));

const { main } = await import('../../src/cli.js');

let stdout = '';
let stderr = '';
let dir: string;

beforeEach(() => {
  calls.length = 0;
  behaviour = undefined;
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  // -C keeps the liveness touch after each command away from this repository.
  dir = tempDir();
});

afterEach(() => {
  vi.restoreAllMocks();
});

const run = (...args: string[]) => main(['-C', dir, ...args]);

describe('options reach the command', () => {
  it.each([
    [['init'], 'init', { hooks: true }],
    [['init', '--no-hooks'], 'init', { hooks: false }],
    [['init', '--agent', 'claude', 'gemini'], 'init', { hooks: true, agent: ['claude', 'gemini'] }],
    [['new', 'feat'], 'new', { name: 'feat' }],
    // The option before the name must not swallow it (it used to: "missing required argument").
    [['new', '--agent', 'claude', 'feat'], 'new', { name: 'feat', agent: ['claude'] }],
    [
      ['new', '--agent', 'claude', '--agent', 'codex,gemini', 'feat'],
      'new',
      { name: 'feat', agent: ['claude', 'codex', 'gemini'] },
    ],
    [
      ['new', 'feat', '--base', 'dev', '--dir', 'd', '--branch', 'b', '--copy'],
      'new',
      { name: 'feat', base: 'dev', dir: 'd', branch: 'b', copy: true },
    ],
    [['join'], 'join', {}],
    [['join', 'me', '--base', 'dev'], 'join', { name: 'me', base: 'dev' }],
    [['list'], 'list', {}],
    [['ls'], 'list', {}],
    [['status'], 'status', {}],
    [['status', 's1', '-v'], 'status', { name: 's1', verbose: true }],
    [['rm', 's1'], 'rm', { name: 's1' }],
    [
      ['rm', 's1', '--force', '--keep-worktree'],
      'rm',
      { name: 's1', force: true, keepWorktree: true },
    ],
    [['gc'], 'gc', {}],
    [['gc', '--dry-run'], 'gc', { dryRun: true }],
    [['doctor', '--fix'], 'doctor', { fix: true }],
  ])('qlock %j → %s(%j)', async (args, command, options) => {
    expect(await run(...args)).toBe(0);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.command).toBe(command);
    expect(calls[0]!.options).toEqual(options);
  });

  it('global options build the context: -C, --session, --json', async () => {
    expect(await main(['--json', '--session', 'me', '-C', dir, 'status'])).toBe(0);
    const { ctx } = calls[0]!;
    expect(ctx.cwd).toBe(dir);
    expect(ctx.session).toBe('me');
    expect(ctx.json).toBe(true);
  });

  it('global options are accepted after the command too', async () => {
    expect(await run('status', '--json', '--session', 'me')).toBe(0);
    expect(calls[0]!.ctx.json).toBe(true);
    expect(calls[0]!.ctx.session).toBe('me');
  });
});

describe('output', () => {
  it('prints the rendered text, or with --json the result object and nothing else', async () => {
    await run('list');
    expect(stdout).toBe('listed\n');
    stdout = '';
    await run('list', '--json');
    expect(JSON.parse(stdout)).toEqual({ ok: 'list' });
  });
});

describe('exit codes', () => {
  it.each([
    ['UsageError', () => new UsageError('bad name'), 2],
    ['QlockError', () => new QlockError('failed'), 1],
    ['RefusedError', () => new RefusedError('held by b'), 3],
  ])('a thrown %s sets its exit code and prints one plain line', async (_label, make, code) => {
    const error = make();
    behaviour = () => {
      throw error;
    };
    expect(await run('new', 'x')).toBe(code);
    expect(stderr).toBe(`qlock: ${error.message}\n`);
    expect(stdout).toBe('');
  });

  it('an unexpected error is exit 1 with the bug-report hint, no stack without --debug', async () => {
    behaviour = () => {
      throw new TypeError('boom');
    };
    expect(await run('status')).toBe(1);
    expect(stderr).toContain('internal error: boom');
    expect(stderr).toContain('--debug');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('with --json an error is also a JSON object on stdout', async () => {
    behaviour = () => {
      throw new UsageError('bad name');
    };
    expect(await run('new', 'x', '--json')).toBe(2);
    expect(JSON.parse(stdout)).toEqual({ error: { message: 'bad name', exitCode: 2 } });
  });

  it("a result's exitCode becomes the exit status", async () => {
    behaviour = () => ({ exitCode: 1 });
    expect(await run('doctor')).toBe(1);
  });

  it('an unknown command is exit 2 and suggests the nearest', async () => {
    expect(await run('stauts')).toBe(2);
    expect(stderr).toContain("unknown command 'stauts'");
    expect(stderr).toContain('Did you mean status?');
    expect(calls).toHaveLength(0);
  });

  it('an unknown option is exit 2 and suggests the nearest', async () => {
    expect(await run('gc', '--dryrun')).toBe(2);
    expect(stderr).toContain('Did you mean --dry-run?');
    expect(calls).toHaveLength(0);
  });

  it('a missing argument and an extra argument are exit 2', async () => {
    expect(await run('new')).toBe(2);
    expect(stderr).toContain("missing required argument 'name'");
    expect(await run('rm', 'a', 'b')).toBe(2);
    expect(calls).toHaveLength(0);
  });

  it('--version and help are exit 0', async () => {
    expect(await main(['--version'])).toBe(0);
    expect(stdout).toMatch(/^\d+\.\d+\.\d+/);
    stdout = '';
    expect(await main(['help', 'new'])).toBe(0);
    expect(stdout).toContain('Examples:');
    expect(stdout).toContain('qlock new feature-a');
  });
});
