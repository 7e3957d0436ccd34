import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';

import { buildProgram } from '../../src/cli.js';
import { COMMANDS, findCommand, GLOBAL_OPTIONS } from '../../src/cli/commandTable.js';
import { parseLight } from '../../src/cli/lightParser.js';

/**
 * The hot commands are parsed by two parsers made from one table (src/cli/commandTable.ts):
 * commander and the light parser. Whatever the light parser takes, it must read exactly as
 * commander does (same arguments, same options, same globals); whatever it cannot read so, it
 * must decline, so that commander answers. Commander's side is read at its preAction hook, where
 * the action would run.
 */
async function commanderReads(argv: string[]) {
  const program = buildProgram();
  let seen: { args: unknown[]; opts: unknown; globals: unknown } | undefined;
  program.hook('preAction', (_root: Command, action: Command) => {
    const { json, color, debug, C, session } = action.optsWithGlobals();
    const globals = Object.fromEntries(
      Object.entries({ json, color, debug, C, session }).filter(([, v]) => v !== undefined),
    );
    seen = { args: action.processedArgs, opts: action.opts(), globals };
    throw new Error('stop before the action');
  });
  await program.parseAsync(argv, { from: 'user' }).catch(() => undefined);
  return seen;
}

function lightReads(argv: string[]) {
  const [name, ...rest] = argv;
  const parsed = parseLight(findCommand(name)!, rest, GLOBAL_OPTIONS);
  if (!parsed) return undefined;
  return { args: [...parsed.input.args], opts: parsed.input.opts, globals: parsed.globals };
}

describe('the light parser reads a hot command line as commander does', () => {
  it.each([
    ['lock', 'a.ts'],
    ['lock', 'a.ts', 'b/', '--reason', 'renaming', '--ttl', '1h'],
    ['lock', '--reason=why', 'a.ts', '--wait', '30s', '--json'],
    ['lock', 'a.ts', '-C', '.', '--session', 'feat', '--no-color', '--debug'],
    ['unlock'],
    ['unlock', 'a.ts', 'b.ts', '--force'],
    ['unlock', '--all', '--json'],
    ['status'],
    ['status', 'feat', '-v'],
    ['status', '--verbose', '--json', 'feat'],
    ['conflicts'],
    ['conflicts', 'feat', 'main', '--check', '--json'],
    ['prompt'],
    ['prompt', '--json', '--session', 's', '-C', '.'],
    ['agent-hook', 'claude', 'PreToolUse'],
    ['agent-hook', 'nobody', 'x', '--debug'],
  ])('%s %s …', async (...argv: string[]) => {
    const light = lightReads(argv);
    expect(light, 'the light parser took it').toBeDefined();
    expect(light).toEqual(await commanderReads(argv));
  });

  it('hook: the git hook arguments, untouched', () => {
    expect(lightReads(['hook', 'post-checkout', 'a', 'b', '1'])).toEqual({
      args: ['post-checkout', ['a', 'b', '1']],
      opts: {},
      globals: {},
    });
    expect(lightReads(['hook', 'pre-push', 'origin', '--json'])?.args).toEqual([
      'pre-push',
      ['origin', '--json'],
    ]);
  });

  it.each([
    ['lock'], // commander words the missing path
    ['lock', 'a.ts', '--reasn', 'x'], // a typo: commander suggests --reason
    ['lock', 'a.ts', '--reason'], // a value missing
    ['lock', 'a.ts', '--json=yes'], // a value given to a flag
    ['lock', 'a.ts', '--C', '.'], // -C is spelled with one dash
    ['lock', '--', '-a.ts'],
    ['status', 'a', 'b'], // too many arguments
    ['prompt', 'extra'],
    ['agent-hook', 'claude'],
    ['hook'],
    ['hook', '--help'],
  ])('declines %s %s …', (...argv: string[]) => {
    expect(lightReads(argv)).toBeUndefined();
  });

  it('every hot command is one the light parser can read', () => {
    const hot = COMMANDS.filter((c) => c.hot).map((c) => c.name);
    expect(hot.sort()).toEqual([
      'agent-hook',
      'conflicts',
      'hook',
      'lock',
      'prompt',
      'status',
      'unlock',
    ]);
    for (const name of hot) expect(lightReads([name, ...fill(name)]), name).toBeDefined();
  });
});

function fill(name: string): string[] {
  return (findCommand(name)!.arguments ?? []).filter((a) => a.name.startsWith('<')).map(() => 'x');
}
