import fs from 'node:fs';

import { Argument, Command, CommanderError, Option } from 'commander';

import { type Context, currentDir, defaultContext, resolveDir } from './context.js';
import { ExitCode, InternalError, isQlockError, UsageError } from './errors.js';
import { disableColor } from './ui/color.js';
import { enableDebug, isDebug } from './ui/debug.js';
import { messages } from './ui/messages.js';
import { firstWord, usageMessage } from './ui/usageErrors.js';
import { VERSION } from './util/version.js';

/**
 * Commander wiring for every command; the only place that decides the exit code. Each command's
 * module is imported only when that command runs, so `qlock lock` does not pay for `qlock watch`.
 */

interface GlobalOptions {
  json?: boolean;
  color?: boolean;
  debug?: boolean;
  C?: string;
  session?: string;
}

/** A command's result may carry the exit code it wants (hooks that block, --check). */
interface WithExitCode {
  exitCode?: number;
}

type Renderer<R> = (result: R, ctx: Context) => string | undefined;

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function makeContext(globals: GlobalOptions): Context {
  if (globals.debug) enableDebug();
  if (globals.color === false) disableColor();
  const cwd = globals.C ? resolveDir(globals.C) : currentDir();
  if (globals.C && !isDirectory(cwd)) throw new UsageError(messages.noSuchDirectory(globals.C));
  return defaultContext({
    cwd,
    json: globals.json === true,
    ...(globals.session ? { session: globals.session } : {}),
  });
}

let exitCode: number = ExitCode.ok;
/** Commander's last usage error text (see configureOutput in buildProgram). */
let usageErrorText = '';

