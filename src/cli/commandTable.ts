import type { Command } from 'commander';

import type { Context } from '../context.js';
import type { LandStrategy } from '../land/landTypes.js';
import { AGENTS } from '../project/agentNames.js';

/**
 * Every command of the CLI, declared once: its name, arguments, options (in commander's flag
 * syntax), examples and what it runs. Two things are made from this table and nothing else:
 * the commander program (src/cli/program.ts: help, usage errors, suggestions) and, for the hot
 * commands (`hot`), the light parser that runs them without loading commander
 * (src/cli/lightParser.ts, src/cli/fast.ts). Both end in the same execute() (src/cli/execute.ts),
 * which makes the context, runs `run`, prints through src/cli/report.ts and returns the exit code.
 * So an option is one edit here, and the two ways can differ only in how fast they start.
 *
 * This module is loaded by every hot command: it imports no command (each `run` imports its
 * command lazily) and nothing at run time but the agent names.
 */

export interface OptionSpec {
  /** commander's syntax: '--reason <text>', '-v, --verbose', '--no-hooks', '-C <dir>'. */
  readonly flags: string;
  readonly description: string;
  readonly choices?: readonly string[];
  /** The option this one cannot be given with. */
  readonly conflicts?: string;
  /** `--agent a --agent b` or `--agent a,b` (src/cli/repeatable.ts). */
  readonly repeatable?: true;
}

export interface ArgumentSpec {
  /** commander's syntax: '<name>', '[name]', '<path...>', '[path...]'. */
  readonly name: string;
  readonly description: string;
  readonly choices?: readonly string[];
}

/** What a command's `run` gets: its arguments in declaration order and its own options. */
export interface CommandInput {
  readonly args: readonly unknown[];
  readonly opts: Readonly<Record<string, unknown>>;
  /** The commander program, for `completion` (absent on the light path). */
  readonly program?: Command;
}

/** A command's result and how to render it as text (without --json). */
export interface Outcome {
  readonly result: unknown;
  readonly render?: () => string | undefined;
}

export interface CommandSpec {
  readonly name: string;
  readonly alias?: string;
  readonly description: string;
  readonly arguments?: readonly ArgumentSpec[];
  readonly options?: readonly OptionSpec[];
  readonly examples: readonly string[];
  /**
   * A hot command (DESIGN.md budgets): the light parser runs it from its bundle, named here
   * (scripts/bundle.mjs). Anything the light parser does not take (help, a typo, an option it
   * cannot spell as commander does) goes to commander, which reports it.
   */
  readonly hot?: string;
  /** git's hook arguments go to the command untouched: no options after the name, no --help. */
  readonly passThrough?: true;
  /** Running it is not the session's activity (hooks, prompt; lock records lastSeen itself). */
  readonly quiet?: true;
  /**
   * In a directory deleted under the shell: 'silent' prints nothing and exits 0 (a prompt
   * segment), 'pwd' carries on in $PWD (an agent hook must answer); default: the cwdGone error.
   */
  readonly withoutCwd?: 'silent' | 'pwd';
  run(input: CommandInput, ctx: Context): Promise<Outcome>;
}

const AGENT_LIST = `${AGENTS.slice(0, -1).join(', ')} or ${AGENTS.at(-1)}`;

/** The options every command takes (before or after its name). */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { flags: '--json', description: 'machine-readable output on stdout' },
  { flags: '--no-color', description: 'no colours (NO_COLOR is honoured too)' },
  { flags: '--debug', description: 'debug logs on stderr (or QLOCK_DEBUG=1)' },
  { flags: '-C <dir>', description: 'run as if started in <dir>' },
  {
    flags: '--session <name>',
    description:
      'act as this session (default: QLOCK_SESSION, else the session containing the cwd)',
  },
];

export const PROGRAM_EXAMPLES = [
  'qlock init',
  'qlock new feature-a',
  'qlock status',
  'qlock lock src/api.ts --reason "refactor"',
];

