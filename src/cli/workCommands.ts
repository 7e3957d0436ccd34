import { type Command, Option } from 'commander';

import { AGENTS } from '../project/agentNames.js';
import { ArgumentChoice, examples, execute } from './execute.js';
import { addLandCommand } from './landCommand.js';
import { collect } from './repeatable.js';

/** The commands of everyday work: sessions, locks, conflicts, sync, shared mode. */
export function addWorkCommands(program: Command): void {
  program
    .command('init')
    .description('set this project up: state dir, git hooks, optional agent hooks')
    .option('--no-hooks', 'do not install git hooks')
    .option('--agent <name...>', `also install agent hooks (${AGENTS.join(', ')})`)
    .addHelpText(
      'after',
      examples('qlock init', 'qlock init --agent claude', 'qlock init --no-hooks'),
    )
    .action(async (opts: { hooks?: boolean; agent?: string[] }, cmd: Command) => {
      const { init, renderInit } = await import('../commands/init.js');
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
      '--agent <name>',
      `install agent hooks in the new session (${AGENTS.join(', ')}); repeatable`,
      collect,
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
      const { newSession, renderNew } = await import('../commands/new.js');
      await execute(cmd, (ctx) => newSession({ ...opts, name }, ctx), renderNew);
    });

  program
    .command('join')
    .description('register the current worktree or directory as a session')
    .argument('[name]', 'session name (default: from the branch or directory)')
    .option('--base <branch>', 'the branch this session merges into')
    .addHelpText('after', examples('qlock join', 'qlock join main'))
    .action(async (name: string | undefined, opts: { base?: string }, cmd: Command) => {
      const { join, renderJoin } = await import('../commands/join.js');
      await execute(cmd, (ctx) => join({ ...opts, ...(name ? { name } : {}) }, ctx), renderJoin);
    });

  program
    .command('list')
    .alias('ls')
    .description('sessions, one line each')
    .addHelpText('after', examples('qlock list', 'qlock list --json'))
    .action(async (_opts: object, cmd: Command) => {
      const { list, renderList } = await import('../commands/list.js');
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
      const { status, renderStatus } = await import('../commands/status.js');
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
        const { rm, renderRm } = await import('../commands/rm.js');
        await execute(cmd, (ctx) => rm({ ...opts, name }, ctx), renderRm);
      },
    );

  program
    .command('gc')
    .description('clean up orphans: sessions whose directory is gone, expired locks, dead owners')
    .option('--dry-run', 'only say what would be done')
    .addHelpText('after', examples('qlock gc --dry-run', 'qlock gc'))
    .action(async (opts: { dryRun?: boolean }, cmd: Command) => {
      const { gc, renderGc } = await import('../commands/gc.js');
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
      const { lock, renderLock } = await import('../commands/lock.js');
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
      const { unlock, renderUnlock } = await import('../commands/unlock.js');
      await execute(cmd, (ctx) => unlock({ ...opts, paths }, ctx), renderUnlock);
    });

  program
    .command('locks')
    .description('all locks')
    .addHelpText('after', examples('qlock locks', 'qlock locks --json'))
    .action(async (_opts: object, cmd: Command) => {
      const { locks, renderLocks } = await import('../commands/locks.js');
      await execute(cmd, (ctx) => locks({}, ctx), renderLocks);
    });

  program
    .command('who')
    .description('who holds a lock on a path, and which sessions are changing it')
    .argument('<path>', 'a file or directory')
    .addHelpText('after', examples('qlock who src/api.ts', 'qlock who src/ --json'))
    .action(async (target: string, _opts: object, cmd: Command) => {
      const { who, renderWho } = await import('../commands/who.js');
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
      const { shared, renderShared } = await import('../shared/sharedCommand.js');
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
        const { conflicts, renderConflicts } = await import('../commands/conflicts.js');
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
        const { sync, renderSync } = await import('../commands/sync.js');
        await execute(cmd, (ctx) => sync(opts, ctx), renderSync);
      },
    );

  addLandCommand(program);
}
