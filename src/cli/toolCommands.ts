import { type Command } from 'commander';

import { AGENTS } from '../project/agentNames.js';
import { ArgumentChoice, examples, execute } from './execute.js';

const AGENT_LIST = `${AGENTS.slice(0, -1).join(', ')} or ${AGENTS.at(-1)}`;

/** The live coordinator, the inbox, and the integrations: git and agent hooks, MCP, doctor, demo. */
export function addToolCommands(program: Command): void {
  program
    .command('watch')
    .description(
      'the live coordinator: watch every session and the base ref, record and print events',
    )
    .addHelpText('after', examples('qlock watch', 'qlock watch --json'))
    .action(async (_opts: object, cmd: Command) => {
      const { watch } = await import('../commands/watch.js');
      await execute(cmd, (ctx) => watch({}, ctx));
    });

  program
    .command('inbox')
    .description("the current session's unread events, then mark them read")
    .option('--peek', 'do not mark them read')
    .option('--all', 'also show events already read')
    .addHelpText('after', examples('qlock inbox', 'qlock inbox --peek', 'qlock inbox --all --json'))
    .action(async (opts: { peek?: boolean; all?: boolean }, cmd: Command) => {
      const { inbox, renderInbox } = await import('../commands/inbox.js');
      await execute(cmd, (ctx) => inbox(opts, ctx), renderInbox);
    });

  program
    .command('note')
    .description("send a note to every other session's inbox")
    .argument('<text...>', 'the note')
    .addHelpText('after', examples('qlock note "I am renaming User to Account in src/models"'))
    .action(async (words: string[], _opts: object, cmd: Command) => {
      const { note, renderNote } = await import('../commands/note.js');
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
    .option(
      '--force',
      'with a core.hooksPath shared by every repository (global git config): install there, or uninstall from there too',
    )
    .addHelpText(
      'after',
      examples('qlock hooks install', 'qlock hooks status', 'qlock hooks uninstall'),
    )
    .action(
      async (
        action: 'install' | 'uninstall' | 'status',
        opts: { force?: boolean },
        cmd: Command,
      ) => {
        const { hooks, renderHooks } = await import('../commands/hooks.js');
        await execute(cmd, (ctx) => hooks({ action, force: !!opts.force }, ctx), renderHooks);
      },
    );

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
      const { hook } = await import('../commands/hook.js');
      await execute(cmd, (ctx) => hook({ name, args }, ctx));
    });

  program
    .command('agent')
    .description("wire qlock into an agent CLI's own hooks (and register the MCP server)")
    .addArgument(new ArgumentChoice('<action>', 'install or uninstall', ['install', 'uninstall']))
    .addArgument(new ArgumentChoice('<agent>', AGENT_LIST, [...AGENTS]))
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
        const { agentCommand, renderAgent } = await import('../commands/agent.js');
        await execute(cmd, (ctx) => agentCommand({ ...opts, action, agent }, ctx), renderAgent);
      },
    );

  program
    .command('agent-hook')
    .description(
      "the handler that agent hooks call, reading the agent's JSON on stdin (not for direct use)",
    )
    .argument('<agent>', AGENT_LIST)
    .argument('<event>', 'the hook event')
    .addHelpText(
      'after',
      examples(
        'qlock agent-hook claude PreToolUse < payload.json',
        'qlock agent-hook q userPromptSubmit < payload.json',
      ),
    )
    .action(async (agent: string, event: string, _opts: object, cmd: Command) => {
      const { agentHook } = await import('../commands/agentHook.js');
      await execute(cmd, (ctx) => agentHook({ agent, event }, ctx));
    });

  program
    .command('mcp')
    .description(
      'an MCP server over stdio for the current session (lock, unlock, who, status, conflicts, inbox, note)',
    )
    .addHelpText('after', examples('qlock mcp', 'qlock mcp --session feature-a'))
    .action(async (_opts: object, cmd: Command) => {
      const { mcp } = await import('../commands/mcp.js');
      await execute(cmd, (ctx) => mcp({}, ctx));
    });

  program
    .command('doctor')
    .description('check the setup and say how to fix each problem')
    .option('--fix', 'apply the safe fixes')
    .addHelpText('after', examples('qlock doctor', 'qlock doctor --fix', 'qlock doctor --json'))
    .action(async (opts: { fix?: boolean }, cmd: Command) => {
      const { doctor, renderDoctor } = await import('../commands/doctor.js');
      await execute(cmd, (ctx) => doctor(opts, ctx), renderDoctor);
    });

  program
    .command('config')
    .description(
      "trust this project's JavaScript config (qsession.config.js and kin), so the hooks run it",
    )
    .addArgument(new ArgumentChoice('<action>', 'trust', ['trust']))
    .addHelpText('after', examples('qlock config trust'))
    .action(async (action: 'trust', _opts: object, cmd: Command) => {
      const { config, renderConfig } = await import('../commands/config.js');
      await execute(cmd, (ctx) => config({ action }, ctx), renderConfig);
    });

  program
    .command('prompt')
    .description('a short segment for a shell prompt or tmux status line')
    .addHelpText('after', examples("PS1='$(qlock prompt) '$PS1", 'qlock prompt --json'))
    .action(async (_opts: object, cmd: Command) => {
      const { prompt, renderPrompt } = await import('../commands/prompt.js');
      await execute(cmd, (ctx) => prompt({}, ctx), renderPrompt);
    });

  program
    .command('demo')
    .description('a walkthrough in a throw-away repository with three sessions')
    .option('--keep', 'keep the demo repository and print where it is')
    .addHelpText('after', examples('qlock demo', 'qlock demo --keep'))
    .action(async (opts: { keep?: boolean }, cmd: Command) => {
      const { demo } = await import('../commands/demo.js');
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
      const { completion } = await import('../commands/completion.js');
      await execute(
        cmd,
        async () => completion({ shell, program }),
        (r) => r.script,
      );
    });
}
