import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it, onTestFinished } from 'vitest';

import { init } from '../../src/commands/init.js';
import { newSession } from '../../src/commands/new.js';
import { sendNote } from '../../src/inbox/sendNote.js';
import { acquireLocks } from '../../src/locks/acquireLocks.js';
import { findProject } from '../../src/project/findProject.js';
import { readRegistry } from '../../src/store/registry.js';
import { payload } from '../fixtures/agents/payloads.js';
import {
  BIN,
  makeRepo,
  runQlock,
  type RunResult,
  tempDir,
  testContext,
  waitFor,
} from '../helpers/repo.js';

/**
 * The built CLI fed each agent's documented hook payloads (test/fixtures/agents/payloads), as the
 * agents run it: `qlock agent-hook <agent> <event>` with the JSON on stdin, from a directory that
 * is not the session (identity comes from the payload's cwd).
 */

interface Sessions {
  root: string;
  stateDir: string;
  fa: string;
  fb: string;
  home: string;
}

async function twoSessions(): Promise<Sessions> {
  const repo = makeRepo({
    files: {
      'README.md': '# test\n',
      'src/a.txt': 'a1\na2\n',
      'src/b.txt': 'b1\n',
      'docs/guide.md': 'guide\n',
      'nb/n.ipynb': '{}\n',
    },
  });
  await init({ hooks: false }, testContext(repo.root));
  const fa = (await newSession({ name: 'fa' }, testContext(repo.root))).session.path;
  const fb = (await newSession({ name: 'fb' }, testContext(repo.root))).session.path;
  return { root: repo.root, stateDir: findProject(repo.root)!.stateDir, fa, fb, home: repo.parent };
}

function hook(
  s: Sessions,
  agent: string,
  event: string,
  input: string,
  env: NodeJS.ProcessEnv = {},
): Promise<RunResult> {
  // Run from outside every session: the payload's cwd must be what identifies the session.
  return runQlock(['agent-hook', agent, event], { cwd: s.home, input, env });
}

interface WriteCase {
  agent: string;
  event: string;
  fixture: string;
  vars: (s: Sessions) => Record<string, string>;
}

const file = (rel: string) => (s: Sessions) => ({
  cwd: s.fa,
  file: path.join(s.fa, rel),
  relfile: rel,
  home: s.home,
});
const command = (cmd: string) => (s: Sessions) => ({ cwd: s.fa, command: cmd, home: s.home });

/** One write of src/a.txt per agent tool (src/ is what the other session locks). */
const WRITES: WriteCase[] = [
  { agent: 'q', event: 'pre-tool', fixture: 'q.preToolUse.fs_write', vars: file('src/a.txt') },
  {
    agent: 'q',
    event: 'pre-tool',
    fixture: 'q.preToolUse.execute_bash',
    vars: command("sed -i 's/a1/A1/' src/a.txt"),
  },
  { agent: 'kiro', event: 'preToolUse', fixture: 'kiro.preToolUse.write', vars: file('src/a.txt') },
  {
    agent: 'claude',
    event: 'pre-tool',
    fixture: 'claude.PreToolUse.Edit',
    vars: file('src/a.txt'),
  },
  {
    agent: 'claude',
    event: 'pre-tool',
    fixture: 'claude.PreToolUse.Write',
    vars: file('src/new.txt'),
  },
  {
    agent: 'claude',
    event: 'pre-tool',
    fixture: 'claude.PreToolUse.MultiEdit',
    vars: file('src/a.txt'),
  },
  {
    agent: 'claude',
    event: 'pre-tool',
    fixture: 'claude.PreToolUse.NotebookEdit',
    vars: file('src/n.ipynb'),
  },
  {
    agent: 'claude',
    event: 'PreToolUse',
    fixture: 'claude.PreToolUse.Bash',
    vars: command('npm test 2>&1 | tee src/test.log'),
  },
  {
    agent: 'gemini',
    event: 'pre-tool',
    fixture: 'gemini.BeforeTool.write_file',
    vars: file('src/a.txt'),
  },
  {
    agent: 'gemini',
    event: 'BeforeTool',
    fixture: 'gemini.BeforeTool.replace',
    vars: file('src/a.txt'),
  },
  {
    agent: 'gemini',
    event: 'pre-tool',
    fixture: 'gemini.BeforeTool.run_shell_command',
    vars: command('echo x > src/b.txt'),
  },
  {
    agent: 'codex',
    event: 'pre-tool',
    fixture: 'codex.PreToolUse.apply_patch',
    vars: file('src/a.txt'),
  },
  {
    agent: 'codex',
    event: 'pre-tool',
    fixture: 'codex.PreToolUse.Bash',
    vars: command('mv src/a.txt src/c.txt'),
  },
];