async function execute<R>(
  cmd: Command,
  run: (ctx: Context) => Promise<R>,
  render?: Renderer<R>,
): Promise<void> {
  const ctx = makeContext(cmd.optsWithGlobals<GlobalOptions>());
  let result: R;
  try {
    result = await run(ctx);
  } finally {
    // Any command run for a session counts as activity (its lastSeen advances).
    const { touchCurrentSession } = await import('./sessions/touchSession.js');
    await touchCurrentSession(ctx);
  }
  if (result !== undefined) {
    if (ctx.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    else if (render) {
      const text = render(result, ctx);
      if (text) ctx.out(text);
    }
  }
  const wanted = (result as WithExitCode | undefined)?.exitCode;
  if (typeof wanted === 'number') exitCode = wanted;
}

/** commander.Argument with a fixed set of values, declared once. */
class ArgumentChoice extends Argument {
  constructor(name: string, description: string, choices: string[]) {
    super(name, description);
    this.choices(choices);
  }
}

function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

export function buildProgram(): Command {
  const program = new Command('qlock');
  // Configure the root before adding subcommands: commander copies these settings at .command().
  program
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
      // Kept, not printed: main() rewords usage errors like every other error (and as JSON).
      outputError: (s) => {
        usageErrorText += s;
      },
    })
    .showSuggestionAfterError(true)
    .description(
      'Coordinate parallel AI coding sessions on one codebase: sessions, locks, conflicts, hooks.',
    )
    .version(VERSION, '-V, --version')
    .option('--json', 'machine-readable output on stdout')
    .option('--no-color', 'no colours (NO_COLOR is honoured too)')
    .option('--debug', 'debug logs on stderr (or QLOCK_DEBUG=1)')
    .option('-C <dir>', 'run as if started in <dir>')
    .option(
      '--session <name>',
      'act as this session (default: QLOCK_SESSION, else the session containing the cwd)',
    )
    .addHelpText(
      'after',
      examples(
        'qlock init',
        'qlock new feature-a',
        'qlock status',
        'qlock lock src/api.ts --reason "refactor"',
      ),
    );

  program
    .command('init')
    .description('set this project up: state dir, git hooks, optional agent hooks')
    .option('--no-hooks', 'do not install git hooks')
    .option('--agent <name...>', 'also install agent hooks (q, kiro, claude, gemini, codex)')
    .addHelpText(
      'after',
      examples('qlock init', 'qlock init --agent claude', 'qlock init --no-hooks'),
    )
    .action(async (opts: { hooks?: boolean; agent?: string[] }, cmd: Command) => {
      const { init, renderInit } = await import('./commands/init.js');
      await execute(cmd, (ctx) => init(opts, ctx), renderInit);
    });

  program
    .command('new')
    .description('create a worktree (or, without git, a copy) for a new session and register it')
    .argument('<name>', 'session name: letters, digits, ".", "_", "-"')
    .option('--base <branch>', 'branch to start from (default: config base)')
    .option('--dir <dir>', 'where to create it (default: config worktreeDir)')
    .option(
      '--branch <branch>',
      'branch name (default: <branchPrefix><name>); an existing branch is reused',
    )
    .option('--copy', 'plain directories: copy the tree')
    .option(
      '--agent <name...>',
      'install agent hooks in the new session (q, kiro, claude, gemini, codex)',
    )
    .addHelpText(
      'after',
      examples(
        'qlock new feature-a',
        'qlock new fix-login --base develop',
        'qlock new ui --agent claude',
      ),
    )
    .action(async (name: string, opts: Record<string, unknown>, cmd: Command) => {
      const { newSession, renderNew } = await import('./commands/new.js');
      await execute(cmd, (ctx) => newSession({ ...opts, name }, ctx), renderNew);
    });

  program
    .command('join')
    .description('register the current worktree or directory as a session')
    .argument('[name]', 'session name (default: from the branch or directory)')
    .option('--base <branch>', 'the branch this session merges into')
    .addHelpText('after', examples('qlock join', 'qlock join main'))
    .action(async (name: string | undefined, opts: { base?: string }, cmd: Command) => {
      const { join, renderJoin } = await import('./commands/join.js');
      await execute(cmd, (ctx) => join({ ...opts, ...(name ? { name } : {}) }, ctx), renderJoin);
    });

  program
    .command('list')
    .alias('ls')
    .description('sessions, one line each')
    .addHelpText('after', examples('qlock list', 'qlock list --json'))
    .action(async (_opts: object, cmd: Command) => {
      const { list, renderList } = await import('./commands/list.js');
      await execute(
        cmd,
        (ctx) => list({}, ctx),
        (r, ctx) => renderList(r, ctx.now()),
      );
    });

  program
    .command('status')
    .description(
      'every session: branch, ahead/behind, changes, locks, overlaps, conflicts, unread events',
    )
    .argument('[name]', 'only this session')
    .option('-v, --verbose', 'list every changed file')
    .addHelpText(
      'after',
      examples('qlock status', 'qlock status feature-a --verbose', 'qlock status --json'),
    )
    .action(async (name: string | undefined, opts: { verbose?: boolean }, cmd: Command) => {
      const { status, renderStatus } = await import('./commands/status.js');
      const options = { ...opts, ...(name ? { name } : {}) };
      await execute(
        cmd,
        (ctx) => status(options, ctx),
        (r, ctx) => renderStatus(r, options, ctx.now()),
      );
    });

  program
    .command('rm')
    .description('unregister a session, release its locks and remove its worktree')
    .argument('<name>', 'session name')
    .option('--force', 'remove even with uncommitted or unmerged work (that work is lost)')
    .option('--keep-worktree', 'only unregister; keep the directory')
    .addHelpText('after', examples('qlock rm feature-a', 'qlock rm feature-a --keep-worktree'))
    .action(
      async (name: string, opts: { force?: boolean; keepWorktree?: boolean }, cmd: Command) => {
        const { rm, renderRm } = await import('./commands/rm.js');
        await execute(cmd, (ctx) => rm({ ...opts, name }, ctx), renderRm);
      },
    );

  program
    .command('gc')
    .description('clean up orphans: sessions whose directory is gone, expired locks, dead owners')
    .option('--dry-run', 'only say what would be done')
    .addHelpText('after', examples('qlock gc --dry-run', 'qlock gc'))
    .action(async (opts: { dryRun?: boolean }, cmd: Command) => {
      const { gc, renderGc } = await import('./commands/gc.js');
      await execute(cmd, (ctx) => gc(opts, ctx), renderGc);
    });

  program
    .command('lock')
    .description('take advisory locks for the current session (all or nothing)')
    .argument('<path...>', 'files, or directories ending with "/"')
    .option('--reason <text>', 'why, shown to anyone who bumps into the lock')
    .option('--ttl <duration>', 'expire after this long (e.g. 30m, 2h; default: config lockTtl)')
    .option('--wait <duration>', 'retry until free or until this much time has passed')
    .addHelpText(
      'after',
      examples(
        'qlock lock src/api.ts --reason "renaming the API"',
        'qlock lock src/db/ --ttl 1h',
        'qlock lock a.ts --wait 30s',
      ),
    )
    .action(async (paths: string[], opts: Record<string, string | undefined>, cmd: Command) => {
      const { lock, renderLock } = await import('./commands/lock.js');
      await execute(cmd, (ctx) => lock({ ...opts, paths }, ctx), renderLock);
    });

  program
    .command('unlock')
    .description("release your locks; --force breaks another session's lock and tells it")
    .argument('[path...]', 'locked paths')
    .option('--all', 'release all of your locks')
    .option('--force', "break another session's lock")
    .addHelpText(
      'after',
      examples('qlock unlock src/api.ts', 'qlock unlock --all', 'qlock unlock src/api.ts --force'),
    )
    .action(async (paths: string[], opts: { all?: boolean; force?: boolean }, cmd: Command) => {
      const { unlock, renderUnlock } = await import('./commands/unlock.js');
      await execute(cmd, (ctx) => unlock({ ...opts, paths }, ctx), renderUnlock);
    });

  program
    .command('locks')
    .description('all locks')
    .addHelpText('after', examples('qlock locks', 'qlock locks --json'))
    .action(async (_opts: object, cmd: Command) => {
      const { locks, renderLocks } = await import('./commands/locks.js');
      await execute(cmd, (ctx) => locks({}, ctx), renderLocks);
    });

  program
    .command('who')
    .description('who holds a lock on a path, and which sessions are changing it')
    .argument('<path>', 'a file or directory')
    .addHelpText('after', examples('qlock who src/api.ts', 'qlock who src/ --json'))
    .action(async (target: string, _opts: object, cmd: Command) => {
      const { who, renderWho } = await import('./commands/who.js');
      await execute(cmd, (ctx) => who({ path: target }, ctx), renderWho);
    });

  program
    .command('shared')
    .description(
      'locks and presence shared with other machines through the git remote (config shared)',
    )
    .addArgument(
      new ArgumentChoice('[action]', 'status (default): what the remote holds; sync: share now', [
        'status',
        'sync',
      ]),
    )
    .addHelpText('after', examples('qlock shared', 'qlock shared sync', 'qlock shared --json'))
    .action(async (action: 'status' | 'sync' | undefined, _opts: object, cmd: Command) => {
      const { shared, renderShared } = await import('./shared/sharedCommand.js');
      await execute(cmd, (ctx) => shared({ action: action ?? 'status' }, ctx), renderShared);
    });

  program
    .command('conflicts')
    .description(
      'predict merge conflicts and overlaps between sessions (uncommitted work included) and base',
    )
    .argument('[a]', 'only pairs with this session')
    .argument('[b]', 'only this pair (a session name, or the base branch)')
    .option('--check', 'exit 3 when a conflict is predicted')
    .addHelpText(
      'after',
      examples(
        'qlock conflicts',
        'qlock conflicts feature-a feature-b',
        'qlock conflicts --check --json',
      ),
    )
    .action(
      async (
        a: string | undefined,
        b: string | undefined,
        opts: { check?: boolean },
        cmd: Command,
      ) => {
        const { conflicts, renderConflicts } = await import('./commands/conflicts.js');
        await execute(
          cmd,
          (ctx) => conflicts({ ...opts, ...(a ? { a } : {}), ...(b ? { b } : {}) }, ctx),
          renderConflicts,
        );
      },
    );

  program
    .command('sync')
    .description(
      "bring base's new commits into the current session; on conflict, leave everything as it was",
    )
    .addOption(new Option('--rebase', 'rebase onto base (default)').conflicts('merge'))
    .addOption(new Option('--merge', 'merge base in').conflicts('rebase'))
    .option('--autostash', 'stash uncommitted changes first and restore them after')
    .addHelpText('after', examples('qlock sync', 'qlock sync --merge', 'qlock sync --autostash'))
    .action(
      async (opts: { rebase?: boolean; merge?: boolean; autostash?: boolean }, cmd: Command) => {
        const { sync, renderSync } = await import('./commands/sync.js');
        await execute(cmd, (ctx) => sync(opts, ctx), renderSync);
      },
    );

  program
    .command('watch')
    .description(
      'the live coordinator: watch every session and the base ref, record and print events',
    )
    .addHelpText('after', examples('qlock watch', 'qlock watch --json'))
    .action(async (_opts: object, cmd: Command) => {
      const { watch } = await import('./commands/watch.js');
      await execute(cmd, (ctx) => watch({}, ctx));
    });

  program
    .command('inbox')
    .description("the current session's unread events, then mark them read")
    .option('--peek', 'do not mark them read')
    .option('--all', 'also show events already read')
    .addHelpText('after', examples('qlock inbox', 'qlock inbox --peek', 'qlock inbox --all --json'))
    .action(async (opts: { peek?: boolean; all?: boolean }, cmd: Command) => {
      const { inbox, renderInbox } = await import('./commands/inbox.js');
      await execute(cmd, (ctx) => inbox(opts, ctx), renderInbox);
    });

  program
    .command('note')
    .description("send a note to every other session's inbox")
    .argument('<text...>', 'the note')
    .addHelpText('after', examples('qlock note "I am renaming User to Account in src/models"'))
    .action(async (words: string[], _opts: object, cmd: Command) => {
      const { note, renderNote } = await import('./commands/note.js');
      await execute(cmd, (ctx) => note({ text: words.join(' ') }, ctx), renderNote);
    });

  program
    .command('hooks')
    .description("install, uninstall or inspect qlock's git hooks")
    .addArgument(
      new ArgumentChoice('<action>', 'install, uninstall or status', [
        'install',
        'uninstall',
        'status',
      ]),
    )
    .addHelpText(
      'after',
      examples('qlock hooks install', 'qlock hooks status', 'qlock hooks uninstall'),
    )
    .action(async (action: 'install' | 'uninstall' | 'status', _opts: object, cmd: Command) => {
      const { hooks, renderHooks } = await import('./commands/hooks.js');
      await execute(cmd, (ctx) => hooks({ action }, ctx), renderHooks);
    });

  program
    .command('hook')
    .description('the handler that installed git hooks call (not for direct use)')
    .argument('<name>', 'git hook name')
    .argument('[args...]', "the hook's arguments")
    .allowUnknownOption()
    // git's arguments go to the hook untouched, so commander's own --help is off; a person asking
    // for help (the first word only: git never passes it) still gets it.
    .helpOption(false)
    .addHelpText(
      'after',
      examples('qlock hook pre-commit', 'qlock hook post-checkout HEAD~1 HEAD 1'),
    )
    .action(async (name: string, args: string[], _opts: object, cmd: Command) => {
      if (name === '--help' || name === '-h') cmd.help();
      const { hook } = await import('./commands/hook.js');
      await execute(cmd, (ctx) => hook({ name, args }, ctx));
    });

  program
    .command('agent')
    .description("wire qlock into an agent CLI's own hooks (and register the MCP server)")
    .addArgument(new ArgumentChoice('<action>', 'install or uninstall', ['install', 'uninstall']))
    .addArgument(
      new ArgumentChoice('<agent>', 'q, kiro, claude, gemini or codex', [
        'q',
        'kiro',
        'claude',
        'gemini',
        'codex',
      ]),
    )
    .option('--global', "user-level configuration instead of this session's worktree")
    .option('--trust', 'codex: record the trust of the hooks qlock writes in your Codex config')
    .addHelpText(
      'after',
      examples(
        'qlock agent install claude',
        'qlock agent install q --global',
        'qlock agent install codex --trust',
        'qlock agent uninstall gemini',
      ),
    )
    .action(
      async (
        action: 'install' | 'uninstall',
        agent: string,
        opts: { global?: boolean; trust?: boolean },
        cmd: Command,
      ) => {
        const { agentCommand, renderAgent } = await import('./commands/agent.js');
        await execute(cmd, (ctx) => agentCommand({ ...opts, action, agent }, ctx), renderAgent);
      },
    );

  program
    .command('agent-hook')
    .description(
      "the handler that agent hooks call, reading the agent's JSON on stdin (not for direct use)",
    )
    .argument('<agent>', 'q, kiro, claude, gemini or codex')
    .argument('<event>', 'the hook event')
    .addHelpText(
      'after',
      examples(
        'qlock agent-hook claude PreToolUse < payload.json',
        'qlock agent-hook q userPromptSubmit < payload.json',
      ),
    )
    .action(async (agent: string, event: string, _opts: object, cmd: Command) => {
      const { agentHook } = await import('./commands/agentHook.js');
      await execute(cmd, (ctx) => agentHook({ agent, event }, ctx));
    });

  program
    .command('mcp')
    .description(
      'an MCP server over stdio for the current session (lock, unlock, who, status, conflicts, inbox, note)',
    )
    .addHelpText('after', examples('qlock mcp', 'qlock mcp --session feature-a'))
    .action(async (_opts: object, cmd: Command) => {
      const { mcp } = await import('./commands/mcp.js');
      await execute(cmd, (ctx) => mcp({}, ctx));
    });

  program
    .command('doctor')
    .description('check the setup and say how to fix each problem')
    .option('--fix', 'apply the safe fixes')
    .addHelpText('after', examples('qlock doctor', 'qlock doctor --fix', 'qlock doctor --json'))
    .action(async (opts: { fix?: boolean }, cmd: Command) => {
      const { doctor, renderDoctor } = await import('./commands/doctor.js');
      await execute(cmd, (ctx) => doctor(opts, ctx), renderDoctor);
    });

  program
    .command('prompt')
    .description('a short segment for a shell prompt or tmux status line')
    .addHelpText('after', examples("PS1='$(qlock prompt) '$PS1", 'qlock prompt --json'))
    .action(async (_opts: object, cmd: Command) => {
      const { prompt, renderPrompt } = await import('./commands/prompt.js');
      await execute(cmd, (ctx) => prompt({}, ctx), renderPrompt);
    });

  program
    .command('demo')
    .description('a walkthrough in a throw-away repository with three sessions')
    .option('--keep', 'keep the demo repository and print where it is')
    .addHelpText('after', examples('qlock demo', 'qlock demo --keep'))
    .action(async (opts: { keep?: boolean }, cmd: Command) => {
      const { demo } = await import('./commands/demo.js');
      await execute(cmd, (ctx) => demo(opts, ctx));
    });

  program
    .command('completion')
    .description('print a shell completion script')
    .addArgument(new ArgumentChoice('<shell>', 'bash or zsh', ['bash', 'zsh']))
    .addHelpText(
      'after',
      examples('qlock completion bash >> ~/.bashrc', 'qlock completion zsh > "${fpath[1]}/_qlock"'),
    )
    .action(async (shell: 'bash' | 'zsh', _opts: object, cmd: Command) => {
      const { completion } = await import('./commands/completion.js');
      await execute(
        cmd,
        async () => completion({ shell, program }),
        (r) => r.script,
      );
    });

  return program;
}