/** The command's options, as the command's functions take them. */
function options<T>(input: CommandInput): T {
  return input.opts as T;
}

/** A result with its rendering. */
function outcome<R>(result: R, render?: (result: R) => string | undefined): Outcome {
  return render ? { result, render: () => render(result) } : { result };
}

/** The commands of everyday work: sessions, locks, conflicts, sync, landing, shared mode. */
const WORK_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'init',
    description: 'set this project up: state dir, git hooks, optional agent hooks',
    options: [
      { flags: '--no-hooks', description: 'do not install git hooks' },
      {
        flags: '--agent <name...>',
        description: `also install agent hooks (${AGENTS.join(', ')})`,
      },
    ],
    examples: ['qlock init', 'qlock init --agent claude', 'qlock init --no-hooks'],
    async run(input, ctx) {
      const { init, renderInit } = await import('../commands/init.js');
      const result = await init(options<Parameters<typeof init>[0]>(input), ctx);
      return outcome(result, renderInit);
    },
  },
  {
    name: 'new',
    description: 'create a worktree (or, without git, a copy) for a new session and register it',
    arguments: [{ name: '<name>', description: 'session name: letters, digits, ".", "_", "-"' }],
    options: [
      { flags: '--base <branch>', description: 'branch to start from (default: config base)' },
      { flags: '--dir <dir>', description: 'where to create it (default: config worktreeDir)' },
      {
        flags: '--branch <branch>',
        description: 'branch name (default: <branchPrefix><name>); an existing branch is reused',
      },
      { flags: '--copy', description: 'plain directories: copy the tree' },
      {
        flags: '--agent <name>',
        description: `install agent hooks in the new session (${AGENTS.join(', ')}); repeatable`,
        repeatable: true,
      },
    ],
    examples: [
      'qlock new feature-a',
      'qlock new fix-login --base develop',
      'qlock new ui --agent claude',
    ],
    async run(input, ctx) {
      const { newSession, renderNew } = await import('../commands/new.js');
      const [name] = input.args as [string];
      const opts = options<Omit<Parameters<typeof newSession>[0], 'name'>>(input);
      const result = await newSession({ ...opts, name }, ctx);
      return outcome(result, renderNew);
    },
  },
  {
    name: 'join',
    description: 'register the current worktree or directory as a session',
    arguments: [
      { name: '[name]', description: 'session name (default: from the branch or directory)' },
    ],
    options: [{ flags: '--base <branch>', description: 'the branch this session merges into' }],
    examples: ['qlock join', 'qlock join main'],
    async run(input, ctx) {
      const { join, renderJoin } = await import('../commands/join.js');
      const [name] = input.args as [string | undefined];
      const opts = options<{ base?: string }>(input);
      const result = await join({ ...opts, ...(name ? { name } : {}) }, ctx);
      return outcome(result, renderJoin);
    },
  },
  {
    name: 'list',
    alias: 'ls',
    description: 'sessions, one line each',
    examples: ['qlock list', 'qlock list --json'],
    async run(_input, ctx) {
      const { list, renderList } = await import('../commands/list.js');
      return outcome(await list({}, ctx), (r) => renderList(r, ctx.now()));
    },
  },
  {
    name: 'status',
    description:
      'every session: branch, ahead/behind, changes, locks, overlaps, conflicts, unread events',
    arguments: [{ name: '[name]', description: 'only this session' }],
    options: [{ flags: '-v, --verbose', description: 'list every changed file' }],
    examples: ['qlock status', 'qlock status feature-a --verbose', 'qlock status --json'],
    hot: 'status',
    async run(input, ctx) {
      const { status, renderStatus } = await import('../commands/status.js');
      const [name] = input.args as [string | undefined];
      const { verbose } = options<{ verbose?: boolean }>(input);
      const opts = { ...(verbose ? { verbose } : {}), ...(name ? { name } : {}) };
      return outcome(await status(opts, ctx), (r) => renderStatus(r, opts, ctx.now()));
    },
  },
  {
    name: 'rm',
    description: 'unregister a session, release its locks and remove its worktree',
    arguments: [{ name: '<name>', description: 'session name' }],
    options: [
      {
        flags: '--force',
        description: 'remove even with uncommitted or unmerged work (that work is lost)',
      },
      { flags: '--keep-worktree', description: 'only unregister; keep the directory' },
    ],
    examples: ['qlock rm feature-a', 'qlock rm feature-a --keep-worktree'],
    async run(input, ctx) {
      const { rm, renderRm } = await import('../commands/rm.js');
      const [name] = input.args as [string];
      const opts = options<{ force?: boolean; keepWorktree?: boolean }>(input);
      return outcome(await rm({ ...opts, name }, ctx), renderRm);
    },
  },
  {
    name: 'gc',
    description: 'clean up orphans: sessions whose directory is gone, expired locks, dead owners',
    options: [{ flags: '--dry-run', description: 'only say what would be done' }],
    examples: ['qlock gc --dry-run', 'qlock gc'],
    async run(input, ctx) {
      const { gc, renderGc } = await import('../commands/gc.js');
      return outcome(await gc(options<{ dryRun?: boolean }>(input), ctx), renderGc);
    },
  },
  {
    name: 'lock',
    description: 'take advisory locks for the current session (all or nothing)',
    arguments: [{ name: '<path...>', description: 'files, or directories ending with "/"' }],
    options: [
      { flags: '--reason <text>', description: 'why, shown to anyone who bumps into the lock' },
      {
        flags: '--ttl <duration>',
        description: 'expire after this long (e.g. 30m, 2h; default: config lockTtl)',
      },
      {
        flags: '--wait <duration>',
        description: 'retry until free or until this much time has passed',
      },
    ],
    examples: [
      'qlock lock src/api.ts --reason "renaming the API"',
      'qlock lock src/db/ --ttl 1h',
      'qlock lock a.ts --wait 30s',
    ],
    hot: 'lock',
    quiet: true,
    async run(input, ctx) {
      const { lock, renderLock } = await import('../commands/lock.js');
      const [paths] = input.args as [string[]];
      const opts = options<{ reason?: string; ttl?: string; wait?: string }>(input);
      return outcome(await lock({ ...opts, paths }, ctx), (r) => renderLock(r, ctx));
    },
  },
  {
    name: 'unlock',
    description: "release your locks; --force breaks another session's lock and tells it",
    arguments: [{ name: '[path...]', description: 'locked paths' }],
    options: [
      { flags: '--all', description: 'release all of your locks' },
      { flags: '--force', description: "break another session's lock" },
    ],
    examples: ['qlock unlock src/api.ts', 'qlock unlock --all', 'qlock unlock src/api.ts --force'],
    hot: 'lock',
    quiet: true,
    async run(input, ctx) {
      const { unlock, renderUnlock } = await import('../commands/unlock.js');
      const [paths] = input.args as [string[] | undefined];
      const opts = options<{ all?: boolean; force?: boolean }>(input);
      const result = await unlock({ ...opts, paths: paths ?? [] }, ctx);
      return outcome(result, (r) => renderUnlock(r, ctx));
    },
  },
  {
    name: 'locks',
    description: 'all locks',
    examples: ['qlock locks', 'qlock locks --json'],
    async run(_input, ctx) {
      const { locks, renderLocks } = await import('../commands/locks.js');
      return outcome(await locks({}, ctx), (r) => renderLocks(r, ctx));
    },
  },
  {
    name: 'who',
    description: 'who holds a lock on a path, and which sessions are changing it',
    arguments: [{ name: '<path>', description: 'a file or directory' }],
    examples: ['qlock who src/api.ts', 'qlock who src/ --json'],
    async run(input, ctx) {
      const { who, renderWho } = await import('../commands/who.js');
      const [target] = input.args as [string];
      return outcome(await who({ path: target }, ctx), (r) => renderWho(r, ctx));
    },
  },
  {
    name: 'shared',
    description:
      'locks and presence shared with other machines through the git remote (config shared)',
    arguments: [
      {
        name: '[action]',
        description: 'status (default): what the remote holds; sync: share now',
        choices: ['status', 'sync'],
      },
    ],
    examples: ['qlock shared', 'qlock shared sync', 'qlock shared --json'],
    async run(input, ctx) {
      const { shared, renderShared } = await import('../shared/sharedCommand.js');
      const [action] = input.args as ['status' | 'sync' | undefined];
      const result = await shared({ action: action ?? 'status' }, ctx);
      return outcome(result, (r) => renderShared(r, ctx));
    },
  },
  {
    name: 'conflicts',
    description:
      'predict merge conflicts and overlaps between sessions (uncommitted work included) and base',
    arguments: [
      { name: '[a]', description: 'only pairs with this session' },
      { name: '[b]', description: 'only this pair (a session name, or the base branch)' },
    ],
    options: [{ flags: '--check', description: 'exit 3 when a conflict is predicted' }],
    examples: [
      'qlock conflicts',
      'qlock conflicts feature-a feature-b',
      'qlock conflicts --check --json',
    ],
    // The status bundle: the same scans and pairwise predictions as status (issue 22: without it
    // a warm run loaded 69 ES modules and commander before its first git call).
    hot: 'status',
    async run(input, ctx) {
      const { conflicts, renderConflicts } = await import('../commands/conflicts.js');
      const [a, b] = input.args as [string | undefined, string | undefined];
      const opts = {
        ...options<{ check?: boolean }>(input),
        ...(a ? { a } : {}),
        ...(b ? { b } : {}),
      };
      return outcome(await conflicts(opts, ctx), renderConflicts);
    },
  },
  {
    name: 'sync',
    description:
      "bring base's new commits into the current session; on conflict, leave everything as it was",
    options: [
      { flags: '--rebase', description: 'rebase onto base (default)', conflicts: 'merge' },
      { flags: '--merge', description: 'merge base in', conflicts: 'rebase' },
      {
        flags: '--autostash',
        description: 'stash uncommitted changes first and restore them after',
      },
    ],
    examples: ['qlock sync', 'qlock sync --merge', 'qlock sync --autostash'],
    async run(input, ctx) {
      const { sync, renderSync } = await import('../commands/sync.js');
      const opts = options<{ rebase?: boolean; merge?: boolean; autostash?: boolean }>(input);
      return outcome(await sync(opts, ctx), renderSync);
    },
  },
  {
    name: 'land',
    description:
      'bring sessions into base: sync, run the check, move base, tell the others (--plan: in which order)',
    arguments: [
      {
        name: '[name...]',
        description: 'sessions to land, in this order (default: the current session)',
      },
    ],
    options: [
      {
        flags: '--plan',
        description:
          'only say in which order to land them, and what is in the way (changes nothing)',
      },
      {
        flags: '--check <command>',
        description: 'the check to run in the session first (default: config land.check)',
      },
      {
        flags: '--strategy <strategy>',
        description: 'how base moves (default: config land.strategy)',
        choices: ['ff', 'merge', 'squash'],
      },
      {
        flags: '--autostash',
        description: 'set uncommitted changes aside while landing, and restore them after',
      },
      { flags: '--rm', description: 'remove each landed session, as `qlock rm` does' },
    ],
    examples: [
      'qlock land --plan',
      'qlock land feature-a --check "npm test"',
      'qlock land feature-a feature-b --strategy squash',
      'qlock land --autostash --rm',
    ],
    async run(input, ctx) {
      const [names = []] = input.args as [string[] | undefined];
      const opts = options<{
        plan?: boolean;
        check?: string;
        strategy?: LandStrategy;
        autostash?: boolean;
        rm?: boolean;
      }>(input);
      if (opts.plan) {
        const { landPlan, renderLandPlan } = await import('../land/landPlan.js');
        return outcome(await landPlan({ names }, ctx), renderLandPlan);
      }
      const { land, renderLand } = await import('../commands/land.js');
      return outcome(await land({ ...opts, names }, ctx), (r) => renderLand(r, ctx));
    },
  },
];