function expectDenyJson(agent: string, stdout: string, holder: string): void {
  if (agent === 'q' || agent === 'kiro') {
    expect(stdout).toBe('');
    return;
  }
  const out = JSON.parse(stdout) as Record<string, Record<string, string>>;
  if (agent === 'gemini') {
    expect(out.decision).toBe('deny');
    expect(out.reason).toContain(holder);
  } else {
    expect(out.hookSpecificOutput).toMatchObject({
      hookEventName: 'PreToolUse',
      permissionDecision: 'deny',
    });
    expect(out.hookSpecificOutput!.permissionDecisionReason).toContain(holder);
  }
}

describe('qlock agent-hook: before a write', () => {
  it('blocks a write to a file another session locked, in every agent’s form', async () => {
    const s = await twoSessions();
    await acquireLocks(s.stateDir, {
      session: 'fb',
      paths: ['src/'],
      reason: 'renaming the API',
      now: new Date(),
    });
    for (const w of WRITES) {
      const r = await hook(s, w.agent, w.event, payload(w.fixture, w.vars(s)));
      const label = `${w.fixture}: ${r.stderr}`;
      expect(r.code, label).toBe(2);
      expect(r.stderr, label).toMatch(
        /^qlock: blocked — src\/\S+ is inside src\/, locked by session fb \(reason: renaming the API, /,
      );
      expect(r.stderr, label).toContain('qlock unlock src/');
      expect(r.stderr, label).toContain('--force');
      expectDenyJson(w.agent, r.stdout, 'fb');
    }
    // The holder itself is not blocked by its own lock.
    const own = await hook(
      s,
      'claude',
      'pre-tool',
      payload('claude.PreToolUse.Edit', {
        ...file('src/a.txt')(s),
        cwd: s.fb,
        file: path.join(s.fb, 'src/a.txt'),
      }),
    );
    expect(own).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('a path through a symlink and `..` is checked where the write really lands', async () => {
    const s = await twoSessions();
    await acquireLocks(s.stateDir, {
      session: 'fb',
      paths: ['src/a.txt'],
      reason: 'r',
      now: new Date(),
    });
    // deep → src/sub: the kernel resolves deep/../a.txt to src/a.txt, not to ./a.txt.
    fs.mkdirSync(path.join(s.fa, 'src/sub'));
    fs.symlinkSync('src/sub', path.join(s.fa, 'deep'));
    const r = await hook(
      s,
      'claude',
      'pre-tool',
      payload('claude.PreToolUse.Edit', {
        ...file('src/a.txt')(s),
        file: `${s.fa}/deep/../a.txt`,
      }),
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('src/a.txt is locked by session fb');
    // The same through a shell command.
    const shell = await hook(
      s,
      'claude',
      'pre-tool',
      payload('claude.PreToolUse.Bash', command('echo x > deep/../a.txt')(s)),
    );
    expect(shell.code, shell.stderr).toBe(2);
    expect(shell.stderr).toContain('src/a.txt is locked by session fb');
  });

  it('says nothing and lets everything through when nothing is wrong', async () => {
    const s = await twoSessions();
    for (const w of WRITES) {
      const r = await hook(s, w.agent, w.event, payload(w.fixture, w.vars(s)));
      expect(r, w.fixture).toEqual({ code: 0, stdout: '', stderr: '' });
    }
    for (const cmd of ['git status', 'ls -la src', 'cat src/a.txt > /dev/null']) {
      const r = await hook(
        s,
        'claude',
        'pre-tool',
        payload('claude.PreToolUse.Bash', command(cmd)(s)),
      );
      expect(r, cmd).toEqual({ code: 0, stdout: '', stderr: '' });
    }
  });

  it('a file in another live session’s change set: a soft warning where the agent has one, once', async () => {
    const s = await twoSessions();
    for (const rel of ['src/a.txt', 'src/b.txt', 'docs/guide.md'])
      fs.appendFileSync(path.join(s.fb, rel), 'b was here\n');
    // The same warning comes once per session (and file, and peers): each agent gets its own file.
    const edit = payload('claude.PreToolUse.Edit', file('src/a.txt')(s));
    const first = await hook(s, 'claude', 'pre-tool', edit);
    expect(first.code).toBe(0);
    const warning = JSON.parse(first.stdout).hookSpecificOutput;
    expect(warning.hookEventName).toBe('PreToolUse');
    expect(warning.permissionDecision).toBeUndefined();
    expect(warning.additionalContext).toMatch(/src\/a\.txt is also being changed by session "fb"/);
    expect(await hook(s, 'claude', 'pre-tool', edit)).toEqual({ code: 0, stdout: '', stderr: '' });

    const codex = await hook(
      s,
      'codex',
      'pre-tool',
      payload('codex.PreToolUse.apply_patch', file('src/b.txt')(s)),
    );
    expect(codex.code).toBe(0);
    expect(JSON.parse(codex.stdout).hookSpecificOutput.additionalContext).toContain('"fb"');

    // Gemini: BeforeTool has no context channel; AfterTool carries it.
    expect(
      await hook(
        s,
        'gemini',
        'pre-tool',
        payload('gemini.BeforeTool.replace', file('docs/guide.md')(s)),
      ),
    ).toEqual({ code: 0, stdout: '', stderr: '' });
    const after = await hook(
      s,
      'gemini',
      'post-tool',
      payload('gemini.AfterTool.replace', file('docs/guide.md')(s)),
    );
    expect(JSON.parse(after.stdout)).toEqual({
      hookSpecificOutput: {
        hookEventName: 'AfterTool',
        additionalContext: expect.stringContaining('"fb"'),
      },
    });
    // Q and Kiro have no soft channel before a tool: nothing, and the write goes on.
    expect(
      await hook(s, 'q', 'pre-tool', payload('q.preToolUse.fs_write', file('src/a.txt')(s))),
    ).toEqual({ code: 0, stdout: '', stderr: '' });

    // A new file the other session created (untracked there) counts too, even when this session
    // created one of the same name.
    fs.writeFileSync(path.join(s.fb, 'src/fresh.txt'), 'x\n');
    const fresh = await hook(
      s,
      'claude',
      'pre-tool',
      payload('claude.PreToolUse.Write', file('src/fresh.txt')(s)),
    );
    expect(JSON.parse(fresh.stdout).hookSpecificOutput.additionalContext).toContain(
      'src/fresh.txt',
    );
    fs.writeFileSync(path.join(s.fb, 'docs/both.md'), 'b\n');
    fs.writeFileSync(path.join(s.fa, 'docs/both.md'), 'a\n');
    const both = await hook(
      s,
      'claude',
      'pre-tool',
      payload('claude.PreToolUse.Edit', file('docs/both.md')(s)),
    );
    expect(JSON.parse(both.stdout).hookSpecificOutput.additionalContext).toContain('docs/both.md');
  });

  it('no warning for a file that only differs because base moved on (nobody else changed it)', async () => {
    const s = await twoSessions();
    fs.appendFileSync(path.join(s.root, 'docs/guide.md'), 'main moves\n');
    const r = spawnSync('git', ['commit', '-qam', 'main moves', '--no-verify'], { cwd: s.root });
    expect(r.status).toBe(0);
    const edit = await hook(
      s,
      'claude',
      'pre-tool',
      payload('claude.PreToolUse.Edit', file('docs/guide.md')(s)),
    );
    expect(edit).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('warns when the agent writes into another session’s worktree', async () => {
    const s = await twoSessions();
    const r = await hook(
      s,
      'claude',
      'pre-tool',
      payload('claude.PreToolUse.Edit', {
        cwd: s.fa,
        file: path.join(s.fb, 'docs/guide.md'),
        home: s.home,
      }),
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).hookSpecificOutput.additionalContext).toContain(
      `inside session "fb"'s worktree`,
    );
  });

  it('autoLock: a write takes the lock, and the other session is then blocked', async () => {
    const s = await twoSessions();
    fs.writeFileSync(path.join(s.root, '.qsessionrc.json'), JSON.stringify({ autoLock: true }));
    const r = await hook(
      s,
      'claude',
      'pre-tool',
      payload('claude.PreToolUse.Write', file('docs/new.md')(s)),
    );
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readRegistry(s.stateDir).locks).toMatchObject([
      { path: 'docs/new.md', session: 'fa', reason: 'autoLock: Claude Code Write' },
    ]);
    const other = await hook(
      s,
      'codex',
      'pre-tool',
      payload('codex.PreToolUse.apply_patch', { cwd: s.fb, relfile: 'docs/new.md' }),
    );
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(
      'docs/new.md is locked by session fa (reason: autoLock: Claude Code Write',
    );
    expect(readRegistry(s.stateDir).locks).toHaveLength(1);
  });

  it('onLocked "warn" turns the block into a soft warning', async () => {
    const s = await twoSessions();
    fs.writeFileSync(path.join(s.root, '.qsessionrc.json'), JSON.stringify({ onLocked: 'warn' }));
    await acquireLocks(s.stateDir, {
      session: 'fb',
      paths: ['src/a.txt'],
      reason: 'mine',
      now: new Date(),
    });
    const r = await hook(
      s,
      'claude',
      'pre-tool',
      payload('claude.PreToolUse.Edit', file('src/a.txt')(s)),
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).hookSpecificOutput.additionalContext).toContain(
      'src/a.txt is locked by session fb',
    );
  });
});

describe('qlock agent-hook: context for the model', () => {
  it('session start: a briefing in each agent’s form', async () => {
    const s = await twoSessions();
    fs.appendFileSync(path.join(s.fb, 'src/b.txt'), 'more\n');
    await acquireLocks(s.stateDir, {
      session: 'fb',
      paths: ['src/b.txt'],
      reason: 'rewriting b',
      now: new Date(),
    });
    await sendNote(s.stateDir, 'fb', 'I own the b module today');
    const cases: [string, string, 'plain' | 'json'][] = [
      ['q', 'q.agentSpawn', 'plain'],
      ['kiro', 'kiro.agentSpawn', 'plain'],
      ['claude', 'claude.SessionStart', 'plain'],
      ['gemini', 'gemini.SessionStart', 'json'],
      ['codex', 'codex.SessionStart', 'json'],
    ];
    for (const [index, [agent, fixture, form]] of cases.entries()) {
      const r = await hook(
        s,
        agent,
        'session-start',
        payload(fixture, { cwd: s.fa, home: s.home }),
      );
      expect(r.code, fixture).toBe(0);
      expect(r.stderr, fixture).toBe('');
      let text = r.stdout;
      if (form === 'json') {
        const out = JSON.parse(r.stdout).hookSpecificOutput;
        expect(out.hookEventName).toBe('SessionStart');
        text = out.additionalContext;
      }
      expect(text, fixture).toContain('you are working in session "fa"');
      expect(text, fixture).toContain('- fb (active, branch qlock/fb): changing src/b.txt');
      expect(text, fixture).toContain('- src/b.txt: fb (reason: rewriting b');
      expect(text, fixture).toContain('qlock lock <path>');
      // Unread events come once: the first briefing marks them read.
      expect(text.includes('note from fb: I own the b module today'), fixture).toBe(index === 0);
    }
    // The first briefing delivered the note and marked it read.
    const first = await hook(
      s,
      'claude',
      'session-start',
      payload('claude.SessionStart', { cwd: s.fb, home: s.home }),
    );
    expect(first.stdout).toContain('fa (active');
  });

  it('each prompt: the new events once, then nothing', async () => {
    const s = await twoSessions();
    const ask = (agent: string, fixture: string) =>
      hook(s, agent, 'prompt', payload(fixture, { cwd: s.fa, home: s.home }));
    // Events from before (fb joined) are delivered once, then silence.
    await ask('claude', 'claude.UserPromptSubmit');
    expect(await ask('claude', 'claude.UserPromptSubmit')).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });

    await sendNote(s.stateDir, 'fb', 'please leave src/b.txt to me');
    const r = await ask('claude', 'claude.UserPromptSubmit');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^qlock: 1 new event from the other sessions since your last prompt:\n- note from fb: please leave src\/b\.txt to me/,
    );
    expect(await ask('claude', 'claude.UserPromptSubmit')).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });

    await sendNote(s.stateDir, 'fb', 'second note');
    const gemini = await ask('gemini', 'gemini.BeforeAgent');
    expect(JSON.parse(gemini.stdout)).toEqual({
      hookSpecificOutput: {
        hookEventName: 'BeforeAgent',
        additionalContext: expect.stringContaining('second note'),
      },
    });
    await sendNote(s.stateDir, 'fb', 'third note');
    const codex = await ask('codex', 'codex.UserPromptSubmit');
    expect(JSON.parse(codex.stdout).hookSpecificOutput).toMatchObject({
      hookEventName: 'UserPromptSubmit',
    });
    await sendNote(s.stateDir, 'fb', 'fourth note');
    expect((await ask('q', 'q.userPromptSubmit')).stdout).toContain('fourth note');
    await sendNote(s.stateDir, 'fb', 'fifth note');
    const kiro = await ask('kiro', 'kiro.userPromptSubmit');
    expect(kiro.stdout).toMatch(/since your last prompt:\n- note from fb: fifth note/);
    // Nothing new: every agent gets nothing at all (no empty JSON either).
    for (const [agent, fixture] of [
      ['q', 'q.userPromptSubmit'],
      ['kiro', 'kiro.userPromptSubmit'],
      ['claude', 'claude.UserPromptSubmit'],
      ['gemini', 'gemini.BeforeAgent'],
      ['codex', 'codex.UserPromptSubmit'],
    ] as const)
      expect(await ask(agent, fixture), fixture).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('each prompt: main moved, and which of my files it touched', async () => {
    const s = await twoSessions();
    const ask = () =>
      hook(s, 'claude', 'prompt', payload('claude.UserPromptSubmit', { cwd: s.fa, home: s.home }));
    await ask(); // first look: remembers base's tip, delivers "fb joined"
    fs.appendFileSync(path.join(s.fa, 'src/a.txt'), 'mine\n');
    fs.appendFileSync(path.join(s.root, 'src/a.txt'), 'on main\n');
    const git = (args: string[]) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn('git', args, { cwd: s.root, stdio: 'ignore' });
        child.on('close', (code) =>
          code === 0 ? resolve() : reject(new Error(`git ${args.join(' ')}: ${code}`)),
        );
      });
    await git(['commit', '-qam', 'main moves', '--no-verify']);
    const r = await ask();
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('main moved (1 commit)');
    expect(r.stdout).toContain('src/a.txt');
    expect(await ask()).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});