function printError(error: unknown, json: boolean): number {
  if (isQlockError(error)) {
    process.stderr.write(`qlock: ${error.message}\n`);
    if (isDebug() && error.stack) process.stderr.write(error.stack + '\n');
    if (json)
      process.stdout.write(
        JSON.stringify({ error: { message: error.message, exitCode: error.exitCode } }) + '\n',
      );
    return error.exitCode;
  }
  const internal = new InternalError(error instanceof Error ? error.message : String(error), {
    cause: error,
  });
  process.stderr.write(`qlock: ${messages.internal(internal.message)}\n`);
  if (isDebug() && error instanceof Error && error.stack) process.stderr.write(error.stack + '\n');
  if (json)
    process.stdout.write(
      JSON.stringify({ error: { message: internal.message, exitCode: 1 } }) + '\n',
    );
  return ExitCode.failure;
}

/** Runs the CLI and returns the exit code; bin/qlock.js sets it. */
export async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  if (argv.includes('--debug')) enableDebug();
  exitCode = ExitCode.ok;
  usageErrorText = '';
  const program = buildProgram();
  // `qlock help <typo>`: commander would print the general help and exit 0; treat the typo as the
  // unknown command it is (with commander's "Did you mean" suggestion).
  const first = firstWord(argv);
  if (first?.word === 'help') {
    const rest = argv.slice(first.index + 1);
    const topic = firstWord(rest)?.word;
    if (topic && !program.commands.some((c) => c.name() === topic || c.aliases().includes(topic)))
      argv = [...argv.slice(0, first.index), ...rest];
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version')
        return ExitCode.ok;
      // `qlock help` asked for is exit 0; a bare `qlock` gets the help on stderr as a usage error.
      if (error.code === 'commander.help')
        return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
      const message = usageMessage(usageErrorText || error.message, program, argv);
      process.stderr.write(`qlock: ${message}\n`);
      if (json)
        process.stdout.write(
          JSON.stringify({ error: { message, exitCode: ExitCode.usage } }) + '\n',
        );
      return ExitCode.usage;
    }
    return printError(error, json);
  }
}
