import { type Command, Option } from 'commander';

import type { LandStrategy } from '../land/landTypes.js';
import { examples, execute } from './execute.js';

/** Commander wiring of `qlock land` (the command itself is src/commands/land.ts). */
export function addLandCommand(program: Command): void {
  program
    .command('land')
    .description(
      'bring sessions into base: sync, run the check, move base, tell the others (--plan: in which order)',
    )
    .argument('[name...]', 'sessions to land, in this order (default: the current session)')
    .option(
      '--plan',
      'only say in which order to land them, and what is in the way (changes nothing)',
    )
    .option(
      '--check <command>',
      'the check to run in the session first (default: config land.check)',
    )
    .addOption(
      new Option('--strategy <strategy>', 'how base moves (default: config land.strategy)').choices(
        ['ff', 'merge', 'squash'],
      ),
    )
    .option('--autostash', 'set uncommitted changes aside while landing, and restore them after')
    .option('--rm', 'remove each landed session, as `qlock rm` does')
    .addHelpText(
      'after',
      examples(
        'qlock land --plan',
        'qlock land feature-a --check "npm test"',
        'qlock land feature-a feature-b --strategy squash',
        'qlock land --autostash --rm',
      ),
    )
    .action(
      async (
        names: string[],
        opts: {
          plan?: boolean;
          check?: string;
          strategy?: LandStrategy;
          autostash?: boolean;
          rm?: boolean;
        },
        cmd: Command,
      ) => {
        if (opts.plan) {
          const { landPlan, renderLandPlan } = await import('../land/landPlan.js');
          await execute(cmd, (ctx) => landPlan({ names }, ctx), renderLandPlan);
          return;
        }
        const { land, renderLand } = await import('../commands/land.js');
        await execute(cmd, (ctx) => land({ ...opts, names }, ctx), renderLand);
      },
    );
}