/** The live coordinator, the inbox, and the integrations: git and agent hooks, MCP, doctor, demo. */
const TOOL_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'watch',
    description:
      'the live coordinator: watch every session and the base ref, record and print events',
    examples: ['qlock watch', 'qlock watch --json'],
    async run(_input, ctx) {
      const { watch } = await import('../commands/watch.js');
      return outcome(await watch({}, ctx));
    },
  },
  {
    name: 'inbox',
    description: "the current session's unread events, then mark them read",
    options: [
      { flags: '--peek', description: 'do not mark them read' },
      { flags: '--all', description: 'also show events already read' },
    ],
    examples: ['qlock inbox', 'qlock inbox --peek', 'qlock inbox --all --json'],
    async run(input, ctx) {
      const { inbox, renderInbox } = await import('../commands/inbox.js');
      const opts = options<{ peek?: boolean; all?: boolean }>(input);
      return outcome(await inbox(opts, ctx), renderInbox);
    },
  },
  {
    name: 'note',
    description: "send a note to every other session's inbox",
    arguments: [{ name: '<text...>', description: 'the note' }],
    examples: ['qlock note "I am renaming User to Account in src/models"'],
    async run(input, ctx) {
      const { note, renderNote } = await import('../commands/note.js');
      const [words] = input.args as [string[]];
      return outcome(await note({ text: words.join(' ') }, ctx), renderNote);
    },
  },
  {
    name: 'hooks',
    description: "install, uninstall or inspect qlock's git hooks",
    arguments: [
      {
        name: '<action>',
        description: 'install, uninstall or status',
        choices: ['install', 'uninstall', 'status'],
      },
    ],
    options: [
      {
        flags: '--force',
        description:
          'with a core.hooksPath shared by every repository (global git config): install there, or uninstall from there too',
      },
    ],
    examples: ['qlock hooks install', 'qlock hooks status', 'qlock hooks uninstall'],
    async run(input, ctx) {
      const { hooks, renderHooks } = await import('../commands/hooks.js');
      const [action] = input.args as ['install' | 'uninstall' | 'status'];
      const force = !!options<{ force?: boolean }>(input).force;
      return outcome(await hooks({ action, force }, ctx), renderHooks);
    },
  },
  {
    name: 'hook',
    description: 'the handler that installed git hooks call (not for direct use)',
    arguments: [
      { name: '<name>', description: 'git hook name' },
      { name: '[args...]', description: "the hook's arguments" },
    ],
    examples: ['qlock hook pre-commit', 'qlock hook post-checkout HEAD~1 HEAD 1'],
    hot: 'hook',
    passThrough: true,
    quiet: true,
    async run(input, ctx) {
      const { hook } = await import('../commands/hook.js');
      const [name, args = []] = input.args as [string, string[] | undefined];
      return outcome(await hook({ name, args }, ctx));
    },
  },
  {
    name: 'agent',
    description: "wire qlock into an agent CLI's own hooks (and register the MCP server)",
    arguments: [
      { name: '<action>', description: 'install or uninstall', choices: ['install', 'uninstall'] },
      { name: '<agent>', description: AGENT_LIST, choices: AGENTS },
    ],
    options: [
      {
        flags: '--global',
        description: "user-level configuration instead of this session's worktree",
      },
      {
        flags: '--trust',
        description: 'codex: record the trust of the hooks qlock writes in your Codex config',
      },
    ],
    examples: [
      'qlock agent install claude',
      'qlock agent install q --global',
      'qlock agent install codex --trust',
      'qlock agent uninstall gemini',
    ],
    async run(input, ctx) {
      const { agentCommand, renderAgent } = await import('../commands/agent.js');
      const [action, agent] = input.args as ['install' | 'uninstall', string];
      const opts = options<{ global?: boolean; trust?: boolean }>(input);
      const result = await agentCommand({ ...opts, action, agent }, ctx);
      return outcome(result, renderAgent);
    },
  },
  {
    name: 'agent-hook',
    description:
      "the handler that agent hooks call, reading the agent's JSON on stdin (not for direct use)",
    arguments: [
      { name: '<agent>', description: AGENT_LIST },
      { name: '<event>', description: 'the hook event' },
    ],
    examples: [
      'qlock agent-hook claude PreToolUse < payload.json',
      'qlock agent-hook q userPromptSubmit < payload.json',
    ],
    // The bundle is chosen by event (scripts/bundle.mjs): tool events apart from context events.
    hot: 'agent-context',
    quiet: true,
    withoutCwd: 'pwd',
    async run(input, ctx) {
      const { agentHook } = await import('../commands/agentHook.js');
      const [agent, event] = input.args as [string, string];
      return outcome(await agentHook({ agent, event }, ctx));
    },
  },
  {
    name: 'mcp',
    description:
      'an MCP server over stdio for the current session (lock, unlock, who, status, conflicts, inbox, note)',
    examples: ['qlock mcp', 'qlock mcp --session feature-a'],
    async run(_input, ctx) {
      const { mcp } = await import('../commands/mcp.js');
      return outcome(await mcp({}, ctx));
    },
  },
  {
    name: 'doctor',
    description: 'check the setup and say how to fix each problem',
    options: [{ flags: '--fix', description: 'apply the safe fixes' }],
    examples: ['qlock doctor', 'qlock doctor --fix', 'qlock doctor --json'],
    async run(input, ctx) {
      const { doctor, renderDoctor } = await import('../commands/doctor.js');
      const result = await doctor(options<{ fix?: boolean }>(input), ctx);
      return outcome(result, renderDoctor);
    },
  },
  {
    name: 'config',
    description:
      "trust this project's JavaScript config (qsession.config.js and kin), so the hooks run it",
    arguments: [{ name: '<action>', description: 'trust', choices: ['trust'] }],
    examples: ['qlock config trust'],
    async run(input, ctx) {
      const { config, renderConfig } = await import('../commands/config.js');
      const [action] = input.args as ['trust'];
      return outcome(await config({ action }, ctx), renderConfig);
    },
  },
  {
    name: 'prompt',
    description: 'a short segment for a shell prompt or tmux status line',
    examples: ["PS1='$(qlock prompt) '$PS1", 'qlock prompt --json'],
    hot: 'prompt',
    quiet: true,
    withoutCwd: 'silent',
    async run(_input, ctx) {
      const { prompt, renderPrompt } = await import('../commands/prompt.js');
      return outcome(await prompt({}, ctx), renderPrompt);
    },
  },
  {
    name: 'demo',
    description: 'a walkthrough in a throw-away repository with three sessions',
    options: [{ flags: '--keep', description: 'keep the demo repository and print where it is' }],
    examples: ['qlock demo', 'qlock demo --keep'],
    async run(input, ctx) {
      const { demo } = await import('../commands/demo.js');
      return outcome(await demo(options<{ keep?: boolean }>(input), ctx));
    },
  },
  {
    name: 'completion',
    description: 'print a shell completion script',
    arguments: [{ name: '<shell>', description: 'bash or zsh', choices: ['bash', 'zsh'] }],
    examples: ['qlock completion bash >> ~/.bashrc', 'qlock completion zsh > "${fpath[1]}/_qlock"'],
    async run(input) {
      const { completion } = await import('../commands/completion.js');
      const [shell] = input.args as ['bash' | 'zsh'];
      return outcome(completion({ shell, program: input.program! }), (r) => r.script);
    },
  },
];

/** In the order `qlock --help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [...WORK_COMMANDS, ...TOOL_COMMANDS];

export function findCommand(name: string | undefined): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}