describe('qlock agent-hook: never in the way', () => {
  it('is a silent no-op outside any registered session, with QLOCK=0, and on junk input', async () => {
    const s = await twoSessions();
    await acquireLocks(s.stateDir, {
      session: 'fb',
      paths: ['src/'],
      reason: 'x',
      now: new Date(),
    });
    const outside = { cwd: s.home, file: path.join(s.home, 'x.txt'), home: s.home };
    for (const [agent, fixture] of [
      ['claude', 'claude.PreToolUse.Write'],
      ['claude', 'claude.SessionStart'],
      ['gemini', 'gemini.BeforeAgent'],
      ['q', 'q.preToolUse.fs_write'],
    ] as const) {
      const event = fixture.includes('Tool')
        ? 'pre-tool'
        : fixture.includes('Start')
          ? 'session-start'
          : 'prompt';
      expect(await hook(s, agent, event, payload(fixture, outside)), fixture).toEqual({
        code: 0,
        stdout: '',
        stderr: '',
      });
    }
    const locked = payload('claude.PreToolUse.Edit', file('src/a.txt')(s));
    expect(await hook(s, 'claude', 'pre-tool', locked, { QLOCK: '0' })).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    expect(await hook(s, 'claude', 'pre-tool', 'not json {')).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    expect(await hook(s, 'claude', 'pre-tool', '')).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('reads a large payload to the end', async () => {
    const s = await twoSessions();
    const big = JSON.stringify({
      ...JSON.parse(payload('claude.PreToolUse.Write', file('src/big.txt')(s))),
      tool_input: {
        file_path: path.join(s.fa, 'src/big.txt'),
        content: 'x'.repeat(8 * 1024 * 1024),
      },
    });
    expect(await hook(s, 'claude', 'pre-tool', big)).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('gives up and lets the agent go on when its time is up (stdin never closed)', async () => {
    const child = spawn(process.execPath, [BIN, 'agent-hook', 'claude', 'pre-tool'], {
      env: { ...process.env, QLOCK_AGENT_HOOK_TIMEOUT_MS: '300' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.write('{"cwd":');
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
      child.on('close', (c, sig) => resolve([c, sig])),
    );
    child.stdin.destroy();
    // Not exit 2: no agent blocks the tool (a blocked stdin read leaves only a signal to end it).
    expect(code === 0 || signal === 'SIGKILL', `${code} ${signal}`).toBe(true);
    expect(stdout).toBe('');
    expect(stderr).toContain('gave up after 300 ms');
  });

  it('stops a git that hangs when its time is up, and lets the agent go on', async () => {
    const s = await twoSessions();
    // fb changed src/a.txt: a write of it makes the hook ask git about fb's copy.
    fs.appendFileSync(path.join(s.fb, 'src/a.txt'), 'b was here\n');
    const bin = tempDir('qlock-hung-git');
    const pidFile = path.join(bin, 'pids');
    fs.writeFileSync(
      path.join(bin, 'git'),
      `#!${process.execPath}\nrequire('fs').appendFileSync(${JSON.stringify(pidFile)}, process.pid + '\\n');\nsetInterval(() => {}, 1000);\n`,
      { mode: 0o755 },
    );
    const pids = () =>
      fs.existsSync(pidFile)
        ? fs.readFileSync(pidFile, 'utf8').split('\n').filter(Boolean).map(Number)
        : [];
    onTestFinished(() => {
      for (const pid of pids()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone, as it should be
        }
      }
    });
    /** Running (a zombie waiting for its parent to be reaped counts as gone). */
    const running = (pid: number) => {
      try {
        process.kill(pid, 0);
      } catch {
        return false;
      }
      try {
        return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return true;
      }
    };
    const env = (ms: number) => ({
      PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
      QLOCK_AGENT_HOOK_TIMEOUT_MS: String(ms),
    });
    // A write: the hook's whole budget runs out. Long enough that a loaded machine still reaches
    // git before the time is up (at 500 ms the hook sometimes gave up while node was loading).
    const write = await hook(
      s,
      'claude',
      'pre-tool',
      payload('claude.PreToolUse.Edit', file('src/a.txt')(s)),
      env(3000),
    );
    expect(write.code, write.stderr).toBe(0);
    expect(write.stdout).toBe('');
    expect(write.stderr).toContain('gave up after 3000 ms');
    // Session start: the briefing gives up on the other sessions' changes (2.5 s) well before the
    // hook's budget, says so, and the hook ends then: the git it left behind does not keep it
    // alive until the agent's own timeout (it did, 30 s and more).
    const start = await hook(
      s,
      'claude',
      'session-start',
      payload('claude.SessionStart', { cwd: s.fa, home: s.home }),
      env(20_000),
    );
    expect(start.code, start.stderr).toBe(0);
    expect(start.stdout).toContain('fb (active, branch qlock/fb): changes not read in time');
    expect(start.stderr).not.toContain('gave up');
    const started = pids();
    expect(started.length).toBeGreaterThanOrEqual(2);
    // The hook stopped the git it started: none is left behind.
    await waitFor(() => started.every((pid) => !running(pid)), 5000);
  });

  it('fails open with a note when qlock itself has a problem (bad config)', async () => {
    const s = await twoSessions();
    fs.writeFileSync(
      path.join(s.root, '.qsessionrc.json'),
      JSON.stringify({ onLocked: 'sometimes' }),
    );
    const r = await hook(
      s,
      'claude',
      'pre-tool',
      payload('claude.PreToolUse.Edit', file('src/a.txt')(s)),
    );
    // A config that cannot be used is no failure: it is enforced without the wrong key (see
    // signalsBrokenConfig.test.ts), and named.
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Invalid configuration in .*key "onLocked"/);
    expect(r.stderr).not.toContain('agent hook failed');
    fs.rmSync(path.join(s.root, '.qsessionrc.json'));
    fs.writeFileSync(path.join(s.stateDir, 'registry.json'), '{"version": 1, "sess');
    const corrupt = await hook(
      s,
      'claude',
      'pre-tool',
      payload('claude.PreToolUse.Edit', file('src/a.txt')(s)),
    );
    expect(corrupt.code).toBe(0);
    expect(corrupt.stderr).toMatch(
      /agent hook failed \(The qlock state file .*registry\.json is corrupt/,
    );
    // failClosed: a broken qlock blocks writes instead.
    fs.writeFileSync(path.join(s.root, '.qsessionrc.json'), JSON.stringify({ failClosed: true }));
    const closed = await hook(
      s,
      'claude',
      'pre-tool',
      payload('claude.PreToolUse.Edit', file('src/a.txt')(s)),
    );
    expect(closed.code).toBe(2);
    expect(closed.stderr).toContain('failClosed is on');
  });

  it('rejects a misspelt agent or event with a usage error', async () => {
    const s = await twoSessions();
    const bad = await runQlock(['agent-hook', 'cursor', 'pre-tool'], { cwd: s.fa, input: '{}' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Unknown agent "cursor"');
    const event = await runQlock(['agent-hook', 'claude', 'Stop'], { cwd: s.fa, input: '{}' });
    expect(event.code).toBe(2);
    expect(event.stderr).toContain('Unknown agent hook event "Stop"');
  });
});
